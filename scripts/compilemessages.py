#!/usr/bin/env python3
"""Compile every gettext catalog (.po) under kaifang/locale into the .mo Django reads, next to it.

Pure Python (polib), so it works where GNU gettext's msgfmt is not installed — unlike
``manage.py compilemessages``. Fuzzy and obsolete entries are left out, as msgfmt does.

    .venv/bin/python scripts/compilemessages.py           # compile
    .venv/bin/python scripts/compilemessages.py --check   # exit 1 if a .mo is missing or stale
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "kaifang" / "locale"


def entries(mo: polib.MOFile) -> tuple[set[tuple[object, ...]], dict[str, str]]:
    """What a compiled catalog says (its messages and header), independent of how the bytes were laid out."""
    messages: set[tuple[object, ...]] = {
        (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo
    }
    return messages, dict(mo.metadata)


def compile_po(po_path: Path, mo_path: Path) -> None:
    po = polib.pofile(str(po_path))
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    po.save_as_mofile(str(mo_path))


def is_current(po_path: Path) -> bool:
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return False
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.mo"
        compile_po(po_path, fresh)
        return entries(polib.mofile(str(fresh))) == entries(polib.mofile(str(mo_path)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report catalogs whose .mo is missing or stale")
    parser.add_argument("--locale", type=Path, default=LOCALE, help=f"locale directory (default {LOCALE})")
    args = parser.parse_args(argv)

    catalogs = sorted(args.locale.rglob("*.po"))
    if not catalogs:
        print(f"没有找到 .po 文件 (no .po files under {args.locale})", file=sys.stderr)
        return 1
    stale = []
    for po_path in catalogs:
        if args.check:
            if not is_current(po_path):
                stale.append(po_path)
                print(f"过期 (stale): {po_path.with_suffix('.mo')}", file=sys.stderr)
            continue
        compile_po(po_path, po_path.with_suffix(".mo"))
        print(f"→ {po_path.with_suffix('.mo')}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
