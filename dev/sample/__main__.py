"""``python -m dev.sample --year 2018`` (``make sample``): write the embedded sample's forms.

Run from the repository's root (``dev`` is not installed). Errors and exit statuses are
those of ``python -m scoring`` (``scoring.cli.run``); the closing line is translated with
the package's catalogue, so ``--lang en`` prints it in English.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scoring.cli import run
from scoring.text.i18n import translator
from scoring.text.lang import DEFAULT_LANG, LANGUAGES


def cmd_sample(args: argparse.Namespace) -> int:
    from dev.sample import write_sample

    written = write_sample(Path(args.data), args.year)
    _ = translator(args.lang)
    line = _("Đã tạo %(n)s phiếu mẫu năm %(year)s")
    print(line % {"n": written, "year": args.year}, file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m dev.sample", description="tạo bộ phiếu mẫu (tất định) của năm"
    )
    top.add_argument("--year", type=int, required=True)
    top.add_argument("--data", type=Path, default=Path("data"))
    top.add_argument(
        "--lang", choices=LANGUAGES, default=DEFAULT_LANG, help="ngôn ngữ thông báo (vi, en)"
    )
    top.set_defaults(func=cmd_sample)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    return run(parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
