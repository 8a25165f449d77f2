"""The published OpenAPI document's schemas against ``lms_schema.json_schema``, on one corpus.

Run ``python3 -m benchmarks.schema_compare [N]`` (N generated payloads per class and kind,
default 200). The corpus is drawn, derandomized, from ``strategies.payloads`` (legal) and
``strategies.invalid_payloads`` (exactly one violation each) for the seven models and their
pages. For each schema it counts the legal payloads rejected (grouped by the field and the
keyword that failed) and the illegal payloads accepted (grouped by lms-schema's issue code, and
the inexpressible rule when there is one), and prints Markdown for ``benchmarks/RESULTS.md``.
Validators: python-jsonschema and jsonschema-rs, format assertion off and on; the exported
schema's four verdicts are also compared with each other and with lms-schema's.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lms_schema
from lms_schema import Page, strategies
from lms_schema._models.fields import FieldInfo
from lms_schema._models.models import MODELS
from lms_schema._schema.inexpressible import inexpressible_rule

_PUBLISHED = Path(__file__).parent.parent / "tests" / "data" / "bindbee-openapi-lms.json"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _draw(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    out: list[Any] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out


def _published(cls: Any) -> dict[str, Any]:
    doc = json.loads(_PUBLISHED.read_text())
    if cls in MODELS:
        name = f"Lms{cls.__name__}"
    else:
        name = f"PaginatedResponse_Lms{cls.__args__[0].__name__}_"
    return {"$schema": _DIALECT, "$ref": f"#/components/schemas/{name}", **doc}


def _checks(schema: dict[str, Any]) -> dict[str, Callable[[Any], bool]]:
    draft = jsonschema.Draft202012Validator
    return {
        "jsonschema": draft(schema).is_valid,
        "jsonschema+formats": draft(schema, format_checker=_FORMATS).is_valid,
        "jsonschema-rs": jsonschema_rs.validator_for(schema).is_valid,
        "jsonschema-rs+formats": jsonschema_rs.validator_for(
            schema, validate_formats=True
        ).is_valid,
    }


def _why(schema: dict[str, Any], payload: Any) -> set[str]:
    """The field and keyword of each error (python-jsonschema), for grouping."""
    out = set()
    for error in jsonschema.Draft202012Validator(schema).iter_errors(payload):
        names = [p for p in error.absolute_path if isinstance(p, str)]
        leaf = min(error.context or [error], key=lambda e: len(e.absolute_path))
        out.add(f"`{names[-1] if names else '$'}`: {leaf.validator}")
    return out


def _field_at(cls: Any, payload: Any, path: str) -> tuple[FieldInfo, Any]:
    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from test_schema import field_at

    return field_at(cls, payload, path)


def main(n: int = 200) -> None:
    classes: list[Any] = [*MODELS, *(Page[m] for m in MODELS)]  # type: ignore[valid-type]
    legal_rejected = {"published": Counter[str](), "exported": Counter[str]()}
    illegal_accepted = {"published": Counter[str](), "exported": Counter[str]()}
    totals = Counter[str]()
    wrong = Counter[tuple[str, str]]()  # payloads with the wrong verdict, per schema and kind
    disagreements = 0
    for cls in classes:
        published = _published(cls)
        exported = lms_schema.json_schema(cls)
        checks = {"published": _checks(published), "exported": _checks(exported)}
        for payload in _draw(strategies.payloads(cls), n):
            totals["legal"] += 1
            for name, validators in checks.items():
                verdicts = {v: check(payload) for v, check in validators.items()}
                if name == "exported":
                    disagreements += len(set(verdicts.values())) != 1 or not verdicts["jsonschema"]
                if not verdicts["jsonschema"]:
                    wrong[name, "legal"] += 1
                    for why in _why(published if name == "published" else exported, payload):
                        legal_rejected[name][why] += 1
        for payload, _ in _draw(strategies.invalid_payloads(cls), n):
            totals["illegal"] += 1
            (issue, *_) = lms_schema.validate(payload, cls).errors
            kind, value = _field_at(cls, payload, issue.path)
            rule = inexpressible_rule(issue, value, kind)
            label = f"`{issue.code}`" + (f" (inexpressible: `{rule.name}`)" if rule else "")
            for name, validators in checks.items():
                verdicts = {v: check(payload) for v, check in validators.items()}
                if name == "exported":
                    disagreements += len(set(verdicts.values())) != 1
                    disagreements += verdicts["jsonschema"] != (rule is not None)
                if verdicts["jsonschema"]:
                    wrong[name, "illegal"] += 1
                    illegal_accepted[name][label] += 1
    print(
        f"Corpus: {totals['legal']} legal and {totals['illegal']} illegal payloads "
        f"({n} of each for each of the seven models and their pages), each checked by "
        "python-jsonschema and jsonschema-rs with format assertion off and on "
        f"({4 * (totals['legal'] + totals['illegal'])} verdicts per schema). Disagreements "
        f"of the exported schema's verdicts with each other or with lms-schema: {disagreements}."
    )
    print()
    print("| | published document | exported schema |")
    print("|---|---:|---:|")
    for kind, what in (("legal", "legal payloads rejected"), ("illegal", "illegal accepted")):
        print(f"| {what}, in all | {wrong['published', kind]} | {wrong['exported', kind]} |")
    for title, table, total in (
        ("legal payloads rejected", legal_rejected, totals["legal"]),
        ("illegal payloads accepted", illegal_accepted, totals["illegal"]),
    ):
        print(f"| **{title}** (of {total}) | | |")
        keys = sorted(set(table["published"]) | set(table["exported"]))
        for key in keys:
            print(f"| {key} | {table['published'][key]} | {table['exported'][key]} |")
    print()
    print(
        "A legal payload may fail on several fields, so the rejected rows can add up to more "
        "than the payloads; illegal payloads carry exactly one violation each."
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
