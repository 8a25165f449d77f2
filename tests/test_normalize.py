"""normalize(): every rule with its exact fix, the policy variants, bad input, the API."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import lms_schema
from lms_schema import (
    ABSENT,
    RULES,
    Completion,
    Content,
    Course,
    Enrollment,
    Fix,
    Grade,
    NormalizationPolicy,
    Normalized,
    Page,
    User,
    dumps,
    normalize,
    structure,
)
from lms_schema._cli import main
from lms_schema._gen import native
from lms_schema._models.fields import fields_of
from lms_schema._normalize import lenient_normalize
from lms_schema.debug import record_declines

ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
UPPER_ID = ID.upper()
BASE: dict[str, Any] = {
    "id": ID,
    "remote_id": "r-1",
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}
NON_STRING_KEY: dict[Any, Any] = {1: 2, **BASE}
ROOT = Path(__file__).resolve().parent.parent

S = NormalizationPolicy(duration_unit="s")
BERLIN = NormalizationPolicy(naive_timezone="Europe/Berlin")
EPOCH_S = NormalizationPolicy(epoch_unit="s")
EPOCH_MS = NormalizationPolicy(epoch_unit="ms")
HALF_EVEN = NormalizationPolicy(rounding="half_even")
FLOOR = NormalizationPolicy(rounding="floor")

# (model, field, input, policy, expected output wire value, rule)
FIXES: list[tuple[type, str, Any, NormalizationPolicy | None, Any, str]] = [
    # grade / status
    (Completion, "grade", " pass ", None, "PASS", "grade.case"),
    (Completion, "grade", "Pass", None, "PASS", "grade.case"),
    (Completion, "grade", "fail", None, "FAIL", "grade.case"),
    (Completion, "grade", "b ", None, "B", "grade.case"),
    (Completion, "grade", "Passed", None, "PASS", "grade.synonym"),
    (Completion, "grade", " FAILED ", None, "FAIL", "grade.synonym"),
    (Completion, "grade", "", None, "-", "grade.synonym"),
    (Completion, "grade", "   ", None, "-", "grade.synonym"),
    (
        Completion,
        "grade",
        "Bestanden ",
        NormalizationPolicy(grade_synonyms={"bestanden": "PASS"}),
        "PASS",
        "grade.synonym",
    ),
    (User, "status", "active", None, "ACTIVE", "status.case"),
    (User, "status", " Inactive ", None, "INACTIVE", "status.case"),
    (
        User,
        "status",
        "Enabled",
        NormalizationPolicy(status_synonyms={"enabled": "ACTIVE"}),
        "ACTIVE",
        "status.synonym",
    ),
    # integers
    (Completion, "score", 95.0, None, 95, "integer.float"),
    (Completion, "score", -0.0, None, 0, "integer.float"),
    (Completion, "score", "95", None, 95, "integer.numeric_string"),
    (Completion, "score", " 95 ", None, 95, "integer.numeric_string"),
    (Completion, "score", "0095", None, 95, "integer.numeric_string"),
    (Completion, "score", "9" * 18, None, int("9" * 18), "integer.numeric_string"),
    (Completion, "score", "95.00", None, 95, "integer.numeric_string"),
    (Completion, "score", "-3", None, -3, "integer.numeric_string"),
    (Completion, "score", "95%", None, 95, "integer.percent"),
    (Completion, "score", " 95.0 % ", None, 95, "integer.percent"),
    (Completion, "score", 95.5, HALF_EVEN, 96, "integer.round_half_even"),
    (Completion, "score", 94.5, HALF_EVEN, 94, "integer.round_half_even"),
    (Completion, "score", "94.5%", HALF_EVEN, 94, "integer.round_half_even"),
    (Completion, "score", 0.85, HALF_EVEN, 1, "integer.round_half_even"),
    (Completion, "score", 95.9, FLOOR, 95, "integer.floor"),
    (Completion, "score", "-0.5", FLOOR, -1, "integer.floor"),
    (Completion, "score", 0.85, FLOOR, 0, "integer.floor"),
    (Content, "order", "3", None, 3, "integer.numeric_string"),
    # durations
    (Completion, "time_duration", " PT1H15M ", None, "PT1H15M", "duration.whitespace"),
    (Completion, "time_duration", "pt1h15m", None, "PT1H15M", "duration.case"),
    (Completion, "time_duration", "PT1H15m", None, "PT1H15M", "duration.case"),
    (Completion, "time_duration", "+P11D", None, "P11D", "duration.plus_sign"),
    (Completion, "time_duration", "P1W2D", None, "P9D", "duration.weeks_combined"),
    (Completion, "time_duration", "P1Y2W", None, "P1Y14D", "duration.weeks_combined"),
    (Completion, "time_duration", "P1W2DT3H", None, "P9DT3H", "duration.weeks_combined"),
    (Completion, "time_duration", " p1w2d ", None, "P9D", "duration.weeks_combined"),
    (
        Completion,
        "time_duration",
        "P0001-02-03T04:05:06",
        None,
        "P1Y2M3DT4H5M6S",
        "duration.alternative_format",
    ),
    (
        Completion,
        "time_duration",
        "P00010203T040506,5",
        None,
        "P1Y2M3DT4H5M6.5S",
        "duration.alternative_format",
    ),
    (Completion, "time_duration", "01:15:00", None, "PT1H15M", "duration.scorm_timespan"),
    (Completion, "time_duration", "0000:30:05.5", None, "PT30M5.5S", "duration.scorm_timespan"),
    (
        Completion,
        "time_duration",
        "1234:00:00.25",
        None,
        "P51DT10H0.25S",
        "duration.scorm_timespan",
    ),
    (Completion, "time_duration", 4500, S, "PT1H15M", "duration.number"),
    (Completion, "time_duration", "4500", S, "PT1H15M", "duration.number"),
    (Completion, "time_duration", 0.0015, S, "PT0.0015S", "duration.number"),
    (
        Completion,
        "time_duration",
        4_500_000,
        NormalizationPolicy(duration_unit="ms"),
        "PT1H15M",
        "duration.number",
    ),
    (
        Completion,
        "time_duration",
        75,
        NormalizationPolicy(duration_unit="min"),
        "PT1H15M",
        "duration.number",
    ),
    (
        Course,
        "duration",
        1.25,
        NormalizationPolicy(duration_unit="h"),
        "PT1H15M",
        "duration.number",
    ),
    # date-times
    (
        Completion,
        "started_at",
        " 2025-08-01T10:00:00Z ",
        None,
        "2025-08-01T10:00:00Z",
        "datetime.whitespace",
    ),
    (
        Completion,
        "started_at",
        "2025-08-01 10:00:00",
        None,
        "2025-08-01T10:00:00Z",
        "datetime.space_separator",
    ),
    (
        Completion,
        "started_at",
        "2025-08-01 10:00:00+02:00",
        BERLIN,
        "2025-08-01T10:00:00+02:00",
        "datetime.space_separator",
    ),
    (
        Completion,
        "modified_at",
        "2025-08-01 10:00:00Z",
        None,
        "2025-08-01T10:00:00Z",
        "datetime.space_separator",
    ),
    (
        Completion,
        "completed_at",
        "2025-08-01 10:00:00.120Z",
        None,
        "2025-08-01T10:00:00.12Z",
        "datetime.space_separator",
    ),
    (
        Completion,
        "started_at",
        "2016-12-31 23:59:60Z",
        None,
        "2016-12-31T23:59:59.999999Z",
        "datetime.leap_second",
    ),
    (Completion, "started_at", "2025-08-01", None, "2025-08-01T00:00:00Z", "datetime.date_only"),
    (
        Completion,
        "started_at",
        "2025-08-01",
        BERLIN,
        "2025-08-01T00:00:00+02:00",
        "datetime.date_only",
    ),
    (
        Completion,
        "started_at",
        "2025-08-01T10:00:00",
        BERLIN,
        "2025-08-01T10:00:00+02:00",
        "datetime.naive",
    ),
    (
        Completion,
        "started_at",
        "2025-01-15T10:00:00.5",
        BERLIN,
        "2025-01-15T10:00:00.5+01:00",
        "datetime.naive",
    ),
    (
        Completion,
        "started_at",
        "2025-08-01 10:00:00",
        BERLIN,
        "2025-08-01T10:00:00+02:00",
        "datetime.naive",
    ),
    (
        Enrollment,
        "start_date",
        "2025-08-01T10:00:00",
        NormalizationPolicy(naive_timezone=timezone(timedelta(hours=-5))),
        "2025-08-01T10:00:00-05:00",
        "datetime.naive",
    ),
    (Completion, "started_at", 1754042400, EPOCH_S, "2025-08-01T10:00:00Z", "datetime.epoch_s"),
    (
        Completion,
        "started_at",
        1754042400.5,
        EPOCH_S,
        "2025-08-01T10:00:00.5Z",
        "datetime.epoch_s",
    ),
    (
        Completion,
        "started_at",
        1754042400123,
        EPOCH_MS,
        "2025-08-01T10:00:00.123Z",
        "datetime.epoch_ms",
    ),
    (Completion, "completed_at", "", None, None, "datetime.empty_to_null"),
    (Completion, "completed_at", " ", None, None, "datetime.empty_to_null"),
    (Completion, "completed_at", 0, None, None, "datetime.empty_to_null"),
    (Completion, "completed_at", 0, EPOCH_S, None, "datetime.empty_to_null"),
    (
        Completion,
        "started_at",
        "2025-10-26T02:30:00",
        BERLIN,
        "2025-10-26T02:30:00+02:00",
        "datetime.naive_ambiguous",
    ),
    (
        Completion,
        "started_at",
        "1998-12-31T23:59:60Z",
        None,
        "1998-12-31T23:59:59.999999Z",
        "datetime.leap_second",
    ),
    (
        Completion,
        "started_at",
        "1998-12-31T15:59:60.25-08:00",
        None,
        "1998-12-31T15:59:59.999999-08:00",
        "datetime.leap_second",
    ),
    # ids
    (Completion, "user", "{" + UPPER_ID + "}", None, ID, "id.braces"),
    (Completion, "user", "urn:uuid:" + ID, None, ID, "id.urn"),
    (Completion, "user", "URN:UUID:" + UPPER_ID, None, ID, "id.urn"),
    (Completion, "user", "{urn:uuid:" + ID + "}", None, ID, "id.urn"),
    (Completion, "user", ID.replace("-", ""), None, ID, "id.hex32"),
    (Completion, "course", " " + ID + "\n", None, ID, "id.whitespace"),
    (Completion, "id", "{" + ID + "}", None, ID, "id.braces"),
    (Completion, "id", "{" + UPPER_ID + "}", None, ID, "id.braces"),
    (Completion, "content", " {" + UPPER_ID + "} ", None, ID, "id.braces"),
    # relations and lists
    (Course, "categories", ID, None, [ID], "list.single_to_list"),
    (Course, "categories", "{" + UPPER_ID + "}", None, [ID], "list.single_to_list"),
    (Course, "instructors", ID, None, [ID], "list.single_to_list"),
    (Course, "languages", "en_US", None, ["en_US"], "list.single_to_list"),
]


def _id(case: tuple[type, str, Any, NormalizationPolicy | None, Any, str]) -> str:
    return f"{case[5]}:{case[1]}={case[2]!r}"


@pytest.mark.parametrize(
    ("cls", "field", "before", "policy", "after", "rule"), FIXES, ids=[_id(c) for c in FIXES]
)
def test_rule(
    cls: type[Any],
    field: str,
    before: Any,
    policy: NormalizationPolicy | None,
    after: Any,
    rule: str,
) -> None:
    """Each rule's exact fix, payload and value; the generated canonical walk makes the
    repair of a root field's value itself (no decline; a list field's single value and a
    leap second are left to the lenient walk), with the lenient walk's exact result."""
    payload = {**BASE, field: before}
    with record_declines() as declines:
        result = normalize(payload, cls, policy=policy)
    assert result.errors == ()
    assert result.fixes == (Fix(f"$.{field}", rule, before, after),)
    assert result.payload is not None
    assert result.payload[field] == after
    assert result.value == structure({**BASE, field: after}, cls)
    # second 60 in the canonical shape: fromisoformat refuses it and the generated Python
    # declines; the native builder (lms_schema._gen.native) hands it to the field's reader
    leap = rule == "datetime.leap_second" and before[4::3] == "--T::Z" and not native.AVAILABLE
    assert (declines != []) == (fields_of(cls).by_name[field].many or leap)
    expected = lenient_normalize(payload, cls, policy)
    assert result == expected
    assert repr(result.payload) == repr(expected.payload)
    assert dumps(result.value) == dumps(expected.value)


def test_every_rule_has_a_unit_test() -> None:
    tested = {case[5] for case in FIXES} | {"required.missing_to_null"}
    assert tested == set(RULES)


def test_every_rule_is_documented() -> None:
    # docs/normalization.md (its tables are checked against RULES by tests/test_docs_tables.py)
    page = (ROOT / "docs" / "normalization.md").read_text()
    missing = [name for name in RULES if f"`{name}`" not in page]
    assert missing == []


@pytest.mark.parametrize("key", ["remote_id", "custom_fields"])
def test_required_missing_to_null(key: str) -> None:
    payload = {k: v for k, v in BASE.items() if k != key}
    result = normalize(payload, User)
    assert result.fixes == (Fix(f"$.{key}", "required.missing_to_null", ABSENT, None),)
    assert result.payload == {**payload, key: None}
    assert result.value == structure({**BASE, key: None}, User)


@pytest.mark.parametrize("key", ["id", "modified_at"])
def test_required_not_nullable_stays_an_error(key: str) -> None:
    payload = {k: v for k, v in BASE.items() if k != key}
    result = normalize(payload, User)
    assert result.value is None
    assert result.payload is None
    assert [(e.path, e.code) for e in result.errors] == [(f"$.{key}", "missing_key")]


def test_partial_models_have_no_required_keys() -> None:
    result = normalize({**BASE, "user": {"status": "active"}}, Completion)
    assert result.fixes == (Fix("$.user.status", "status.case", "active", "ACTIVE"),)


# -- canonical re-spelling is not a fix ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "before", "after"),
    [
        ("user", UPPER_ID, ID),
        ("started_at", "2025-08-01T10:00:00", "2025-08-01T10:00:00Z"),
        ("started_at", "2025-08-01t10:00:00.000z", "2025-08-01T10:00:00Z"),
        ("time_duration", "PT75M", "PT1H15M"),
        ("time_duration", "P2W", "P14D"),
        ("time_duration", "P0,5D", "PT12H"),
        ("grade", "Passed!", "Passed!"),
        ("grade", "pass ", "PASS"),
    ],
)
def test_canonical_respelling(field: str, before: str, after: str) -> None:
    result = normalize({**BASE, field: before}, Completion)
    assert result.payload is not None
    assert result.payload[field] == after
    if field != "grade" or after == before:
        assert result.fixes == ()
        assert result.value == structure({**BASE, field: before}, Completion)


def test_naive_time_in_a_zone_with_zero_offset_is_not_a_fix() -> None:
    policy = NormalizationPolicy(naive_timezone="Europe/London")
    result = normalize({**BASE, "started_at": "2025-01-15T10:00:00"}, Completion, policy=policy)
    assert result.fixes == ()
    assert result.payload is not None
    assert result.payload["started_at"] == "2025-01-15T10:00:00Z"


def test_zone_offset_with_seconds_is_written_in_utc() -> None:
    policy = NormalizationPolicy(naive_timezone="Europe/Amsterdam")  # +00:19:32 in 1900
    result = normalize({**BASE, "started_at": "1900-06-01T12:00:00"}, Completion, policy=policy)
    assert result.fixes == (
        Fix("$.started_at", "datetime.naive", "1900-06-01T12:00:00", "1900-06-01T11:40:28Z"),
    )


# -- nesting, pages, unknown keys ---------------------------------------------------------------


def test_nested_paths_and_unknown_keys_in_place() -> None:
    payload: dict[str, Any] = {
        "cursor": None,
        "page_size": "1",
        "x-page": {"keep": [1, 2]},
        "items": [
            {
                **BASE,
                "vendor_flag": True,
                "categories": [ID, {"id": "{" + ID + "}", "status": " active", "extra": 1}],
                "contents": [{"order": 2.0, "courses": ID}],
                "custom_fields": {"score": "95%", "nested": {"grade": "pass"}},
                "raw_data": {"time": "01:15:00"},
            }
        ],
    }
    result = normalize(payload, Page[Course])
    assert result.errors == ()
    assert [str(f) for f in result.fixes] == [
        '$.page_size: "1" -> 1 [integer.numeric_string]',
        f'$.items[0].categories[1].id: "{{{ID}}}" -> "{ID}" [id.braces]',
        '$.items[0].categories[1].status: " active" -> "ACTIVE" [status.case]',
        "$.items[0].contents[0].order: 2.0 -> 2 [integer.float]",
        f'$.items[0].contents[0].courses: "{ID}" -> ["{ID}"] [list.single_to_list]',
    ]
    assert result.payload == {
        "cursor": None,
        "page_size": 1,
        "x-page": {"keep": [1, 2]},
        "items": [
            {
                **BASE,
                "vendor_flag": True,
                "categories": [ID, {"id": ID, "status": "ACTIVE", "extra": 1}],
                "contents": [{"order": 2, "courses": [ID]}],
                "custom_fields": {"score": "95%", "nested": {"grade": "pass"}},
                "raw_data": {"time": "01:15:00"},
            }
        ],
    }
    assert list(result.payload) == ["cursor", "page_size", "x-page", "items"]
    item = result.payload["items"][0]
    assert list(item)[:5] == ["id", "remote_id", "modified_at", "custom_fields", "vendor_flag"]
    assert item["custom_fields"] is payload["items"][0]["custom_fields"]
    assert structure(result.payload, Page[Course]) == result.value


def test_all_errors_are_reported_with_paths() -> None:
    payload = {
        **BASE,
        "score": True,
        "grade": 5,
        "time_duration": "-PT1H",
        "user": {"id": "nope"},
        "course": 3,
        "started_at": "yesterday",
    }
    result = normalize(payload, Completion)
    assert result.value is None
    assert result.payload is None
    assert [(e.path, e.code) for e in result.errors] == [
        ("$.score", "wrong_type"),
        ("$.grade", "wrong_type"),
        ("$.time_duration", "negative_duration"),
        ("$.user.id", "invalid_uuid"),
        ("$.course", "wrong_type"),
        ("$.started_at", "invalid_datetime"),
    ]
    messages = {e.path: e.message for e in result.errors}
    assert messages["$.score"] == "expected an integer or null, got boolean"
    assert messages["$.course"] == (
        "expected a UUID string or an expanded course object or null, got integer"
    )


def test_fixes_are_kept_alongside_errors() -> None:
    result = normalize({**BASE, "grade": "passed", "score": "lots"}, Completion)
    assert result.fixes == (Fix("$.grade", "grade.synonym", "passed", "PASS"),)
    assert [(e.path, e.code) for e in result.errors] == [("$.score", "wrong_type")]


# -- rules switched off ---------------------------------------------------------------------------

# (field, input, disabled rule, policy options, expected error code)
SWITCHED_OFF: list[tuple[str, Any, str, dict[str, Any], str]] = [
    ("score", 95.0, "integer.float", {}, "wrong_type"),
    ("score", "95", "integer.numeric_string", {}, "wrong_type"),
    ("score", "95%", "integer.percent", {}, "wrong_type"),
    ("score", "95%", "integer.numeric_string", {}, "wrong_type"),
    ("score", 95.5, "integer.round_half_even", {"rounding": "half_even"}, "wrong_type"),
    ("score", "95.5", "integer.floor", {"rounding": "floor"}, "wrong_type"),
    ("time_duration", " PT1H ", "duration.whitespace", {}, "invalid_duration"),
    ("time_duration", "pt1h", "duration.case", {}, "invalid_duration"),
    ("time_duration", " pt1h ", "duration.whitespace", {}, "invalid_duration"),
    ("time_duration", "+PT1H", "duration.plus_sign", {}, "invalid_duration"),
    ("time_duration", "P1W2D", "duration.weeks_combined", {}, "invalid_duration"),
    ("time_duration", " P1W2D", "duration.whitespace", {}, "invalid_duration"),
    (
        "time_duration",
        "P0001-02-03T04:05:06",
        "duration.alternative_format",
        {},
        "invalid_duration",
    ),
    ("time_duration", "01:15:00", "duration.scorm_timespan", {}, "invalid_duration"),
    ("time_duration", 4500, "duration.number", {"duration_unit": "s"}, "wrong_type"),
    ("started_at", " 2025-08-01T10:00:00Z", "datetime.whitespace", {}, "invalid_datetime"),
    ("started_at", "2025-08-01 10:00:00", "datetime.space_separator", {}, "invalid_datetime"),
    ("started_at", "2025-08-01", "datetime.date_only", {}, "invalid_datetime"),
    ("started_at", 1754042400, "datetime.epoch_s", {"epoch_unit": "s"}, "wrong_type"),
    ("started_at", 1754042400000, "datetime.epoch_ms", {"epoch_unit": "ms"}, "wrong_type"),
    ("completed_at", "", "datetime.empty_to_null", {}, "invalid_datetime"),
    ("completed_at", 0, "datetime.empty_to_null", {}, "missing_unit"),
    ("user", " " + ID, "id.whitespace", {}, "invalid_uuid"),
    ("user", "{" + ID + "}", "id.braces", {}, "invalid_uuid"),
    ("user", "urn:uuid:" + ID, "id.urn", {}, "invalid_uuid"),
    ("user", "{urn:uuid:" + ID + "}", "id.braces", {}, "invalid_uuid"),
    ("user", ID.replace("-", ""), "id.hex32", {}, "invalid_uuid"),
]


@pytest.mark.parametrize(("field", "before", "rule", "options", "code"), SWITCHED_OFF)
def test_rule_switched_off_leaves_an_error(
    field: str, before: Any, rule: str, options: dict[str, Any], code: str
) -> None:
    policy = NormalizationPolicy(disabled={rule}, **options)
    result = normalize({**BASE, field: before}, Completion, policy=policy)
    assert result.fixes == ()
    assert [(e.path, e.code) for e in result.errors] == [(f"$.{field}", code)]


@pytest.mark.parametrize(
    ("field", "before", "rule"),
    [
        ("grade", "pass", "grade.case"),
        ("grade", "Passed", "grade.synonym"),
        ("grade", "", "grade.synonym"),
    ],
)
def test_enum_rule_switched_off_is_verbatim(field: str, before: str, rule: str) -> None:
    policy = NormalizationPolicy(disabled={rule})
    result = normalize({**BASE, field: before}, Completion, policy=policy)
    assert result.fixes == ()
    assert result.value is not None
    assert result.value.grade == Grade(before)
    assert result.value.grade is not None
    assert not result.value.grade.is_known


def test_status_rule_switched_off() -> None:
    policy = NormalizationPolicy(disabled={"status.case"})
    result = normalize({**BASE, "status": "active"}, User, policy=policy)
    assert result.fixes == ()
    assert result.payload is not None
    assert result.payload["status"] == "active"


def test_naive_rule_switched_off_reads_utc() -> None:
    policy = NormalizationPolicy(naive_timezone="Europe/Berlin", disabled={"datetime.naive"})
    payload = {**BASE, "started_at": "2025-08-01T10:00:00"}
    result = normalize(payload, Completion, policy=policy)
    assert result.fixes == ()
    assert result.value == structure(payload, Completion)


def test_single_to_list_switched_off() -> None:
    policy = NormalizationPolicy(disabled={"list.single_to_list"})
    result = normalize({**BASE, "categories": ID}, Course, policy=policy)
    assert [(e.path, e.code) for e in result.errors] == [("$.categories", "wrong_type")]


def test_single_to_list_reports_the_element_error_at_the_list() -> None:
    result = normalize({**BASE, "categories": "nope"}, Course)
    assert [(e.path, e.code) for e in result.errors] == [("$.categories", "invalid_uuid")]


def test_missing_to_null_switched_off() -> None:
    policy = NormalizationPolicy(disabled={"required.missing_to_null"})
    result = normalize({"id": ID, "modified_at": BASE["modified_at"]}, User, policy=policy)
    assert [(e.path, e.code) for e in result.errors] == [
        ("$.remote_id", "missing_key"),
        ("$.custom_fields", "missing_key"),
    ]


# -- bad input stays bad --------------------------------------------------------------------------

# (field, input, policy options, expected error code)
BAD: list[tuple[str, Any, dict[str, Any], str]] = [
    # negative durations stay errors, whatever the spelling
    ("time_duration", "-PT1H", {}, "negative_duration"),
    ("time_duration", " -pt1h ", {}, "negative_duration"),
    ("time_duration", -5, {"duration_unit": "s"}, "negative_duration"),
    ("time_duration", "-5", {"duration_unit": "s"}, "negative_duration"),
    ("time_duration", "-01:00:00", {}, "invalid_duration"),
    # bare numbers need a unit
    ("time_duration", 4500, {}, "missing_unit"),
    ("time_duration", 4500.5, {}, "missing_unit"),
    ("time_duration", "4500", {}, "missing_unit"),
    ("started_at", 1754042400, {}, "missing_unit"),
    ("modified_at", 0, {}, "missing_unit"),
    # what no rule repairs
    ("time_duration", "PT", {}, "invalid_duration"),
    ("time_duration", "PT1.5H30M", {}, "invalid_duration"),
    ("time_duration", "P0001-13-01T00:00:00", {}, "invalid_duration"),
    ("time_duration", "1:75:00", {}, "invalid_duration"),
    ("time_duration", "1h 15m", {}, "invalid_duration"),
    ("time_duration", True, {"duration_unit": "s"}, "wrong_type"),
    ("time_duration", float("nan"), {"duration_unit": "s"}, "invalid_duration"),
    ("time_duration", 1e30, {"duration_unit": "h"}, "duration_out_of_range"),
    ("time_duration", "P1W2.5D", {}, "invalid_duration"),
    ("started_at", "2025-08-01 10:00", {}, "invalid_datetime"),
    ("started_at", "2025-02-30", {}, "invalid_datetime"),
    ("started_at", "01/08/2025", {}, "invalid_datetime"),
    ("started_at", 1e20, {"epoch_unit": "s"}, "invalid_datetime"),
    ("started_at", float("inf"), {"epoch_unit": "s"}, "invalid_datetime"),
    ("started_at", True, {"epoch_unit": "s"}, "wrong_type"),
    ("modified_at", "", {}, "invalid_datetime"),
    ("modified_at", None, {}, "wrong_type"),
    # booleans are never scores; 0..1 is never rescaled
    ("score", True, {}, "wrong_type"),
    ("score", False, {"rounding": "half_even"}, "wrong_type"),
    ("score", 0.85, {}, "non_integral"),
    ("score", "0.85", {}, "non_integral"),
    ("score", 95.5, {}, "non_integral"),
    ("score", float("nan"), {}, "not_json"),
    ("score", 1e20, {}, "out_of_range"),
    ("score", "9" * 25, {}, "out_of_range"),
    ("score", "9" * 100, {}, "wrong_type"),
    ("score", "1e2", {}, "wrong_type"),
    ("score", "ninety", {}, "wrong_type"),
    ("score", "%", {}, "wrong_type"),
    ("score", "٩٥", {}, "wrong_type"),
    ("score", "1" * 31, {}, "wrong_type"),
    ("user", "{ " + ID + "}", {}, "invalid_uuid"),
    ("id", "{" + ID[:-1] + "g}", {}, "invalid_uuid"),
    ("modified_at", "2025-02-30 10:00:00Z", {}, "invalid_datetime"),
    (
        "modified_at",
        " 2025-08-01 10:00:00Z",
        {"disabled": {"datetime.whitespace"}},
        "invalid_datetime",
    ),
    ("grade", 3, {}, "wrong_type"),
    ("user", "{" + ID, {}, "invalid_uuid"),
    ("user", "urn:uuid:{" + ID + "}", {}, "invalid_uuid"),
    ("user", ID.replace("-", "")[:-1], {}, "invalid_uuid"),
    ("user", ["not", "a", "relation"], {}, "wrong_type"),
]


@pytest.mark.parametrize(("field", "before", "options", "code"), BAD)
def test_bad_input_is_an_error(field: str, before: Any, options: dict[str, Any], code: str) -> None:
    policy = NormalizationPolicy(**options)
    result = normalize({**BASE, field: before}, Completion, policy=policy)
    assert result.value is None
    assert [(e.path, e.code) for e in result.errors] == [(f"$.{field}", code)]
    assert all(e.code in lms_schema.CODES for e in result.errors)


def test_missing_unit_message_names_the_policy_option() -> None:
    result = normalize({**BASE, "time_duration": 4500}, Completion)
    assert result.errors[0].message == (
        "4500 is a bare number and the duration unit is unknown: set "
        "NormalizationPolicy(duration_unit='ms', 's', 'min' or 'h')"
    )


def test_a_score_between_0_and_1_is_never_multiplied() -> None:
    for rounding, expected in (("half_even", 1), ("floor", 0)):
        policy = NormalizationPolicy(rounding=rounding)  # type: ignore[arg-type]
        result = normalize({**BASE, "score": 0.95}, Completion, policy=policy)
        assert result.value is not None
        assert result.value.score == expected


@pytest.mark.parametrize(
    "payload",
    [None, [], "x", 3, {"id": 1}, {**BASE, "user": {"status": 1}}, NON_STRING_KEY],
)
def test_normalize_never_raises_for_bad_data(payload: Any) -> None:
    result = normalize(payload, Completion)
    assert isinstance(result, Normalized)
    if payload != NON_STRING_KEY:
        assert not result.ok


def test_deep_raw_data_is_an_error_not_a_crash() -> None:
    deep: Any = {}
    for _ in range(10_000):
        deep = {"a": deep}
    result = normalize({**BASE, "raw_data": deep}, Completion)
    assert [(e.path, e.code) for e in result.errors] == [("$.raw_data", "too_deep")]


def test_deep_expansions_are_an_error_not_a_crash() -> None:
    deep: Any = {"id": ID}
    for _ in range(5_000):
        deep = {"courses": [{"contents": [deep]}]}
    result = normalize({**BASE, "contents": [deep]}, Course)
    assert [e.code for e in result.errors] == ["too_deep"]


def test_page_errors() -> None:
    result = normalize({"cursor": None, "page_size": 1, "items": {}}, Page[User])
    assert [(e.path, e.code) for e in result.errors] == [("$.items", "wrong_type")]
    result = normalize({"page_size": 0, "items": []}, Page[User])
    assert result.fixes == (Fix("$.cursor", "required.missing_to_null", ABSENT, None),)


def test_normalize_needs_a_model_and_a_policy() -> None:
    with pytest.raises(TypeError, match="model class"):
        normalize({}, dict)
    with pytest.raises(TypeError, match="policy must be a NormalizationPolicy"):
        normalize({}, User, policy={"duration_unit": "s"})  # type: ignore[arg-type]


# -- policy -------------------------------------------------------------------------------------


def test_policy_defaults() -> None:
    policy = NormalizationPolicy()
    assert policy.disabled == frozenset()
    assert policy.duration_unit is None
    assert policy.epoch_unit is None
    assert policy.naive_timezone.utcoffset(None) == timedelta(0)
    assert policy.rounding == "error"
    assert dict(policy.grade_synonyms) == {}
    assert policy.enabled("grade.case")


def test_policy_is_hashable_by_value() -> None:
    a = NormalizationPolicy(grade_synonyms={"Bestanden": "PASS"}, disabled=["id.urn"])
    b = NormalizationPolicy(grade_synonyms={"bestanden": "PASS"}, disabled={"id.urn"})
    assert a == b
    assert hash(a) == hash(b)
    assert dict(a.grade_synonyms) == {"bestanden": "PASS"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"disabled": {"grade.nope"}}, "unknown normalization rule"),
        ({"disabled": "grade.case"}, "collection of rule names"),
        ({"duration_unit": "days"}, "duration_unit must be one of"),
        ({"epoch_unit": "us"}, "epoch_unit must be one of"),
        ({"rounding": "up"}, "rounding must be one of"),
        ({"naive_timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"naive_timezone": 5}, "naive_timezone must be"),
        ({"grade_synonyms": {"ok": "GOOD"}}, "not a known Grade member"),
        ({"grade_synonyms": {"Pass": "FAIL"}}, "spelling of a Grade member"),
        ({"status_synonyms": {"on": "ON"}}, "not a known Status member"),
        ({"grade_synonyms": {"x": 1}}, "strings to strings"),
        ({"grade_synonyms": ["x"]}, "mapping"),
    ],
)
def test_policy_rejects_bad_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        NormalizationPolicy(**options)


def test_rules_and_codes_are_public_and_described() -> None:
    assert all(isinstance(v, str) and v for v in RULES.values())
    assert {"missing_unit", "non_integral"} <= set(lms_schema.CODES)
    for name in ("normalize", "Normalized", "NormalizationPolicy", "Fix", "RULES"):
        assert name in lms_schema.__all__
    assert lms_schema.NormalizationPolicy.__module__ == "lms_schema"


def test_fix_and_normalized_reprs() -> None:
    fix = Fix("$.grade", "grade.synonym", "Passed", "PASS")
    assert str(fix) == '$.grade: "Passed" -> "PASS" [grade.synonym]'
    missing = Fix("$.remote_id", "required.missing_to_null", ABSENT, None)
    assert str(missing) == "$.remote_id: (absent) -> null [required.missing_to_null]"
    assert str(Fix("$.x", "r", {1, 2}, [1.5])) == "$.x: {1, 2} -> [1.5] [r]"
    result = normalize({**BASE, "grade": "Passed"}, Completion)
    assert result.ok
    assert "payload" not in repr(result)


# -- command line -------------------------------------------------------------------------------


def test_cli_normalize(tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    lines = [
        json.dumps({**BASE, "id": "{" + UPPER_ID + "}", "grade": "Passed", "time_duration": 75}),
        "",
        json.dumps({**BASE, "score": True}),
        "{not json",
    ]
    (tmp_path / "completions.jsonl").write_text("\n".join(lines) + "\n")
    code = main(["normalize", "--duration-unit", "min", str(tmp_path)])
    out, err = capfdbinary.readouterr()
    assert code == 1
    assert [json.loads(line) for line in out.splitlines()] == [
        {**BASE, "grade": "PASS", "time_duration": "PT1H15M"}
    ]
    where = tmp_path / "completions.jsonl"
    shown = err.decode().splitlines()
    assert shown[:4] == [
        f'{where}:1: fixed $.id: "{{{UPPER_ID}}}" -> "{ID}" [id.braces]',
        f'{where}:1: fixed $.grade: "Passed" -> "PASS" [grade.synonym]',
        f'{where}:1: fixed $.time_duration: 75 -> "PT1H15M" [duration.number]',
        f"{where}:3: $.score: expected an integer or null, got boolean [wrong_type]",
    ]
    assert shown[4].startswith(f"{where}:4: $: not valid JSON: ")
    assert shown[4].endswith(" [invalid_json]")
    assert shown[5].startswith("3 records read = 1 written + 2 rejected; 3 fixes (")
    assert shown[6:] == []


def test_cli_normalize_examples_and_usage_errors(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["normalize", str(ROOT / "examples" / "user.json")]) == 0
    out, err = capfdbinary.readouterr()
    expected = json.loads((ROOT / "examples" / "user.json").read_text())
    assert json.loads(out) == expected
    assert err.startswith(b"1 record read = 1 written + 0 rejected; 0 fixes (")
    single = tmp_path / "x.json"
    single.write_text(json.dumps({**BASE, "remote_id": None}))
    assert main(["normalize", "--disable", "nope", str(single)]) == 2
    assert main(["normalize", "--timezone", "Mars/Base", str(single)]) == 2
    assert main(["normalize", "--model", "nope", str(single)]) == 2
    assert main(["normalize", str(single)]) == 2  # no model in the file name
    assert main(["normalize", "--model", "user", str(tmp_path / "missing.json")]) == 2
    assert main(["normalize", "--model", "user", str(single)]) == 0
    _, err = capfdbinary.readouterr()
    shown = err.decode().splitlines()
    assert shown[0].startswith("lms-schema: unknown normalization rule(s) in --disable: 'nope'")
    assert shown[1] == "lms-schema: unknown time zone 'Mars/Base'"
    assert shown[2].startswith("lms-schema: unknown model 'nope'")
    assert shown[3] == (
        f"{single}: $: cannot tell the model of {single} from its name or its directories; "
        "pass --model NAME [unknown_model]"
    )


@pytest.mark.parametrize(
    ("field", "before", "code"),
    [
        ("time_duration", 10**5000, "duration_out_of_range"),
        ("time_duration", -(10**5000), "negative_duration"),
        ("started_at", 10**5000, "invalid_datetime"),
        ("started_at", -(10**40), "invalid_datetime"),
        ("score", 10**5000, "out_of_range"),
        ("score", "9" * 1_000_000, "wrong_type"),
        ("time_duration", "P" + "1" * 1_000_000 + "D", "duration_out_of_range"),
        ("user", "{" + "a" * 1_000_000 + "}", "invalid_uuid"),
        ("started_at", " " + "2" * 1_000_000, "invalid_datetime"),
    ],
    ids=lambda value: value[:20] if isinstance(value, str) else type(value).__name__,
)
def test_hostile_values_are_errors(field: str, before: Any, code: str) -> None:
    policy = NormalizationPolicy(duration_unit="s", epoch_unit="s")
    result = normalize({**BASE, field: before}, Completion, policy=policy)
    assert [(e.path, e.code) for e in result.errors] == [(f"$.{field}", code)]
    assert len(result.errors[0].message) < 200


def test_huge_numbers_without_a_unit_get_a_short_message() -> None:
    result = normalize({**BASE, "time_duration": -(10**5000)}, Completion)
    assert result.errors[0].message.startswith("a negative number of more than 30 digits is a")


def test_naive_time_outside_the_range_in_utc_is_an_error() -> None:
    policy = NormalizationPolicy(naive_timezone="Asia/Kolkata")  # +05:21:10 in year 1
    result = normalize({**BASE, "modified_at": "0001-01-01T00:00:00"}, User, policy=policy)
    assert [(e.path, e.code) for e in result.errors] == [("$.modified_at", "invalid_datetime")]


def test_concurrent_first_use_of_a_policy() -> None:
    policy = NormalizationPolicy(duration_unit="h", disabled={"id.urn"})  # a fresh engine
    course = {**BASE, "contents": [{"courses": [{"contents": [{"duration": 2}]}]}]}
    payload = {"cursor": None, "page_size": 1, "items": [course]}
    results: list[Normalized[Any]] = []

    def run() -> None:
        results.append(normalize(payload, Page[Course], policy=policy))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    path = "$.items[0].contents[0].courses[0].contents[0].duration"
    assert all(r.fixes == (Fix(path, "duration.number", 2, "PT2H"),) for r in results)
