"""Fail when a committed notebook carries outputs or execution counts (they must diff well)."""

import json
import sys

bad = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count")):
            bad.append(path)
            break
for path in bad:
    print(f"{path}: notebook has outputs; clear them before committing", file=sys.stderr)
sys.exit(1 if bad else 0)
