"""validate(): reports, warnings on completions, ValidationError formatting."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lms_schema
import lms_schema._values.locales
from lms_schema import Completion, Issue, Page, Report, ValidationError
from lms_schema import strategies as lst

U = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
BASE: dict[str, Any] = {
    "id": U,
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}


def warnings(payload: dict[str, Any], cls: Any = Completion) -> list[tuple[str, str]]:
    report = lms_schema.validate(payload, cls)
    assert report.ok, report.errors
    return [(w.path, w.code) for w in report.warnings]


def test_completed_before_started() -> None:
    payload = {
        **BASE,
        "started_at": "2025-08-01T12:00:00Z",
        "completed_at": "2025-08-01T11:00:00+00:00",
    }
    report = lms_schema.validate(payload, Completion)
    assert [(w.path, w.code, w.message) for w in report.warnings] == [
        (
            "$.completed_at",
            "completed_before_started",
            "completed_at 2025-08-01T11:00:00+00:00 is before started_at 2025-08-01T12:00:00+00:00",
        )
    ]


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("PT1H15M", []),
        ("PT1H15M0.000001S", [("$.time_duration", "duration_exceeds_interval")]),
        ("PT75M", []),
        ("P1D", [("$.time_duration", "duration_exceeds_interval")]),
        ("P1M", [("$.time_duration", "duration_exceeds_interval")]),
    ],
)
def test_duration_longer_than_the_interval(duration: str, expected: list[tuple[str, str]]) -> None:
    payload = {
        **BASE,
        "started_at": "2025-08-01T10:00:00Z",
        "completed_at": "2025-08-01T11:15:00Z",
        "time_duration": duration,
    }
    assert warnings(payload) == expected


def test_calendar_months_are_compared_with_calendar_arithmetic() -> None:
    payload = {
        **BASE,
        "started_at": "2025-01-31T00:00:00Z",
        "completed_at": "2025-02-28T00:00:00Z",
        "time_duration": "P1M",
    }
    assert warnings(payload) == []


def test_warnings_in_pages_and_expansions() -> None:
    item = {
        **BASE,
        "extra": 1,
        "score": -5,
        "started_at": "2025-08-01T10:00:00",
        "user": {"id": U, "nickname": "x"},
    }
    page = {"cursor": None, "page_size": 1, "items": [item], "total": 1}
    assert sorted(warnings(page, Page[Completion])) == [
        ("$.items[0].extra", "unknown_key"),
        ("$.items[0].score", "negative_score"),
        ("$.items[0].started_at", "naive_datetime"),
        ("$.items[0].user.nickname", "unknown_key"),
        ("$.total", "unknown_key"),
    ]
    enrollment = {
        **BASE,
        "completion": {
            "started_at": "2025-08-02T00:00:00Z",
            "completed_at": "2025-08-01T00:00:00Z",
        },
    }
    assert warnings(enrollment, lms_schema.Enrollment) == [
        ("$.completion.completed_at", "completed_before_started")
    ]


def test_warnings_never_fail_structure() -> None:
    payload = {**BASE, "score": -1, "x": 1, "started_at": "2025-08-01T10:00:00"}
    assert lms_schema.structure(payload, Completion).score == -1


def test_report_shape() -> None:
    report = lms_schema.validate({**BASE, "id": 3, "x": 1}, Completion)
    assert not report.ok
    assert report.value is None
    assert report.errors == (Issue("$.id", "wrong_type", "expected a UUID string, got integer"),)
    assert report.warnings == (
        Issue("$.x", "unknown_key", "unknown key 'x' (ignored)", severity="warning"),
    )
    assert report.issues == report.errors + report.warnings
    with pytest.raises(ValidationError):
        report.raise_for_errors()
    good = lms_schema.validate(BASE, Completion)
    assert isinstance(good, Report)
    assert good.ok
    assert good.value == lms_schema.structure(BASE, Completion)
    good.raise_for_errors()


@given(
    st.sampled_from([Completion, lms_schema.User, Page[Completion]]).flatmap(
        lambda cls: lst.payloads(cls).map(lambda payload: (cls, payload))
    )
)
def test_the_report_of_a_valid_payload_is_an_ordinary_report(case: tuple[Any, Any]) -> None:
    """validate() stores a valid payload's report slots itself (no attrs __init__): it is
    the Report that __init__ would make, in every respect a caller can see."""
    cls, payload = case
    report = lms_schema.validate(payload, cls)
    made = Report((), report.warnings, report.value)
    assert type(report) is Report and report.ok
    assert (report.errors, report.warnings, report.value) == (
        made.errors,
        made.warnings,
        made.value,
    )
    assert report == made and hash(report) == hash(made) and repr(report) == repr(made)
    assert type(report.warnings) is tuple
    again = pickle.loads(pickle.dumps(report))
    assert again == report and again.value == report.value
    assert attrs.evolve(report) == report and copy.copy(report) == report


def test_forbid_unknown_keys_turns_the_warning_into_an_error() -> None:
    report = lms_schema.validate({**BASE, "x": 1}, Completion, forbid_unknown_keys=True)
    assert [(i.path, i.code, i.severity) for i in report.errors] == [
        ("$.x", "unknown_key", "error")
    ]
    assert report.warnings == ()


def test_validation_error_lists_every_issue() -> None:
    payload = {**BASE, "id": "x", "score": "1", "grade": 2}
    with pytest.raises(ValidationError) as info:
        lms_schema.structure(payload, Completion)
    error = info.value
    assert isinstance(error, ValueError)
    assert len(error.issues) == 3
    text = str(error)
    assert text.startswith("3 validation errors\n  ")
    for issue in error.issues:
        assert f"{issue.path}: {issue.message} [{issue.code}]" in text


def test_every_code_is_documented() -> None:
    # docs/rules.md (its table is checked against CODES by tests/test_docs_tables.py)
    page = (__import__("pathlib").Path(__file__).parent.parent / "docs" / "rules.md").read_text()
    for code in lms_schema.CODES:
        assert f"`{code}`" in page, code


def test_unknown_language_is_a_warning_at_its_index() -> None:
    course = {**BASE, "languages": ["en_US", "en_UK", "fr_FR", "klingon"]}
    report = lms_schema.validate(course, lms_schema.Course)
    assert report.ok
    assert [(w.path, w.code, w.message) for w in report.warnings] == [
        (
            "$.languages[1]",
            "unknown_language",
            "'en_UK' is not one of the API document's locale codes",
        ),
        (
            "$.languages[3]",
            "unknown_language",
            "'klingon' is not one of the API document's locale codes",
        ),
    ]
    page = {"cursor": None, "page_size": 1, "items": [{**BASE, "languages": ["eo", "C", "xx_YY"]}]}
    assert warnings(page, Page[lms_schema.Content]) == [
        ("$.items[0].languages[2]", "unknown_language")
    ]
    assert warnings({**BASE, "languages": ["en_US", "en_GB", "pt_BR"]}, lms_schema.Course) == []
    assert len(lms_schema._values.locales.LOCALES) == 324


def test_strict_keeps_the_other_warnings() -> None:
    """``forbid_unknown_keys`` turns unknown keys into errors; it does not silence the
    warnings about date-times without an offset or unknown language codes (it did: the walk
    that finds them was skipped under it)."""
    naive = {**BASE, "modified_at": "2021-10-16T00:00:00"}
    for strict in (False, True):
        report = lms_schema.validate(naive, Completion, forbid_unknown_keys=strict)
        assert [(w.path, w.code) for w in report.warnings] == [("$.modified_at", "naive_datetime")]
        report = lms_schema.validate({**naive, "x": 1}, Completion, forbid_unknown_keys=strict)
        found = [(i.path, i.code, i.severity) for i in (*report.errors, *report.warnings)]
        unknown = ("$.x", "unknown_key", "error" if strict else "warning")
        assert sorted(found) == sorted([unknown, ("$.modified_at", "naive_datetime", "warning")])
    course = {**BASE, "languages": ["klingon"]}
    report = lms_schema.validate(course, lms_schema.Course, forbid_unknown_keys=True)
    assert [(w.path, w.code) for w in report.warnings] == [("$.languages[0]", "unknown_language")]


def test_a_naive_date_time_in_a_list_is_a_warning() -> None:
    """A list of date-times (a model of one's own) warns about each element without an
    offset, at its index, on the fast path and after errors alike."""
    from test_custom_model import MyCompletion

    payload = {**BASE, "checkpoints": ["2000-01-01T00:00:00Z", "2000-01-01T00:00:00"]}
    expected = [("$.checkpoints[1]", "naive_datetime")]
    assert warnings(payload, MyCompletion) == expected
    report = lms_schema.validate({**payload, "score": "x"}, MyCompletion)
    assert [(e.path, e.code) for e in report.errors] == [("$.score", "wrong_type")]
    assert [(w.path, w.code) for w in report.warnings] == expected


def test_warnings_beside_errors_in_the_same_field() -> None:
    """A naive date-time beside an error in the same expanded object or list is still a
    warning, with and without ``forbid_unknown_keys`` (the walk that explains a failing
    field flags it as the clean check would)."""
    from test_custom_model import MyCompletion

    user = {"id": "{00000000-0000-0000-0000-000000000000}", "modified_at": "2000-01-01T00:00:00"}
    times = {**BASE, "checkpoints": ["x", "2000-01-01T00:00:00"]}
    cases = [
        (Completion, {**BASE, "user": user}, "$.user.id", "$.user.modified_at"),
        (MyCompletion, times, "$.checkpoints[0]", "$.checkpoints[1]"),
    ]
    for cls, payload, error, warning in cases:
        for strict in (False, True):
            report = lms_schema.validate(payload, cls, forbid_unknown_keys=strict)
            assert [e.path for e in report.errors] == [error]
            assert [(w.path, w.code) for w in report.warnings] == [(warning, "naive_datetime")]
