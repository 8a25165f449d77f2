"""Query models of the fourteen endpoints: every rule, and a field-by-field check against
the Bindbee OpenAPI document (tests/data/bindbee-openapi-lms.json, a copy of the reference)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import pytest

from lms_schema import (
    CategoryByIdQuery,
    CategoryQuery,
    CompletionByIdQuery,
    CompletionQuery,
    ContentByIdQuery,
    ContentQuery,
    CourseByIdQuery,
    CourseQuery,
    EnrollmentByIdQuery,
    EnrollmentQuery,
    Expand,
    Expansion,
    Grade,
    Query,
    SkillByIdQuery,
    SkillQuery,
    Status,
    UserByIdQuery,
    UserQuery,
    ValidationError,
)
from lms_schema._exchange import ENDPOINTS

OPENAPI = json.loads((Path(__file__).parent / "data" / "bindbee-openapi-lms.json").read_text())
U1 = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
U2 = "018b18ef-c487-703c-afd9-0ca478ccd9d7"

ALL = [
    UserQuery,
    UserByIdQuery,
    CourseQuery,
    CourseByIdQuery,
    ContentQuery,
    ContentByIdQuery,
    CategoryQuery,
    CategoryByIdQuery,
    SkillQuery,
    SkillByIdQuery,
    EnrollmentQuery,
    EnrollmentByIdQuery,
    CompletionQuery,
    CompletionByIdQuery,
]


def problems(cls: type[Query], query: Any, **kwargs: Any) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as info:
        cls.parse(query, **kwargs)
    return [(i.path, i.code, i.message) for i in info.value.issues]


# -- against the OpenAPI document -----------------------------------------------------------


def _operation(path: str) -> dict[str, Any]:
    return OPENAPI["paths"][path]["get"]  # type: ignore[no-any-return]


def test_the_fourteen_endpoints_are_the_documents_paths() -> None:
    assert sorted(e.path for e in ENDPOINTS) == sorted(OPENAPI["paths"])
    assert all(list(OPENAPI["paths"][e.path]) == ["get"] for e in ENDPOINTS)
    assert sorted(e.query.__name__ for e in ENDPOINTS) == sorted(c.__name__ for c in ALL)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.path)
def test_query_parameter_names_match_the_document(endpoint: Any) -> None:
    documented = {p["name"] for p in _operation(endpoint.path)["parameters"] if p["in"] == "query"}
    assert {a.name for a in attrs.fields(endpoint.query)} == documented


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.path)
def test_query_parameter_types_and_defaults_match_the_document(endpoint: Any) -> None:
    fields = attrs.fields_dict(endpoint.query)
    for parameter in _operation(endpoint.path)["parameters"]:
        if parameter["in"] != "query":
            continue
        schema, field = parameter["schema"], fields[parameter["name"]]
        assert parameter.get("required", False) is False
        if schema.get("type") == "boolean":
            assert field.type is bool
            assert field.default is schema["default"] is False
        elif schema.get("type") == "integer":
            assert field.type is int
            assert field.default == schema["default"] == 50
            assert field.metadata == {"minimum": schema["minimum"], "maximum": schema["maximum"]}
        else:  # string | null: optional, and None (or the empty Expand) when absent
            assert schema["anyOf"] == [{"type": "string"}, {"type": "null"}]
            assert field.default in (None, Expand())


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.path)
def test_path_ids_and_statuses_match_the_document(endpoint: Any) -> None:
    operation = _operation(endpoint.path)
    path_parameters = [p for p in operation["parameters"] if p["in"] == "path"]
    if endpoint.by_id:
        assert path_parameters == [
            {
                "name": "id",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "format": "uuid", "title": "Id"},
            }
        ]
    else:
        assert path_parameters == []
    assert endpoint.query.by_id is endpoint.by_id
    assert sorted(map(int, operation["responses"])) == list(endpoint.statuses)


# -- defaults ------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ALL)
def test_the_empty_query_is_the_default(cls: type[Query]) -> None:
    assert cls.parse("") == cls.parse({}) == cls()
    assert cls().to_params() == {}
    assert cls().to_query_string() == ""


def test_defaults() -> None:
    q = CompletionQuery()
    assert (q.page_size, q.cursor, q.ids, q.include_raw_data, q.include_custom_fields) == (
        50,
        None,
        None,
        False,
        False,
    )
    assert q.expand == Expand()


# -- page_size -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("200", 200), ("050", 50), ("%2B7", 7)])
def test_page_size_accepted(text: str, value: int) -> None:
    assert CompletionQuery.parse(f"page_size={text}").page_size == value


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("0", "out_of_range", "expected an integer from 1 to 200, got 0"),
        ("201", "out_of_range", "expected an integer from 1 to 200, got 201"),
        ("-1", "out_of_range", "expected an integer from 1 to 200, got -1"),
        ("", "invalid_integer", "expected an integer, got ''"),
        ("ten", "invalid_integer", "expected an integer, got 'ten'"),
        ("1e2", "invalid_integer", "expected an integer, got '1e2'"),
        ("50.0", "invalid_integer", "expected an integer, got '50.0'"),
        ("%2050", "invalid_integer", "expected an integer, got ' 50'"),
        ("\u0665", "invalid_integer", "expected an integer, got '\u0665'"),
        ("9" * 21, "invalid_integer", f"expected an integer, got '{'9' * 21}'"),
    ],
)
def test_page_size_rejected(text: str, code: str, message: str) -> None:
    assert problems(UserQuery, f"page_size={text}") == [("query.page_size", code, message)]


# -- booleans ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"), [("true", True), ("1", True), ("false", False), ("0", False)]
)
def test_booleans_accepted(text: str, value: bool) -> None:
    q = SkillByIdQuery.parse(f"include_raw_data={text}&include_custom_fields={text}")
    assert (q.include_raw_data, q.include_custom_fields) == (value, value)


@pytest.mark.parametrize("text", ["True", "FALSE", "yes", "no", "on", "off", "t", "", "2", " true"])
def test_booleans_rejected(text: str) -> None:
    assert problems(SkillQuery, {"include_custom_fields": text}) == [
        (
            "query.include_custom_fields",
            "invalid_boolean",
            f"expected true, false, 1 or 0, got {text!r}",
        )
    ]


# -- id lists, language lists, enums, strings ----------------------------------------------


def test_id_lists() -> None:
    q = CourseQuery.parse(f"ids={U1},{U2.upper()}&categories={U1}&instructors={U2}")
    assert q.ids == (UUID(U1), UUID(U2))
    assert q.categories == (UUID(U1),)
    assert q.instructors == (UUID(U2),)
    assert q.to_params() == {"ids": f"{U1},{U2}", "categories": U1, "instructors": U2}


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "invalid_list", "expected comma-separated UUIDs; item 1 is empty"),
        (f"{U1},", "invalid_list", "expected comma-separated UUIDs; item 2 is empty"),
        ("x", "invalid_uuid", "'x' is not a UUID (expected 8-4-4-4-12 hex)"),
        (
            f"{U1},%20{U2}",
            "invalid_uuid",
            f"item 2: ' {U2}' is not a UUID (expected 8-4-4-4-12 hex)",
        ),
        (
            "{" + U1 + "}",
            "invalid_uuid",
            "'{" + U1 + "}' is not a UUID (expected 8-4-4-4-12 hex)",
        ),
    ],
)
def test_id_lists_rejected(text: str, code: str, message: str) -> None:
    assert problems(CompletionQuery, f"user={text}") == [("query.user", code, message)]


def test_language_lists() -> None:
    assert ContentQuery.parse("languages=en_US,en_UK").languages == ("en_US", "en_UK")
    assert problems(ContentQuery, "languages=en_US,,fr") == [
        ("query.languages", "invalid_list", "expected comma-separated values; item 2 is empty")
    ]


def test_grade_and_status_are_open() -> None:
    assert CompletionQuery.parse("grade=PASS").grade is Grade.PASS
    assert CompletionQuery.parse("grade=-").grade is Grade.NO_GRADE
    unknown = CompletionQuery.parse("grade=Passed").grade
    assert unknown == "Passed" and isinstance(unknown, Grade) and not unknown.is_known
    assert UserQuery.parse("status=ACTIVE").status is Status.ACTIVE
    assert CategoryQuery.parse("status=archived").status == Status("archived")


def test_strings_are_verbatim() -> None:
    q = UserQuery.parse("email_address=jane%2Bdoe@example.com&remote_id=&cursor=MDE4Yg%3D%3D")
    assert (q.email_address, q.remote_id, q.cursor) == ("jane+doe@example.com", "", "MDE4Yg==")


# -- date-time filters ---------------------------------------------------------------------


def test_datetime_filters() -> None:
    q = CompletionQuery.parse(
        "started_at_from=2024-02-21T21:22:12.993Z&started_at_to=2024-02-22T00:00:00"
        "&completed_at_from=2024-02-21T10:00:00%2B02:00"
    )
    assert q.started_at_from == datetime(2024, 2, 21, 21, 22, 12, 993000, tzinfo=UTC)
    assert q.started_at_to == datetime(2024, 2, 22, tzinfo=UTC)  # no offset: UTC
    assert q.completed_at_from == datetime(2024, 2, 21, 10, tzinfo=timezone(timedelta(hours=2)))
    assert q.to_params() == {
        "started_at_from": "2024-02-21T21:22:12.993Z",
        "started_at_to": "2024-02-22T00:00:00Z",
        "completed_at_from": "2024-02-21T10:00:00+02:00",
    }
    assert "completed_at_from=2024-02-21T10:00:00%2B02:00" in q.to_query_string()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2024-02-21",
            "'2024-02-21' is not an RFC 3339 date-time (expected YYYY-MM-DDThh:mm:ss[.f]Z)",
        ),
        (
            "2024-02-21T10:00:00+02:00",
            "'2024-02-21T10:00:00 02:00' is not an RFC 3339 date-time "
            "(expected YYYY-MM-DDThh:mm:ss[.f]Z) (a '+' in a query string must be sent as %2B)",
        ),
        (
            "2024-02-30T00:00:00Z",
            "'2024-02-30T00:00:00Z' is not a valid date-time: day is out of range for month",
        ),
    ],
)
def test_datetime_filters_rejected(text: str, message: str) -> None:
    assert problems(EnrollmentQuery, f"end_date_to={text}") == [
        ("query.end_date_to", "invalid_datetime", message)
    ]


# -- expand --------------------------------------------------------------------------------


def test_expand() -> None:
    q = EnrollmentByIdQuery.parse("expand=user%5Bfirst_name%5D,completion")
    assert q.expand == Expand((Expansion("user", ("first_name",)), Expansion("completion")))
    assert q.to_query_string() == "expand=user[first_name],completion"
    assert CourseQuery.parse("expand=").expand == Expand()


def test_expand_problems_are_at_query_expand() -> None:
    assert problems(ContentByIdQuery, "expand=user") == [
        (
            "query.expand",
            "unknown_relation",
            "'user' at position 0 is not a relation of contents "
            "(expected one of categories, skills, courses)",
        )
    ]
    assert problems(CourseByIdQuery, "expand=skills+,contents") == [
        (
            "query.expand",
            "invalid_expand",
            "expected ',', '[' or the end at position 6, found a space "
            "(relation names are comma separated without spaces)",
        )
    ]


@pytest.mark.parametrize("cls", [UserQuery, UserByIdQuery, CategoryQuery, SkillByIdQuery])
def test_endpoints_without_expand_ignore_it(cls: type[Query]) -> None:
    value, issues = cls.parse_issues("expand=user")
    assert value == cls()
    assert [(i.path, i.code, i.severity, i.message) for i in issues] == [
        (
            "query.expand",
            "unknown_parameter",
            "warning",
            "'expand' is not a parameter of this endpoint (ignored)",
        )
    ]


# -- the query string as a whole -----------------------------------------------------------


def test_unknown_parameters_are_ignored_or_forbidden() -> None:
    assert CompletionByIdQuery.parse("page_size=10&foo=1") == CompletionByIdQuery()
    assert problems(CompletionByIdQuery, "page_size=10", forbid_unknown_parameters=True) == [
        ("query.page_size", "unknown_parameter", "'page_size' is not a parameter of this endpoint")
    ]


def test_a_repeated_parameter_is_an_error() -> None:
    assert problems(CompletionQuery, "ids=x&page_size=5&page_size=5") == [
        ("query.ids", "invalid_uuid", "'x' is not a UUID (expected 8-4-4-4-12 hex)"),
        ("query.page_size", "repeated_parameter", "'page_size' is given more than once"),
    ]
    assert problems(CompletionQuery, {"cursor": ["a", "b"]}) == [
        ("query.cursor", "repeated_parameter", "'cursor' is given more than once")
    ]


def test_every_problem_at_once_errors_only() -> None:
    assert [
        (p, c) for p, c, _ in problems(CompletionQuery, "page_size=0&x=1&include_raw_data=no")
    ] == [
        ("query.page_size", "out_of_range"),
        ("query.include_raw_data", "invalid_boolean"),
    ]


def test_mappings() -> None:
    assert CompletionQuery.parse({"page_size": ["20"], "grade": "A"}) == CompletionQuery(
        page_size=20, grade=Grade.A
    )
    assert problems(CompletionQuery, {"page_size": 20, "include_raw_data": [True]}) == [
        ("query.page_size", "wrong_type", "expected query-string text, got integer"),
        ("query.include_raw_data", "wrong_type", "expected query-string text, got boolean"),
    ]
    assert problems(CompletionQuery, 3) == [
        ("query", "wrong_type", "expected a query string or a mapping, got integer")
    ]


def test_leading_question_mark_and_plus_as_space() -> None:
    assert UserQuery.parse("?remote_id=a+b").remote_id == "a b"


def test_render() -> None:
    q = CompletionQuery(
        page_size=10,
        ids=(UUID(U1),),
        grade=Grade("Passed"),
        remote_id="a b&c",
        include_raw_data=True,
        expand=Expand((Expansion("user", ("id", "first_name")),)),
    )
    assert q.to_params() == {
        "include_raw_data": "true",
        "page_size": "10",
        "ids": U1,
        "remote_id": "a b&c",
        "grade": "Passed",
        "expand": "user[id,first_name]",
    }
    assert q.to_query_string() == (
        f"include_raw_data=true&page_size=10&ids={U1}&remote_id=a%20b%26c&grade=Passed"
        "&expand=user[id,first_name]"
    )
    assert CompletionQuery.parse(q.to_query_string()) == q
    assert CompletionQuery.parse(q.to_params()) == q


def test_query_models_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        UserQuery().page_size = 3  # type: ignore[misc]
