"""The package's shape, measured: import circles (function-level imports included), the
direction of imports between stages, modules over the size limit, the package's lines.

``python scripts/architecture.py`` prints what breaks the rules and exits 1 if any does;
``tests/test_architecture.py`` runs the same checks.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scoring"
MAX_MODULE_LINES = 500
MAX_PACKAGE_LINES = 12_000


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules ``path`` imports anywhere (top level, functions,
    TYPE_CHECKING blocks excluded: they never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            modules_named = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            # ``from package import module`` depends on the module (the package's
            # ``__init__`` only when a name is not a module)
            targets = modules_named + ([base] if len(modules_named) < len(node.names) else [])
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    # A package's __init__ importing its own modules is not a circle of the design.
    return {
        name: {t for t in imports(name, path, known) if not name.startswith(t + ".")}
        for name, path in found.items()
    }


# Each stage imports only the stages before it (and ``text``, which every stage speaks).
ORDER = ["text", "model", "inputs", "analysis", "views", "build", "share"]


def stage(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in ORDER else ""


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Imports of a later stage by an earlier one (the model imports no reading of files)."""
    found = []
    for name, targets in sorted(graph.items()):
        here = stage(name)
        for target in sorted(targets):
            there = stage(target)
            if here and there and here != "text" and ORDER.index(there) > ORDER.index(here):
                found.append(f"{name} imports {target} (a later stage)")
            if here == "model" and target == "scoring.io":
                found.append(f"{name} imports {target} (the model reads and writes no file)")
    return found


def problems() -> list[str]:
    lines = {name: len(p.read_text(encoding="utf-8").splitlines()) for name, p in modules().items()}
    imports_of = graph()
    found = [f"import circle: {' ↔ '.join(group)}" for group in cycles(imports_of)]
    found += upward(imports_of)
    found += [
        f"{name}: {count} lines (at most {MAX_MODULE_LINES})"
        for name, count in sorted(lines.items())
        if count > MAX_MODULE_LINES
    ]
    if (total := sum(lines.values())) > MAX_PACKAGE_LINES:
        found.append(f"scoring/: {total} lines of Python (at most {MAX_PACKAGE_LINES})")
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(line)
    total = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in modules().values())
    print(f"{len(modules())} modules, {total} lines")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
