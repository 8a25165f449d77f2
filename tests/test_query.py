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
from lms_schema._values.datetimes import format_datetime

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


def warnings(cls: type[Query], query: Any, **kwargs: Any) -> list[tuple[str, str, str]]:
    value, issues = cls.parse_issues(query, **kwargs)
    assert value is not None, issues
    assert all(i.severity == "warning" for i in issues)
    return [(i.path, i.code, i.message) for i in issues]


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


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("200", 200), ("50", 50)])
def test_page_size_accepted(text: str, value: int) -> None:
    assert UserQuery.parse_issues(f"page_size={text}") == (UserQuery(page_size=value), [])


@pytest.mark.parametrize(
    ("text", "shown", "value"),
    [
        ("+5", "' 5'", 5),  # a raw '+' is a space
        ("%2B7", "'+7'", 7),
        ("%205", "' 5'", 5),
        ("5%20", "'5 '", 5),
        ("%095%0A", "'\\t5\\n'", 5),
        ("%C2%A05", "'\\xa05'", 5),  # Unicode whitespace is trimmed too
        ("100.0", "'100.0'", 100),
        ("100.000", "'100.000'", 100),
        ("5_0", "'5_0'", 50),
        ("050", "'050'", 50),
        ("00000000000000000000050", "'00000000000000000000050'", 50),
        ("0_0_7", "'0_0_7'", 7),
        ("1_0.0", "'1_0.0'", 10),
    ],
)
def test_page_size_spellings_the_server_accepts(text: str, shown: str, value: int) -> None:
    assert warnings(UserQuery, f"page_size={text}") == [
        (
            "query.page_size",
            "noncanonical_parameter",
            f"{shown} is read as {value}; the canonical spelling is page_size={value}",
        )
    ]
    assert UserQuery.parse(f"page_size={text}").page_size == value
    assert problems(UserQuery, f"page_size={text}", strict=True) == [
        (
            "query.page_size",
            "noncanonical_parameter",
            f"{shown} is read as {value}; the canonical spelling is page_size={value}",
        )
    ]


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("0", "greater_than_equal", "expected an integer from 1 to 200, got 0"),
        ("-1", "greater_than_equal", "expected an integer from 1 to 200, got -1"),
        ("0.0", "greater_than_equal", "expected an integer from 1 to 200, got 0"),
        ("201", "less_than_equal", "expected an integer from 1 to 200, got 201"),
        (
            "99999999999999999999999",
            "less_than_equal",
            "expected an integer from 1 to 200, got 99999999999999999999999",
        ),
        ("", "int_parsing", "expected an integer, got ''"),
        ("ten", "int_parsing", "expected an integer, got 'ten'"),
        ("1e2", "int_parsing", "expected an integer, got '1e2'"),
        ("50.5", "int_parsing", "expected an integer, got '50.5'"),
        ("50.", "int_parsing", "expected an integer, got '50.'"),
        ("5__0", "int_parsing", "expected an integer, got '5__0'"),
        ("_50", "int_parsing", "expected an integer, got '_50'"),
        ("%2B-5", "int_parsing", "expected an integer, got '+-5'"),
        ("--5", "int_parsing", "expected an integer, got '--5'"),
        ("5+0", "int_parsing", "expected an integer, got '5 0'"),
        ("%1C5", "int_parsing", "expected an integer, got '\\x1c5'"),  # not whitespace to Rust
        ("\u0665", "int_parsing", "expected an integer, got '\u0665'"),
        (
            "1" * 4301,
            "int_parsing_size",
            f"expected an integer of at most 4300 digits, got '{'1' * 57}...'",
        ),
    ],
)
def test_page_size_rejected(text: str, code: str, message: str) -> None:
    assert problems(UserQuery, f"page_size={text}") == [("query.page_size", code, message)]


# -- booleans ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"), [("true", True), ("1", True), ("false", False), ("0", False)]
)
def test_booleans_accepted(text: str, value: bool) -> None:
    query = f"include_raw_data={text}&include_custom_fields={text}"
    q, issues = SkillByIdQuery.parse_issues(query)
    assert (q.include_raw_data, q.include_custom_fields, issues) == (value, value, [])  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *(
            (t, True)
            for t in ["True", "TRUE", "tRuE", "yes", "YES", "on", "On", "y", "Y", "t", "T"]
        ),
        *((t, False) for t in ["False", "FALSE", "no", "No", "off", "OFF", "n", "N", "f", "F"]),
    ],
)
def test_boolean_spellings_the_server_accepts(text: str, value: bool) -> None:
    canonical = "true" if value else "false"
    assert SkillQuery.parse({"include_custom_fields": text}).include_custom_fields is value
    assert warnings(SkillQuery, {"include_custom_fields": text}) == [
        (
            "query.include_custom_fields",
            "noncanonical_parameter",
            f"{text!r} is read as {canonical}; the canonical spelling is "
            f"include_custom_fields={canonical}",
        )
    ]


@pytest.mark.parametrize(
    "text", ["", "2", "-1", "1.0", " true", "true ", "yes!", "tru", "01", "+1", "\u0130"]
)
def test_booleans_rejected(text: str) -> None:
    assert problems(SkillQuery, {"include_custom_fields": text}) == [
        (
            "query.include_custom_fields",
            "bool_parsing",
            "expected a boolean (true or false; the server also reads 1/0, yes/no, on/off, y/n, "
            f"t/f in any case), got {text!r}",
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
        (
            "",
            "invalid_list",
            "expected comma-separated UUIDs, got the empty text: Bindbee will probably not "
            "filter on it",
        ),
        (f"{U1},", "invalid_list", "expected comma-separated UUIDs; item 2 is empty"),
        (
            "x",
            "invalid_uuid",
            "'x' is not a UUID (expected 8-4-4-4-12 hex): Bindbee will probably match nothing "
            "with it or reject the request",
        ),
        (
            f"{U1},%20{U2}",
            "invalid_uuid",
            f"item 2: ' {U2}' is not a UUID (expected 8-4-4-4-12 hex): Bindbee will probably "
            "match nothing with it or reject the request",
        ),
    ],
)
def test_id_lists_the_server_takes_as_text(text: str, code: str, message: str) -> None:
    # the API document declares the filters as plain strings: the server accepts any text
    q, issues = CompletionQuery.parse_issues(f"user={text}")
    assert q == CompletionQuery()  # a filter lms-schema cannot read is None
    assert [(i.path, i.code, i.message, i.severity) for i in issues] == [
        ("query.user", code, message, "warning")
    ]
    assert problems(CompletionQuery, f"user={text}", strict=True) == [("query.user", code, message)]


@pytest.mark.parametrize(
    "text", [U1.replace("-", ""), "{" + U1 + "}", "urn:uuid:" + U1, U1.upper().replace("-", "")]
)
def test_id_spellings_read_as_uuids(text: str) -> None:
    q, issues = CompletionQuery.parse_issues({"course": f"{U2},{text}"})
    assert q.course == (UUID(U2), UUID(U1))  # type: ignore[union-attr]
    assert [(i.path, i.code, i.message) for i in issues] == [
        (
            "query.course",
            "noncanonical_parameter",
            f"item 2: {text!r} is not an 8-4-4-4-12 UUID; read as {U1}",
        )
    ]


def test_language_lists() -> None:
    assert ContentQuery.parse("languages=en_US,en_UK").languages == ("en_US", "en_UK")
    message = (
        "expected comma-separated values; item 2 is empty: Bindbee will probably not filter "
        "on it as intended"
    )
    assert warnings(ContentQuery, "languages=en_US,,fr") == [
        ("query.languages", "invalid_list", message)
    ]
    assert problems(ContentQuery, "languages=en_US,,fr", strict=True) == [
        ("query.languages", "invalid_list", message)
    ]
    assert ContentQuery.parse("languages=").languages is None


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
    ("text", "value"),
    [
        ("2024-02-21", datetime(2024, 2, 21, tzinfo=UTC)),
        ("2024-02-21+10:00:00", datetime(2024, 2, 21, 10, tzinfo=UTC)),  # '+' is a space
        ("2024-02-21T10:00", datetime(2024, 2, 21, 10, tzinfo=UTC)),
        ("2024-02-21t10:00:05,5z", datetime(2024, 2, 21, 10, 0, 5, 500000, tzinfo=UTC)),
        (
            "2024-02-21T10:00:00%2B0200",
            datetime(2024, 2, 21, 10, tzinfo=timezone(timedelta(hours=2))),
        ),
        (
            "2024-02-21T10:00-05",
            datetime(2024, 2, 21, 10, tzinfo=timezone(timedelta(hours=-5))),
        ),
    ],
)
def test_datetime_shapes_common_parsers_read(text: str, value: datetime) -> None:
    q, issues = EnrollmentQuery.parse_issues(f"end_date_to={text}")
    assert q.end_date_to == value  # type: ignore[union-attr]
    shown = text.replace("+", " ").replace("%2B", "+")
    assert [(i.path, i.code, i.message, i.severity) for i in issues] == [
        (
            "query.end_date_to",
            "noncanonical_parameter",
            f"{shown!r} is not an RFC 3339 date-time; common ISO 8601 parsers read it as "
            f"{format_datetime(value)}, the canonical spelling",
            "warning",
        )
    ]


_IGNORED = ": Bindbee will probably ignore the filter or reject the request"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "yesterday",
            "'yesterday' is not an RFC 3339 date-time (expected YYYY-MM-DDThh:mm:ss[.f]Z)"
            + _IGNORED,
        ),
        (
            "2024-02-21T10:00:00+02:00",
            "'2024-02-21T10:00:00 02:00' is not an RFC 3339 date-time "
            "(expected YYYY-MM-DDThh:mm:ss[.f]Z) (a '+' in a query string is a space: send it "
            "as %2B; some parsers read the text as a different instant)" + _IGNORED,
        ),
        (
            "2024-02-30T00:00:00Z",
            "'2024-02-30T00:00:00Z' is not a valid date-time: day is out of range for month"
            + _IGNORED,
        ),
        (
            "2024-02-30",
            "'2024-02-30' is not a valid date-time (no such date, time or offset)" + _IGNORED,
        ),
        (
            "2024-02-21+24:00",
            "'2024-02-21 24:00' is not a valid date-time (no such date, time or offset) (a '+' "
            "in a query string is a space: send it as %2B; some parsers read the text as a "
            "different instant)" + _IGNORED,
        ),
        (
            "",
            "'' is not an RFC 3339 date-time (expected YYYY-MM-DDThh:mm:ss[.f]Z)" + _IGNORED,
        ),
        (
            "2024-02-21T10:00%2B0060",
            "'2024-02-21T10:00+0060' is not a valid date-time (no such date, time or offset)"
            + _IGNORED,
        ),
        (
            "2024-02-21T10:00-24",
            "'2024-02-21T10:00-24' is not a valid date-time (no such date, time or offset)"
            + _IGNORED,
        ),
    ],
)
def test_datetime_filters_lms_schema_cannot_read(text: str, message: str) -> None:
    q, issues = EnrollmentQuery.parse_issues(f"end_date_to={text}")
    assert q == EnrollmentQuery()
    assert [(i.path, i.code, i.message, i.severity) for i in issues] == [
        ("query.end_date_to", "invalid_datetime", message, "warning")
    ]
    assert problems(EnrollmentQuery, f"end_date_to={text}", strict=True) == [
        ("query.end_date_to", "invalid_datetime", message)
    ]


# -- expand --------------------------------------------------------------------------------


def test_expand() -> None:
    q = EnrollmentByIdQuery.parse("expand=user%5Bfirst_name%5D,completion")
    assert q.expand == Expand((Expansion("user", ("first_name",)), Expansion("completion")))
    assert q.to_query_string() == "expand=user[first_name],completion"
    assert CourseQuery.parse("expand=").expand == Expand()


def test_expand_problems_are_warnings_at_query_expand() -> None:
    # the document's own example: the server takes expand as a plain string
    q, issues = CompletionQuery.parse_issues("expand=manager[first_name,last_name]")
    assert q == CompletionQuery()
    assert [(i.path, i.code, i.message, i.severity) for i in issues] == [
        (
            "query.expand",
            "unknown_relation",
            "'manager' at position 0 is not a relation of completions (expected one of user, "
            "course, content): Bindbee will probably ignore it",
            "warning",
        )
    ]
    assert warnings(ContentByIdQuery, "expand=user") == [
        (
            "query.expand",
            "unknown_relation",
            "'user' at position 0 is not a relation of contents "
            "(expected one of categories, skills, courses): Bindbee will probably ignore it",
        )
    ]
    assert problems(CourseByIdQuery, "expand=skills+,contents", strict=True) == [
        (
            "query.expand",
            "invalid_expand",
            "expected ',', '[' or the end at position 6, found a space "
            "(relation names are comma separated without spaces): Bindbee may ignore part or "
            "all of expand, so lms-schema does not check the expansions of the response",
        )
    ]


def test_expand_keeps_what_it_understands() -> None:
    q, issues = CompletionQuery.parse_issues(
        "expand=user[first_name,foo,first_name],manager,course,user"
    )
    assert q.expand == Expand(  # type: ignore[union-attr]
        (Expansion("user", ("first_name",)), Expansion("course"))
    )
    assert [(i.code, i.severity) for i in issues] == [
        ("unknown_field", "warning"),
        ("duplicate_field", "warning"),
        ("unknown_relation", "warning"),
        ("duplicate_relation", "warning"),
    ]
    q, _ = CompletionQuery.parse_issues("expand=user[nope],content,course[")
    assert q.expand == Expand(  # type: ignore[union-attr]
        (Expansion("user"), Expansion("content"))
    )


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
    # strict alone does not forbid them
    assert CompletionByIdQuery.parse("foo=1", strict=True) == CompletionByIdQuery()


def test_a_parameter_without_a_name() -> None:
    # Starlette keeps the empty name; FastAPI has no parameter by it
    assert warnings(UserQuery, "=5&page_size=7") == [
        ("query", "unknown_parameter", "a parameter without a name (='5') (ignored)")
    ]
    assert problems(UserQuery, "=5", forbid_unknown_parameters=True) == [
        ("query", "unknown_parameter", "a parameter without a name (='5')")
    ]


def test_a_repeated_parameter_takes_the_last_value() -> None:
    q, issues = CompletionQuery.parse_issues("page_size=abc&cursor=a&page_size=5&page_size=20")
    assert (q.page_size, q.cursor) == (20, "a")  # type: ignore[union-attr]
    message = (
        "'page_size' is given 3 times: the server uses the last value, '20', and ignores 'abc', '5'"
    )
    assert [(i.path, i.code, i.message, i.severity) for i in issues] == [
        ("query.page_size", "repeated_parameter", message, "warning")
    ]
    assert problems(CompletionQuery, "page_size=abc&page_size=20", strict=True) == [
        (
            "query.page_size",
            "repeated_parameter",
            "'page_size' is given 2 times: the server uses the last value, '20', and ignores 'abc'",
        )
    ]
    assert CompletionQuery.parse({"ids": [U1, U2]}).ids == (UUID(U2),)


def test_the_value_used_is_the_one_checked() -> None:
    value, issues = CompletionQuery.parse_issues("page_size=20&page_size=abc&ids=x")
    assert value is None
    assert [(i.path, i.code, i.severity) for i in issues] == [
        ("query.page_size", "repeated_parameter", "warning"),
        ("query.page_size", "int_parsing", "error"),
        ("query.ids", "invalid_uuid", "warning"),
    ]
    assert issues[0].message == (
        "'page_size' is given 2 times: the server uses the last value, 'abc', and ignores '20'"
    )


def test_every_problem_at_once_errors_only() -> None:
    assert [
        (p, c) for p, c, _ in problems(CompletionQuery, "page_size=0&x=1&include_raw_data=nah")
    ] == [
        ("query.page_size", "greater_than_equal"),
        ("query.include_raw_data", "bool_parsing"),
    ]


def test_server_params() -> None:
    query = "ids=&page_size=abc&page_size=%2B5&x=1&expand=user+,course&=3"
    assert CompletionQuery.server_params(query) == {
        "ids": "",
        "page_size": "+5",
        "expand": "user ,course",
    }
    assert UserByIdQuery.server_params({"page_size": "5", "include_raw_data": ["no", "1"]}) == {
        "include_raw_data": "1"
    }


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
