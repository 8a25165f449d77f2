"""One rule at a time: ids, date-times, open enums, scores, strings, lists, relations, JSON."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

import lms_schema
from lms_schema import Completion, Content, Course, Grade, PartialSkill, Status, User
from lms_schema._values.datetimes import format_datetime, parse_datetime
from lms_schema._values.ids import parse_uuid
from lms_schema._values.leaf import FieldError

U = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
BASE: dict[str, Any] = {
    "id": U,
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}


def issues(payload: dict[str, Any], cls: type = Completion) -> list[tuple[str, str, str]]:
    report = lms_schema.validate(payload, cls)
    return [(i.path, i.code, i.message) for i in report.errors]


def only_error(field: str, value: object, cls: type = Completion) -> tuple[str, str, str]:
    (issue,) = issues({**BASE, field: value}, cls)
    return issue


# -- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (U, UUID(U)),
        (U.upper(), UUID(U)),
        ("00000000-0000-0000-0000-000000000000", UUID(int=0)),
        ("ffffffff-ffff-ffff-ffff-ffffffffffff", UUID(int=2**128 - 1)),
        ("3c90c3cc-0d44-4b50-8888-8dd25736052a", UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a")),
    ],
)
def test_uuid_accepts_canonical_text_in_either_case(text: str, expected: UUID) -> None:
    parsed = parse_uuid(text)
    assert parsed == expected
    assert str(parsed) == str(expected)
    assert parsed.version == expected.version
    assert pickle.loads(pickle.dumps(parsed)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "{" + U + "}",
        "urn:uuid:" + U,
        U.replace("-", ""),
        " " + U,
        U + "\n",
        U[:-1],
        U + "0",
        U.replace("-", "_"),
        "018b18ef-c487-703c-afd9-0ca478ccd9dg",
        "\uff1018b18ef-c487-703c-afd9-0ca478ccd9d6",
        "",
    ],
)
def test_uuid_rejects_non_canonical_text(text: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_uuid(text)
    assert info.value.code == "invalid_uuid"
    assert only_error("id", text) == ("$.id", "invalid_uuid", info.value.message)


def test_uuid_message() -> None:
    assert only_error("user", "nope") == (
        "$.user",
        "invalid_uuid",
        "'nope' is not a UUID (expected 8-4-4-4-12 hex)",
    )


@pytest.mark.parametrize(
    ("value", "got"), [(1, "integer"), (None, "null"), ([U], "array"), ({}, "object")]
)
def test_id_must_be_a_string(value: object, got: str) -> None:
    assert only_error("id", value) == ("$.id", "wrong_type", f"expected a UUID string, got {got}")


def test_uuids_dump_lower_case() -> None:
    user = lms_schema.structure({**BASE, "id": U.upper()}, User)
    assert lms_schema.unstructure(user)["id"] == U


# -- date-times -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "dumped"),
    [
        ("2025-08-01T10:00:00Z", datetime(2025, 8, 1, 10, tzinfo=UTC), "2025-08-01T10:00:00Z"),
        ("2025-08-01T10:00:00+00:00", datetime(2025, 8, 1, 10, tzinfo=UTC), "2025-08-01T10:00:00Z"),
        ("2025-08-01T10:00:00-00:00", datetime(2025, 8, 1, 10, tzinfo=UTC), "2025-08-01T10:00:00Z"),
        ("2025-08-01t10:00:00z", datetime(2025, 8, 1, 10, tzinfo=UTC), "2025-08-01T10:00:00Z"),
        ("2025-08-01T10:00:00", datetime(2025, 8, 1, 10, tzinfo=UTC), "2025-08-01T10:00:00Z"),
        (
            "2025-08-01T10:00:00.5+05:30",
            datetime(2025, 8, 1, 10, 0, 0, 500000, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "2025-08-01T10:00:00.5+05:30",
        ),
        (
            "2025-08-01T10:00:00.1234569Z",
            datetime(2025, 8, 1, 10, 0, 0, 123456, tzinfo=UTC),
            "2025-08-01T10:00:00.123456Z",
        ),
        (
            "2025-08-01T10:00:00.000000Z",
            datetime(2025, 8, 1, 10, tzinfo=UTC),
            "2025-08-01T10:00:00Z",
        ),
        (
            "2024-02-29T23:59:59.999999-08:00",
            datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-8))),
            "2024-02-29T23:59:59.999999-08:00",
        ),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59Z", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), None),
    ],
)
def test_datetime_rules(text: str, expected: datetime, dumped: str | None) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()
    assert format_datetime(parsed) == (dumped or text)


@pytest.mark.parametrize(
    "text",
    [
        "2025-08-01",
        "2025-08-01 10:00:00Z",
        "2025-08-01T10:00Z",
        "2025-08-01T10:00:00+0100",
        "2025-08-01T10:00:00+01",
        "2016-12-31T23:58:60Z",  # second 60 off 23:59 UTC (a leap second: leap_second)
        "2016-12-31T23:59:61Z",
        "2025-08-01T10:00:00+10:60",
        "2025-02-29T00:00:00Z",
        "2025-13-01T00:00:00Z",
        "2025-08-01T24:00:00Z",
        "2025-08-01T10:60:00Z",
        "2025-08-01T10:00:00+24:00",
        "0000-01-01T00:00:00Z",
        "2025-08-01T10:00:00.Z",
        "20250801T100000Z",
        "2025-W31-5T10:00:00Z",
        " 2025-08-01T10:00:00Z",
        "2025-08-01T10:00:00Z\n",
        "\uff12\uff1025-08-01T10:00:00Z",
        "<string>",
        "",
    ],
)
def test_datetime_rejections(text: str) -> None:
    with pytest.raises(FieldError) as info:
        parse_datetime(text)
    assert info.value.code == "invalid_datetime"
    assert only_error("completed_at", text)[:2] == ("$.completed_at", "invalid_datetime")


def test_leap_second_rejection() -> None:
    with pytest.raises(FieldError) as info:
        parse_datetime("2016-12-31T23:59:60Z")
    assert info.value.code == "leap_second"
    assert only_error("completed_at", "2016-12-31T23:59:60Z")[:2] == (
        "$.completed_at",
        "leap_second",
    )


def test_datetime_messages() -> None:
    assert only_error("started_at", "2025-02-30T00:00:00Z") == (
        "$.started_at",
        "invalid_datetime",
        "'2025-02-30T00:00:00Z' is not a valid date-time: day is out of range for month",
    )
    assert only_error("started_at", 1690000000) == (
        "$.started_at",
        "wrong_type",
        "expected a date-time string or null, got integer",
    )


def test_naive_datetime_is_utc_with_a_warning() -> None:
    report = lms_schema.validate({**BASE, "started_at": "2025-08-01T10:00:00"}, Completion)
    assert report.ok
    assert [(w.path, w.code) for w in report.warnings] == [("$.started_at", "naive_datetime")]
    assert report.warnings[0].severity == "warning"


# -- open enums -----------------------------------------------------------------------------


def test_grade_members() -> None:
    assert [str(g) for g in Grade.members()] == ["A", "B", "C", "D", "F", "PASS", "FAIL", "-"]
    assert Grade.NO_GRADE == "-"
    assert Grade.NO_GRADE.name == "NO_GRADE"
    assert Grade.PASS == "PASS"
    assert Grade.PASS.is_known
    assert Grade("PASS") is Grade.PASS
    assert isinstance(Grade.PASS, str)
    assert json.dumps({"g": Grade.PASS}) == '{"g": "PASS"}'
    assert repr(Grade.FAIL) == "Grade.FAIL"
    assert [str(s) for s in Status.members()] == ["ACTIVE", "PENDING", "INACTIVE"]


@pytest.mark.parametrize("value", ["pass", "Passed", "85%", "Satisfactory", "", " A", "a", "🎓"])
def test_unknown_grades_pass_through_verbatim(value: str) -> None:
    completion = lms_schema.structure({**BASE, "grade": value}, Completion)
    grade = completion.grade
    assert isinstance(grade, Grade)
    assert grade == value
    assert str(grade) == value
    assert not grade.is_known
    assert grade.name is None
    assert hash(grade) == hash(value)
    assert repr(grade) == f"Grade({value!r})"
    assert lms_schema.unstructure(completion)["grade"] == value
    assert type(lms_schema.unstructure(completion)["grade"]) is str


def test_open_enum_values_are_value_equal_hashable_picklable_and_copyable() -> None:
    assert {Grade("x"), Grade("x"), Grade.A} == {Grade("x"), Grade.A}
    assert pickle.loads(pickle.dumps(Grade.A)) is Grade.A
    assert pickle.loads(pickle.dumps(Grade("x"))) == Grade("x")
    assert copy.deepcopy(Grade.B) is Grade.B
    with pytest.raises(TypeError):
        Grade(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "got"), [(1, "integer"), (True, "boolean"), ([], "array")])
def test_grade_and_status_must_be_strings(value: object, got: str) -> None:
    assert only_error("grade", value) == (
        "$.grade",
        "wrong_type",
        f"expected a string or null, got {got}",
    )
    assert only_error("status", value, User) == (
        "$.status",
        "wrong_type",
        f"expected a string or null, got {got}",
    )


def test_status_members_and_pass_through() -> None:
    user = lms_schema.structure({**BASE, "status": "ACTIVE"}, User)
    assert user.status is Status.ACTIVE
    other = lms_schema.structure({**BASE, "status": "active"}, User)
    assert other.status == "active"
    assert not other.status.is_known


# -- scores and other integers --------------------------------------------------------------


@pytest.mark.parametrize("score", [0, 95, -3, 2**63 - 1, -(2**63)])
def test_score_accepts_integers(score: int) -> None:
    assert lms_schema.structure({**BASE, "score": score}, Completion).score == score


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (True, "wrong_type", "expected an integer or null, got boolean"),
        (95.0, "wrong_type", "expected an integer or null, got number"),
        ("95", "wrong_type", "expected an integer or null, got string"),
        (float("nan"), "wrong_type", "expected an integer or null, got number"),
        (2**63, "out_of_range", "integers must fit in a signed 64-bit JSON number"),
        (10**10000, "out_of_range", "integers must fit in a signed 64-bit JSON number"),
    ],
    ids=["bool", "float", "numeric-string", "nan", "2**63", "10**10000"],
)
def test_score_rejections(value: object, code: str, message: str) -> None:
    assert only_error("score", value) == ("$.score", code, message)


def test_negative_score_is_a_warning() -> None:
    report = lms_schema.validate({**BASE, "score": -1}, Completion)
    assert report.ok
    assert [(w.path, w.code, w.message) for w in report.warnings] == [
        ("$.score", "negative_score", "score -1 is below zero")
    ]


def test_content_order_is_a_strict_integer() -> None:
    assert only_error("order", "1", Content) == (
        "$.order",
        "wrong_type",
        "expected an integer or null, got string",
    )


# -- strings and lists ----------------------------------------------------------------------


def test_strings_are_not_coerced() -> None:
    assert only_error("first_name", 1, User) == (
        "$.first_name",
        "wrong_type",
        "expected a string or null, got integer",
    )
    assert only_error("remote_id", 123321) == (
        "$.remote_id",
        "wrong_type",
        "expected a string or null, got integer",
    )


def test_languages_is_a_strict_array_of_strings() -> None:
    assert only_error("languages", "en_US", Course) == (
        "$.languages",
        "wrong_type",
        "expected an array or null, got string",
    )
    assert issues({**BASE, "languages": ["en_US", 3, None]}, Course) == [
        ("$.languages[1]", "wrong_type", "expected a string, got integer"),
        ("$.languages[2]", "wrong_type", "expected a string, got null"),
    ]
    course = lms_schema.structure({**BASE, "languages": []}, Course)
    assert course.languages == []


# -- relations ------------------------------------------------------------------------------


def test_single_relation_forms() -> None:
    for value, expected in [(None, None), (U, UUID(U))]:
        assert lms_schema.structure({**BASE, "user": value}, Completion).user == expected
    assert only_error("user", 7) == (
        "$.user",
        "wrong_type",
        "expected a UUID string or an expanded user object or null, got integer",
    )
    assert only_error("user", [U]) == (
        "$.user",
        "wrong_type",
        "expected a UUID string or an expanded user object or null, got array",
    )


def test_nested_errors_carry_the_nested_path() -> None:
    payload = {
        **BASE,
        "user": {"id": "x", "status": 3, "modified_at": "2025"},
        "course": {"categories": [U, {"name": 1}, "bad"], "instructors": [U, {"any": "thing"}, 2]},
    }
    assert issues(payload) == [
        ("$.user.id", "invalid_uuid", "'x' is not a UUID (expected 8-4-4-4-12 hex)"),
        (
            "$.user.modified_at",
            "invalid_datetime",
            "'2025' is not an RFC 3339 date-time (expected YYYY-MM-DDThh:mm:ss[.f]Z)",
        ),
        ("$.user.status", "wrong_type", "expected a string or null, got integer"),
        ("$.course.categories[1].name", "wrong_type", "expected a string or null, got integer"),
        ("$.course.categories[2]", "invalid_uuid", "'bad' is not a UUID (expected 8-4-4-4-12 hex)"),
        (
            "$.course.instructors[2]",
            "wrong_type",
            "expected a UUID string or an object, got integer",
        ),
    ]


def test_list_relations() -> None:
    course = lms_schema.structure(
        {**BASE, "skills": [U, {"name": "SQL"}], "instructors": [{"name": "Ada"}]}, Course
    )
    assert course.skills == [UUID(U), PartialSkill(name="SQL")]
    assert course.instructors == [{"name": "Ada"}]
    assert only_error("skills", U, Course) == (
        "$.skills",
        "wrong_type",
        "expected an array or null, got string",
    )


def test_enrollment_completion_expands_to_a_partial_completion() -> None:
    payload = {**BASE, "completion": {"grade": "A", "time_duration": "PT1H", "user": U}}
    enrollment = lms_schema.structure(payload, lms_schema.Enrollment)
    assert isinstance(enrollment.completion, lms_schema.PartialCompletion)
    assert enrollment.completion.grade is Grade.A
    assert lms_schema.unstructure(enrollment) == payload


# -- verbatim JSON objects ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "path", "code", "message"),
    [
        ("x", "$.raw_data", "wrong_type", "expected an object or null, got string"),
        ([1], "$.raw_data", "wrong_type", "expected an object or null, got array"),
        ({1: "a"}, "$.raw_data", "not_json", "object keys must be strings, got integer"),
        ({"a": float("nan")}, "$.raw_data", "not_json", "nan is not a JSON number"),
        ({"a": [float("inf")]}, "$.raw_data", "not_json", "inf is not a JSON number"),
        ({"a": {1, 2}}, "$.raw_data", "not_json", "a Python set is not a JSON value"),
        ({"a": (1,)}, "$.raw_data", "not_json", "a Python tuple is not a JSON value"),
        ({"a": b"x"}, "$.raw_data", "not_json", "a Python bytes is not a JSON value"),
        ({"a": 2**64}, "$.raw_data", "out_of_range", "integers must fit in 64 bits"),
    ],
)
def test_raw_data_must_be_json(value: object, path: str, code: str, message: str) -> None:
    assert only_error("raw_data", value) == (path, code, message)


def test_json_nesting_limit() -> None:
    deep: Any = "leaf"
    for _ in range(200):
        deep = {"a": deep}
    assert lms_schema.validate({**BASE, "raw_data": deep}, Completion).ok
    assert only_error("raw_data", {"a": deep}) == (
        "$.raw_data",
        "too_deep",
        "nested more than 200 levels deep",
    )
    assert lms_schema.dumps(lms_schema.structure({**BASE, "raw_data": deep}, Completion))


def test_custom_fields_null_or_object() -> None:
    assert lms_schema.structure(BASE, Completion).custom_fields is None
    assert only_error("custom_fields", "x")[:2] == ("$.custom_fields", "wrong_type")
