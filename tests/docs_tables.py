"""The generated tables of the documentation: issue codes from ``lms_schema.CODES`` (in
docs/rules.md) and normalization rules from ``lms_schema.RULES`` (in docs/normalization.md).

Each table sits between two markers in its page, ``<!-- generated: codes -->`` and
``<!-- end generated: codes -->``. tests/test_docs_tables.py fails when a table differs from
what this module generates; rewrite them with::

    python3 tests/docs_tables.py
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: document this checkout

import lms_schema  # noqa: E402


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def codes_table() -> str:
    """Every issue code with its meaning, in the order of ``CODES``."""
    rows = [f"| `{code}` | {_escape(meaning)} |" for code, meaning in lms_schema.CODES.items()]
    return "\n".join(["| code | meaning |", "|---|---|", *rows])


def rules_table() -> str:
    """Every normalization rule with what it repairs, in the order of ``RULES``."""
    rows = [f"| `{rule}` | {_escape(text)} |" for rule, text in lms_schema.RULES.items()]
    return "\n".join(["| rule | repairs |", "|---|---|", *rows])


#: name -> (page, generator)
TABLES: dict[str, tuple[Path, Callable[[], str]]] = {
    "codes": (ROOT / "docs" / "rules.md", codes_table),
    "rules": (ROOT / "docs" / "normalization.md", rules_table),
}


def _region(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- generated: {name} -->\n)(.*?)(<!-- end generated: {name} -->)", re.DOTALL
    )


def current(name: str) -> str:
    """The table as the page has it now (what is between the markers, without the last
    newline)."""
    page, _ = TABLES[name]
    found = _region(name).search(page.read_text())
    if found is None:
        raise LookupError(f"{page}: no <!-- generated: {name} --> region")
    return found[2].removesuffix("\n")


def _replacement(table: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m[1] + table + "\n" + m[3]


def write() -> list[Path]:
    """Rewrite every generated region; the pages that changed."""
    changed = []
    for name, (page, generate) in TABLES.items():
        text = page.read_text()
        new = _region(name).sub(_replacement(generate()), text)
        if new != text:
            page.write_text(new)
            changed.append(page)
    return changed


if __name__ == "__main__":
    for path in write():
        print(f"rewrote {path.relative_to(ROOT)}")
