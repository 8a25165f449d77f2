"""Every issue code the package emits is in CODES and documented in docs/ (the table of
docs/rules.md is generated from CODES; tests/test_docs_tables.py keeps it current)."""

from __future__ import annotations

import re
from pathlib import Path

import lms_schema

ROOT = Path(__file__).parent.parent
SOURCE = "".join(p.read_text() for p in sorted((ROOT / "lms_schema").rglob("*.py")))
DOCS = "".join(p.read_text() for p in sorted((ROOT / "docs").rglob("*.md")))

# an issue code is the string literal right after the path of Issue(...) / _issue(...) /
# _error(...) / _warning(...), or the first argument of FieldError(...) / DurationError(...)
_PARENS = r"\((?:[^()]|\([^()]*\))*\)"  # an argument with up to two levels of parentheses
_AFTER_PATH = re.compile(
    rf"(?:Issue|_issue|_error|_warning)\(\s*(?:[^,()]|{_PARENS})*,\s*\"([a-z_]+)\""
)
_FIRST = re.compile(r"(?:FieldError|DurationError)\(\s*\"([a-z_]+)\"")
EMITTED = set(_AFTER_PATH.findall(SOURCE)) | set(_FIRST.findall(SOURCE))

REQUEST_AWARE = {
    "invalid_expand", "unknown_relation", "duplicate_relation", "unknown_field", "duplicate_field",
    "int_parsing", "int_parsing_size", "greater_than_equal", "less_than_equal", "bool_parsing",
    "uuid_parsing", "noncanonical_parameter", "invalid_list", "repeated_parameter",
    "unknown_parameter", "unknown_endpoint", "method_not_allowed", "invalid_har", "not_expanded",
    "unexpected_expansion", "missing_selected_field", "page_too_large", "unselected_field",
    "unrequested_data", "missing_requested_data", "page_size_mismatch", "duplicate_id",
    "undocumented_status", "filter_mismatch",
}  # fmt: skip


def test_the_scan_finds_codes() -> None:
    assert REQUEST_AWARE <= EMITTED


def test_every_emitted_code_is_in_codes() -> None:
    assert EMITTED - set(lms_schema.CODES) == set()


RETIRED = {"invalid_boolean", "invalid_integer"}


def test_retired_codes_stay_in_codes_but_are_no_longer_emitted() -> None:
    assert sorted(RETIRED - set(lms_schema.CODES)) == []
    assert sorted(RETIRED & EMITTED) == []
    assert all(lms_schema.CODES[code].startswith("retired: ") for code in RETIRED)


def test_every_code_is_documented() -> None:
    assert [code for code in lms_schema.CODES if f"`{code}`" not in DOCS] == []
