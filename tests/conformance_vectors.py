"""The public conformance vectors of ``tests/data/conformance/`` and lms-schema's verdict on
each (used by ``tests/test_conformance.py``; run this module to rewrite the deviation table
in ``docs/conformance.md``)::

    python3 tests/conformance_vectors.py

A vector is one value from a public test suite with the source's verdict (valid or
invalid); :func:`ours` runs it through the strict parser and through ``structure()`` and
``loads()`` in the field where it belongs, checks that they agree, and returns the verdict
and issue code. ``deviations.json`` is the one table of vectors on which lms-schema
deliberately disagrees with the source, each with the reason.
"""

from __future__ import annotations

import json
import math
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import orjson

import lms_schema
from lms_schema import Completion
from lms_schema._values.datetimes import parse_datetime
from lms_schema._values.durations import parse_duration
from lms_schema._values.ids import parse_uuid

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data" / "conformance"
DOCS = ROOT / "docs" / "conformance.md"

BASE: dict[str, Any] = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}
#: The field where each kind of vector belongs (in a completion).
FIELDS = {"date-time": "completed_at", "duration": "time_duration", "uuid": "id"}
NULLABLE = {"completed_at", "time_duration"}
PARSERS = {"date-time": parse_datetime, "duration": parse_duration, "uuid": parse_uuid}
JSON_SCHEMA_TEST_SUITE = "JSON-Schema-Test-Suite"


@attrs.frozen
class Vector:
    """One value of a public test suite and the source's verdict on it."""

    id: str
    source: str
    kind: str
    value: Any
    verdict: str
    where: str
    utc: str | None = None


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def vectors() -> list[Vector]:
    """Every vector of every source, in a stable order."""
    out: list[Vector] = []
    for kind in ("date-time", "duration", "uuid"):
        groups = _load(f"json-schema-test-suite/{kind}.json")
        for g, group in enumerate(groups):
            for t, test in enumerate(group["tests"]):
                out.append(
                    Vector(
                        f"jsts/{kind}/{g}.{t}",
                        JSON_SCHEMA_TEST_SUITE,
                        kind,
                        test["data"],
                        "valid" if test["valid"] else "invalid",
                        test["description"],
                    )
                )
    for name in ("rfc3339", "isodate", "aniso8601", "isoduration", "lrs-conformance"):
        document = _load(f"{name}.json")
        source = document["source"]["name"]
        for v in document["vectors"]:
            out.append(
                Vector(
                    v["id"], source, v["kind"], v["value"], v["verdict"], v["where"], v.get("utc")
                )
            )
    xsd = _load("w3c-xsdtests.json")
    for file, verdict in sorted(xsd["verdicts"].items()):
        tree = ET.parse(DATA / "w3c-xsdtests" / file)
        element = tree.find(".//comp_foo")
        if element is not None:
            text = element.text or ""
        else:  # an attribute instead: <item SOMITEM_DATATYPE_DURATION="P1"/>
            item = tree.find(".//item")
            assert item is not None, file
            text = item.attrib["SOMITEM_DATATYPE_DURATION"]
        # xs:duration collapses whitespace before checking the lexical form
        value = text.strip()
        out.append(Vector(f"w3c-xsdtests/{file}", "w3c-xsdtests", "duration", value, verdict, file))
    return out


def ours(vector: Vector) -> tuple[str, str | None]:
    """lms-schema's verdict and issue code on ``vector``: the strict parser, ``structure()``
    and ``loads()`` in the vector's field, which must all agree."""
    field = FIELDS[vector.kind]
    parsed: Any = None
    code: str | None = None
    if vector.value is None:  # null: the field's business (completed_at may be null, id not)
        code = None if field in NULLABLE else "wrong_type"
    else:
        try:
            parsed = PARSERS[vector.kind](vector.value)
        except ValueError as exc:
            code = getattr(exc, "code", "invalid_value")
    payload = {**BASE, field: vector.value}
    documents: list[dict[str, Any] | bytes] = [payload]
    if not (isinstance(vector.value, float) and not math.isfinite(vector.value)):
        documents.append(orjson.dumps(payload))
    for document in documents:
        try:
            if isinstance(document, bytes):
                model = lms_schema.loads(document, Completion)
            else:
                model = lms_schema.structure(document, Completion)
        except lms_schema.ValidationError as exc:
            found = [(issue.path, issue.code) for issue in exc.issues]
            assert found == [(f"$.{field}", code)], (vector, found)
        else:
            assert code is None, (vector, code)
            assert getattr(model, field) == parsed, vector
    return ("valid", None) if code is None else ("invalid", code)


def deviations() -> list[dict[str, Any]]:
    """The table: one row per vector on which lms-schema disagrees with its source."""
    rows: list[dict[str, Any]] = json.loads((DATA / "deviations.json").read_text("utf-8"))
    return rows


def _cell(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 60:
        text = text[:57] + "..."
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def render() -> str:
    """The generated part of docs/conformance.md: vector counts and the deviation table."""
    all_vectors = vectors()
    by_id = {v.id: v for v in all_vectors}
    rows = deviations()
    counted = Counter(v.source for v in all_vectors)
    deviating = Counter(by_id[row["id"]].source for row in rows)
    lines = [
        "| source | vectors | agree | deviations |",
        "|---|---:|---:|---:|",
    ]
    for source, count in counted.items():
        lines.append(f"| {source} | {count} | {count - deviating[source]} | {deviating[source]} |")
    total = len(all_vectors)
    lines.append(f"| all | {total} | {total - len(rows)} | {len(rows)} |")
    lines += [
        "",
        "| vector | kind | source | source verdict | ours | why |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        v = by_id[row["id"]]
        ours_text = row["ours"] + (f" (`{row['code']}`)" if row["code"] else "")
        lines.append(
            f"| {_cell(v.value)} | {v.kind} | {row['id']} | {v.verdict} | {ours_text} |"
            f" {row['why']} |"
        )
    return "\n".join(lines)


START = "<!-- generated: tests/conformance_vectors.py; do not edit by hand -->"
END = "<!-- end of generated part -->"


def rewrite_docs() -> None:
    text = DOCS.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOCS.write_text(f"{head}{START}\n{render()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--disagreements"]:
        for v in vectors():
            verdict, code = ours(v)
            if verdict != v.verdict:
                print(
                    json.dumps(
                        {
                            "id": v.id,
                            "value": v.value,
                            "source_verdict": v.verdict,
                            "ours": verdict,
                            "code": code,
                            "where": v.where,
                        },
                        ensure_ascii=False,
                    )
                )
    else:
        rewrite_docs()
