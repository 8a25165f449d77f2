"""The documentation's tables of issue codes and normalization rules match ``CODES`` and
``RULES`` (regenerate with ``python3 tests/docs_tables.py``), and every code is documented."""

from __future__ import annotations

import re

import pytest
from docs_tables import ROOT, TABLES, current

import lms_schema


@pytest.mark.parametrize("name", sorted(TABLES))
def test_generated_tables_are_up_to_date(name: str) -> None:
    _, generate = TABLES[name]
    assert current(name) == generate(), "run: python3 tests/docs_tables.py"


def test_every_rule_has_an_example_row() -> None:
    # the hand-written before/after table of docs/normalization.md names every rule, in order
    text = (ROOT / "docs" / "normalization.md").read_text()
    examples = text.split("<!-- examples: rules -->", 1)[1].split("\n\n", 2)[1]
    assert re.findall(r"^\| `([a-z_.0-9]+)` \|", examples, re.M) == list(lms_schema.RULES)
