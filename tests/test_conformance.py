"""Public conformance vectors, run through the strict parsers and ``structure()``/``loads()``.

Every vector of ``tests/data/conformance/`` (JSON-Schema-Test-Suite's ``date-time``,
``duration`` and ``uuid`` format tests, RFC 3339's examples, the test cases of isodate,
aniso8601 and isoduration, the ADL LRS conformance suite's timestamp, duration and UUID
values, the W3C XSD duration instances) must get the source's verdict, except the vectors
listed in ``deviations.json``, which must get exactly the verdict and code listed there: a
deviation that stops being one fails, so the table (rendered in ``docs/conformance.md``)
stays true.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import pytest
from conformance_vectors import (
    DATA,
    DOCS,
    END,
    START,
    Vector,
    deviations,
    ours,
    render,
    vectors,
)

from lms_schema._values.datetimes import format_datetime, parse_datetime

VECTORS = vectors()
DEVIATIONS = {row["id"]: row for row in deviations()}
# what an invalid vector may be rejected with, per kind
CODES = {
    "date-time": {"invalid_datetime", "leap_second", "wrong_type"},
    "duration": {"invalid_duration", "negative_duration", "duration_out_of_range", "wrong_type"},
    "uuid": {"invalid_uuid", "wrong_type"},
}


@pytest.mark.parametrize("vector", VECTORS, ids=[v.id for v in VECTORS])
def test_vector(vector: Vector) -> None:
    verdict, code = ours(vector)
    row = DEVIATIONS.get(vector.id)
    if row is None:
        assert verdict == vector.verdict, (vector, code)
    else:
        assert vector.verdict == row["source_verdict"] != verdict, "no longer a deviation"
        assert (verdict, code) == (row["ours"], row["code"])
    if code is not None:
        assert code in CODES[vector.kind]


def test_the_deviation_table_names_real_vectors() -> None:
    by_id = {v.id: v for v in VECTORS}
    assert len(by_id) == len(VECTORS)
    for row in deviations():
        vector = by_id[row["id"]]
        assert row["value"] == vector.value
        assert row["why"].strip()
    assert len(DEVIATIONS) == len(deviations())


def test_docs_render_the_table() -> None:
    """docs/conformance.md carries the generated tables (``python3
    tests/conformance_vectors.py`` rewrites them)."""
    text = DOCS.read_text(encoding="utf-8")
    assert f"{START}\n{render()}\n{END}" in text


@pytest.mark.parametrize("vector", [v for v in VECTORS if v.utc], ids=lambda v: v.id)
def test_rfc3339_examples_are_the_instants_the_rfc_names(vector: Vector) -> None:
    assert vector.utc is not None
    assert parse_datetime(vector.value) == parse_datetime(vector.utc)
    assert format_datetime(parse_datetime(vector.value).astimezone(UTC)) == vector.utc


def test_sources_are_recorded() -> None:
    """Each vector file names its repository, commit, paths and licence."""
    for name in ("rfc3339", "isodate", "aniso8601", "isoduration", "lrs-conformance"):
        source: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text("utf-8"))["source"]
        assert {"repo", "commit", "paths", "licence"} <= set(source)
    assert (DATA / "json-schema-test-suite" / "LICENSE").exists()
    assert (DATA / "w3c-xsdtests" / "00COPYRIGHT").exists()
    readme = (DATA / "README.md").read_text("utf-8")
    for commit in (
        "44401e0c046704b476ec9d2e2fccdaee618f259d",
        "cbd5cadce72d12bfb27d47a53b7e829683edcf2b",
    ):
        assert commit in readme


def test_known_disagreements_of_the_issue() -> None:
    """The offset-minute vector of JSON-Schema-Test-Suite now agrees; the five duration
    deviations of RFC 3339 Appendix A are listed."""
    by_value = {(v.source, v.value): v for v in VECTORS if isinstance(v.value, str)}
    offset = by_value[("JSON-Schema-Test-Suite", "1990-12-31T10:00:00+10:60")]
    assert offset.verdict == "invalid" and ours(offset) == ("invalid", "invalid_datetime")
    listed = {row["value"] for row in DEVIATIONS.values() if isinstance(row["value"], str)}
    assert {"PT0.5S", "PT0,5S", "P1Y2D", "PT1H2S", "P" + "9" * 78 + "D"} <= listed
