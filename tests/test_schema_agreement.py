"""Same verdicts everywhere: lms-schema, python-jsonschema and jsonschema-rs (format assertion
off and on) agree on every generated payload, every single-violation payload whose rule the
schema expresses, and every duration, date-time and UUID vector of the test suite placed in its
field. An invalid payload whose rule is on the inexpressible list must be accepted by every
validator (so the list is exact, not a place to hide disagreements)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_schema import field_at, resolve_class, verdicts

import lms_schema
from lms_schema import (
    Completion,
    Content,
    Course,
    Enrollment,
    Page,
    PartialCompletion,
    PartialCourse,
    strategies,
)
from lms_schema._models.models import MODELS
from lms_schema._schema.inexpressible import inexpressible_rule

CLASSES: list[Any] = [
    *MODELS,
    PartialCourse,
    PartialCompletion,
    Page[Completion],
    Page[Course],
    "MyCompletion",  # test_schema.custom_models()
]
EXPANDABLE = [Completion, Enrollment, Course, Content]


def _agree(cls: Any, payload: Any, expected: bool, expand: str | None = None) -> None:
    found = verdicts(cls, payload, expand)
    assert found == dict.fromkeys(found, expected), (expected, found, payload)


#: Per class: with 12 classes this keeps the file within the ci profile's time (generating a
#: payload costs ~50 ms; the four validators well under 1 ms). ``python3 -m
#: benchmarks.schema_compare`` runs the same comparison on a larger corpus.
_PER_CLASS = settings(max_examples=20)


@pytest.mark.parametrize("cls", CLASSES, ids=str)
@_PER_CLASS
@given(data=st.data())
def test_valid_and_invalid_payloads_agree(cls: Any, data: st.DataObject) -> None:
    cls = resolve_class(cls)
    payload = data.draw(strategies.payloads(cls, unknown_keys=data.draw(st.booleans())))
    assert lms_schema.validate(payload, cls).ok
    _agree(cls, payload, True)

    bad, _ = data.draw(strategies.invalid_payloads(cls))
    errors = lms_schema.validate(bad, cls).errors
    assert errors
    rules = [inexpressible_rule(i, *reversed(field_at(cls, bad, i.path))) for i in errors]
    # every issue under an inexpressible rule: every validator accepts; else all reject
    _agree(cls, bad, all(rule is not None for rule in rules))


@pytest.mark.parametrize("cls", EXPANDABLE, ids=str)
@settings(max_examples=30)
@given(data=st.data())
def test_expand_verdicts_agree(cls: Any, data: st.DataObject) -> None:
    """A payload for an unknown request, checked against a random request's expand: the
    request's errors (not_expanded, unexpected_expansion, missing_selected_field) are the
    schema's verdict."""
    expand = data.draw(st.one_of(st.just(""), strategies.expands(cls)))
    if data.draw(st.booleans()):
        payload = data.draw(strategies.payloads(cls, expand=expand))
    else:
        payload = data.draw(strategies.payloads(cls))
    report = lms_schema.validate(payload, cls, expand=expand)
    _agree(cls, payload, report.ok, expand)
    page = {"cursor": None, "page_size": 1, "items": [payload]}
    _agree(Page[cls], page, report.ok, expand)


# -- the vectors of the test suite, each in every field kind it could be --------------------------


def _vectors() -> list[str]:
    """Every string parameter of the parametrized tests in test_durations and test_fields."""
    import test_durations
    import test_fields

    found: set[str] = set()

    def collect(value: Any) -> None:
        if type(value) is str:
            found.add(value)
        elif isinstance(value, tuple | list):
            for item in value:
                collect(item)
        elif hasattr(value, "values") and not isinstance(value, dict):  # pytest.param
            collect(value.values)

    for module in (test_durations, test_fields):
        for _, function in inspect.getmembers(module, inspect.isfunction):
            for mark in getattr(function, "pytestmark", []):
                if mark.name == "parametrize":
                    collect(list(mark.args[1]))
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, list | tuple):
                collect(value)
    return sorted(found)


VECTORS = _vectors()
_BASE = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "remote_id": None,
    "modified_at": "2025-08-01T10:00:00Z",
    "custom_fields": None,
}


def test_there_are_vectors() -> None:
    assert len(VECTORS) > 150
    assert {"P4W1D", "2025-02-29T00:00:00Z", "{018b18ef-c487-703c-afd9-0ca478ccd9d6}"} <= set(
        VECTORS
    )


@pytest.mark.parametrize("field", ["id", "user", "started_at", "modified_at", "time_duration"])
def test_every_vector_in_every_field(field: str) -> None:
    checked = 0
    for text in VECTORS:
        payload = {**_BASE, field: text}
        errors = lms_schema.validate(payload, Completion).errors
        expressible = True
        for issue in errors:
            kind, value = field_at(Completion, payload, issue.path)
            if inexpressible_rule(issue, value, kind) is not None:
                expressible = False
        _agree(Completion, payload, not errors or not expressible)
        checked += 1
    assert checked > 150
