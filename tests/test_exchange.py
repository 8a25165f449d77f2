"""validate_exchange: endpoint resolution, ids, methods, status -> body model, query applied."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import pytest

from lms_schema import (
    ABSENT,
    Category,
    Completion,
    Content,
    Course,
    Enrollment,
    ErrorResponse,
    HTTPValidationError,
    Page,
    Skill,
    User,
    validate_exchange,
)
from lms_schema._exchange import ENDPOINTS, resolve

U1 = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
U2 = "018b18ef-c487-703c-afd9-0ca478ccd9d7"
RECORD = {"id": U1, "remote_id": None, "modified_at": "2021-10-16T00:00:00Z", "custom_fields": None}
PAGE = {"cursor": None, "page_size": 1, "items": [RECORD]}
HOST = "https://api.bindbee.dev"
COLLECTIONS = {
    "users": User,
    "courses": Course,
    "contents": Content,
    "categories": Category,
    "skills": Skill,
    "enrollments": Enrollment,
    "completions": Completion,
}


def found(report: Any) -> list[tuple[str, str, str]]:
    return [(i.severity, i.path, i.code) for i in report.issues]


@pytest.mark.parametrize(("collection", "model"), COLLECTIONS.items())
def test_list_endpoints(collection: str, model: type) -> None:
    report = validate_exchange("GET", f"{HOST}/api/lms/v1/{collection}", 200, json.dumps(PAGE))
    assert found(report) == []
    assert isinstance(report.value, Page)
    assert type(report.value.items[0]) is model


@pytest.mark.parametrize(("collection", "model"), COLLECTIONS.items())
def test_by_id_endpoints(collection: str, model: type) -> None:
    report = validate_exchange("GET", f"/api/lms/v1/{collection}/{U1.upper()}", 200, RECORD)
    assert found(report) == []
    assert type(report.value) is model


def test_resolve() -> None:
    assert len(ENDPOINTS) == 14
    endpoint, ident = resolve("/api/lms/v1/completions/42")  # type: ignore[misc]
    assert (endpoint.path, endpoint.model, ident) == (
        "/api/lms/v1/completions/{id}",
        Completion,
        "42",
    )
    endpoint, ident = resolve("/api/lms/v1/categories")  # type: ignore[misc]
    assert (endpoint.path, endpoint.model, ident) == ("/api/lms/v1/categories", Category, None)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "/api/hris/v1/employees",
            "'/api/hris/v1/employees' is not an LMS endpoint (expected a path under /api/lms/v1/)",
        ),
        (
            "https://api.bindbee.dev/",
            "'/' is not an LMS endpoint (expected a path under /api/lms/v1/)",
        ),
        (
            "/api/lms/v2/users",
            "'/api/lms/v2/users' is not an LMS endpoint (expected a path under /api/lms/v1/)",
        ),
        *(
            (
                url,
                f"{url!r} is not an LMS endpoint (expected /api/lms/v1/<collection> or "
                "/api/lms/v1/<collection>/<id> with a collection among users, courses, contents, "
                "categories, skills, enrollments, completions)",
            )
            for url in (
                "/api/lms/v1/instructors",
                "/api/lms/v1/",
                "/api/lms/v1/Users",
                "/api/lms/v1/users/",
                f"/api/lms/v1/users/{U1}/courses",
                f"/api/lms/v1/users/{U1}/",
            )
        ),
    ],
)
def test_unknown_paths(url: str, message: str) -> None:
    report = validate_exchange("GET", url, 200, RECORD)
    assert [(i.path, i.code, i.message) for i in report.issues] == [
        ("url", "unknown_endpoint", message)
    ]


@pytest.mark.parametrize("method", ["POST", "put", "DELETE", "HEAD", "OPTIONS"])
def test_only_get(method: str) -> None:
    report = validate_exchange(method, "/api/lms/v1/users", 200, PAGE)
    assert [(i.path, i.code, i.message) for i in report.issues] == [
        (
            "method",
            "method_not_allowed",
            f"{method.upper()!r} is not allowed on /api/lms/v1/users: the LMS API is read-only "
            "(GET only)",
        )
    ]


def test_the_method_is_case_insensitive() -> None:
    assert validate_exchange("get", "/api/lms/v1/users", 200, PAGE).ok


@pytest.mark.parametrize(
    "ident", ["42", "not-a-uuid", "{" + U1, "%7B" + U1.replace("-", "") + "%7D", U1 + "0"]
)
def test_path_ids_must_be_uuids(ident: str) -> None:
    report = validate_exchange("GET", f"/api/lms/v1/skills/{ident}", 200, RECORD)
    assert found(report) == [("error", "path.id", "uuid_parsing")]
    assert report.issues[0].message == (
        f"{unquote(ident)!r} is not a UUID (expected 8-4-4-4-12 hex)"
    )


@pytest.mark.parametrize(
    "ident",
    [U1.replace("-", ""), "%7B" + U1 + "%7D", "{" + U1.upper() + "}", "urn:uuid:" + U1],
)
def test_path_id_spellings_the_server_accepts(ident: str) -> None:
    report = validate_exchange("GET", f"/api/lms/v1/skills/{ident}", 200, RECORD)
    assert report.ok
    assert [(i.severity, i.path, i.code, i.message) for i in report.issues] == [
        (
            "warning",
            "path.id",
            "noncanonical_parameter",
            f"{unquote(ident)!r} is read as {U1}; the canonical spelling is {U1}",
        )
    ]


def test_a_bad_id_rejected_with_422_is_consistent() -> None:
    body = {
        "detail": [
            {
                "loc": ["path", "id"],
                "msg": "Input should be a valid UUID",
                "type": "uuid_parsing",
                "input": "42",
            }
        ]
    }
    report = validate_exchange("GET", "/api/lms/v1/skills/42", 422, body)
    assert report.ok
    assert found(report) == [("warning", "path.id", "uuid_parsing")]
    assert type(report.value) is HTTPValidationError


def test_percent_encoded_path() -> None:
    assert validate_exchange("GET", f"/api/lms/v1/users/{U1.replace('-', '%2D')}", 200, RECORD).ok


@pytest.mark.parametrize(
    ("url", "status", "body", "cls", "expected"),
    [
        ("/api/lms/v1/users", 200, PAGE, Page, []),
        ("/api/lms/v1/users", 422, {"detail": []}, HTTPValidationError, []),
        ("/api/lms/v1/users", 401, {"detail": "Not authenticated"}, ErrorResponse, []),
        ("/api/lms/v1/users", 403, {"detail": "Forbidden"}, ErrorResponse, []),
        ("/api/lms/v1/users", 429, {"detail": "Too many requests"}, ErrorResponse, []),
        (f"/api/lms/v1/users/{U1}", 404, {"detail": "Not found"}, ErrorResponse, []),
        (
            "/api/lms/v1/users",
            404,
            {"detail": "Not found"},
            ErrorResponse,
            [("warning", "status", "undocumented_status")],
        ),
        (
            "/api/lms/v1/users",
            400,
            {"detail": "Bad request"},
            ErrorResponse,
            [("warning", "status", "undocumented_status")],
        ),
        (
            f"/api/lms/v1/users/{U1}",
            201,
            RECORD,
            User,
            [("warning", "status", "undocumented_status")],
        ),
        (
            "/api/lms/v1/users",
            500,
            "<html>oops</html>",
            type(None),
            [("warning", "status", "undocumented_status")],
        ),
        (
            "/api/lms/v1/users",
            302,
            b"",
            type(None),
            [("warning", "status", "undocumented_status")],
        ),
    ],
)
def test_status_picks_the_body_model(
    url: str, status: int, body: Any, cls: type, expected: list[Any]
) -> None:
    report = validate_exchange("GET", url, status, body)
    assert found(report) == expected
    assert type(report.value) is cls


def test_undocumented_status_message() -> None:
    report = validate_exchange("GET", "/api/lms/v1/users", 404, {"detail": "x"})
    assert report.issues[0].message == (
        "the API document lists no status 404 for /api/lms/v1/users (it lists 200, 401, 403, "
        "422, 429)"
    )


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (422, {"detail": "Not Found"}, [("error", "$.detail", "wrong_type")]),
        (
            404,
            {"detail": [{"loc": [], "msg": "m", "type": "t"}]},
            [("error", "$.detail", "wrong_type")],
        ),
        (
            200,
            {"detail": "Not Found"},
            [
                ("error", "$.id", "missing_key"),
                ("error", "$.remote_id", "missing_key"),
                ("error", "$.modified_at", "missing_key"),
                ("error", "$.custom_fields", "missing_key"),
                ("warning", "$.detail", "unknown_key"),
            ],
        ),
    ],
)
def test_the_wrong_body_for_the_status(status: int, body: Any, expected: list[Any]) -> None:
    assert found(validate_exchange("GET", f"/api/lms/v1/users/{U1}", status, body)) == expected


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(RECORD),
        json.dumps(RECORD).encode(),
        bytearray(json.dumps(RECORD).encode()),
        memoryview(json.dumps(RECORD).encode()),
        RECORD,
    ],
)
def test_body_forms(body: Any) -> None:
    assert validate_exchange("GET", f"/api/lms/v1/users/{U1}", 200, body).ok


@pytest.mark.parametrize("body", [b"", b"{", "not json", b"\xff\xfe"])
def test_bodies_that_are_not_json(body: Any) -> None:
    report = validate_exchange("GET", f"/api/lms/v1/users/{U1}", 200, body)
    assert found(report) == [("error", "$", "invalid_json")]


def test_an_absent_body_is_not_checked() -> None:
    assert validate_exchange("GET", f"/api/lms/v1/users/{U1}", 200, ABSENT).issues == ()
    report = validate_exchange("GET", "/api/lms/v1/users?page_size=0", 200, ABSENT)
    assert found(report) == [("error", "query.page_size", "greater_than_equal")]


def test_a_url_that_is_not_a_url() -> None:
    report = validate_exchange("GET", "http://[::1/api/lms/v1/users", 200, {})
    assert [(i.path, i.code, i.message) for i in report.issues] == [
        ("url", "unknown_endpoint", "'http://[::1/api/lms/v1/users' is not a URL: Invalid IPv6 URL")
    ]


def test_a_decoded_json_string_is_not_text() -> None:
    # str is always JSON text: the JSON document "\"x\"" is the string x, which is no user
    report = validate_exchange("GET", f"/api/lms/v1/users/{U1}", 200, '"x"')
    assert found(report) == [("error", "$", "wrong_type")]


def test_the_request_is_applied_to_the_body() -> None:
    record = {
        **RECORD,
        "user": {"first_name": "J", "status": "ACTIVE"},
        "course": U2,
        "raw_data": {},
    }
    url = f"/api/lms/v1/completions/{U1}?expand=user[first_name],course&include_raw_data=false"
    assert found(validate_exchange("GET", url, 200, record)) == [
        ("error", "$.course", "not_expanded"),
        ("warning", "$.user.status", "unselected_field"),
        ("warning", "$.raw_data", "unrequested_data"),
    ]


def test_defaults_of_the_request_apply() -> None:
    # no expand and no include_* in the URL: relations are ids, raw_data absent or null
    record = {**RECORD, "user": {"id": U2}, "raw_data": {"a": 1}, "custom_fields": {"b": 2}}
    assert found(validate_exchange("GET", f"/api/lms/v1/enrollments/{U1}", 200, record)) == [
        ("error", "$.user", "unexpected_expansion"),
        ("warning", "$.raw_data", "unrequested_data"),
        ("warning", "$.custom_fields", "unrequested_data"),
    ]


def test_include_flags_on_a_page() -> None:
    url = "/api/lms/v1/users?include_raw_data=1&include_custom_fields=true"
    assert found(validate_exchange("GET", url, 200, PAGE)) == [
        ("warning", "$.items[0].raw_data", "missing_requested_data")
    ]


def test_query_problems_are_errors_when_the_server_accepted_them() -> None:
    url = "/api/lms/v1/courses?page_size=500&expand=teachers&foo=bar&include_raw_data=maybe"
    record = {**RECORD, "instructors": [{"name": "Ada"}]}
    report = validate_exchange("GET", url, 200, {"cursor": None, "page_size": 1, "items": [record]})
    # with the request unreadable, the body is checked without request arguments
    assert found(report) == [
        ("error", "query.page_size", "less_than_equal"),
        ("error", "query.include_raw_data", "bool_parsing"),
        ("warning", "query.expand", "unknown_relation"),
        ("warning", "query.foo", "unknown_parameter"),
    ]


def test_what_the_server_accepts_is_a_warning() -> None:
    url = (
        "/api/lms/v1/completions?page_size=%2010&page_size=1.0&include_raw_data=no"
        "&expand=manager[first_name,last_name],user&started_at_from=2025-01-01&ids="
    )
    record = {**RECORD, "user": {"id": U2}, "raw_data": None}
    report = validate_exchange("GET", url, 200, {"cursor": None, "page_size": 1, "items": [record]})
    assert report.ok
    assert found(report) == [
        ("warning", "query.page_size", "repeated_parameter"),
        ("warning", "query.page_size", "noncanonical_parameter"),
        ("warning", "query.include_raw_data", "noncanonical_parameter"),
        ("warning", "query.expand", "unknown_relation"),
        ("warning", "query.started_at_from", "noncanonical_parameter"),
        ("warning", "query.ids", "invalid_list"),
    ]
    # the value the server used is the one applied: page_size=1, user expanded
    page = {"cursor": None, "page_size": 2, "items": [record, {**record, "id": U2}]}
    report = validate_exchange("GET", url, 200, page)
    assert [(i.path, i.code) for i in report.errors] == [("$.items", "page_too_large")]
    report = validate_exchange("GET", url, 200, {"cursor": None, "page_size": 1, "items": [RECORD]})
    assert report.ok  # user absent: fine either way


def test_an_unreadable_expand_leaves_expansions_unchecked() -> None:
    record = {**RECORD, "user": {"id": U2}, "course": U2}
    url = f"/api/lms/v1/completions/{U1}?expand=user[first_name,course"
    report = validate_exchange("GET", url, 200, record)
    assert report.ok
    assert found(report) == [("warning", "query.expand", "invalid_expand")]
    # readable: the same record breaks the request's promises
    url = f"/api/lms/v1/completions/{U1}?expand=course"
    assert found(validate_exchange("GET", url, 200, record)) == [
        ("error", "$.user", "unexpected_expansion"),
        ("error", "$.course", "not_expanded"),
    ]


def test_query_problems_are_warnings_when_the_server_rejected_them() -> None:
    body = {
        "detail": [
            {
                "loc": ["query", "page_size"],
                "msg": "Input should be less than or equal to 200",
                "type": "less_than_equal",
            }
        ]
    }
    report = validate_exchange("GET", "/api/lms/v1/courses?page_size=500", 422, body)
    assert report.ok
    assert found(report) == [("warning", "query.page_size", "less_than_equal")]


def test_more_items_than_requested() -> None:
    page = {"cursor": "x", "page_size": 2, "items": [RECORD, {**RECORD, "id": U2}]}
    report = validate_exchange("GET", "/api/lms/v1/skills?page_size=1", 200, page)
    assert [(i.path, i.code, i.message) for i in report.issues] == [
        ("$.items", "page_too_large", "the page has 2 items but the request asked for at most 1")
    ]
    assert validate_exchange("GET", "/api/lms/v1/skills?page_size=2", 200, page).ok


def test_forbid_unknown_keys() -> None:
    record = {**RECORD, "extra": 1}
    url = f"/api/lms/v1/users/{U1}"
    assert found(validate_exchange("GET", url, 200, record)) == [
        ("warning", "$.extra", "unknown_key")
    ]
    assert found(validate_exchange("GET", url, 200, record, forbid_unknown_keys=True)) == [
        ("error", "$.extra", "unknown_key")
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("GET", None, 200, {}), ("url", "wrong_type", "expected a string, got null")),
        (
            ("GET", "/api/lms/v1/users", "200", {}),
            ("status", "wrong_type", "expected an integer HTTP status, got string"),
        ),
        (
            ("GET", "/api/lms/v1/users", True, {}),
            ("status", "wrong_type", "expected an integer HTTP status, got boolean"),
        ),
        (
            (None, "/api/lms/v1/users", 200, {}),
            (
                "method",
                "method_not_allowed",
                "None is not allowed on /api/lms/v1/users: the LMS API is read-only (GET only)",
            ),
        ),
    ],
)
def test_bad_arguments_are_issues_not_crashes(args: Any, expected: Any) -> None:
    report = validate_exchange(*args)
    assert [(i.path, i.code, i.message) for i in report.issues] == [expected]


def test_required_headers_when_given() -> None:
    url = f"/api/lms/v1/users/{U1}"
    assert validate_exchange("GET", url, 200, RECORD, headers={"X-Connector-Token": "t"}).ok
    report = validate_exchange("GET", url, 200, RECORD, headers={"authorization": "Bearer x"})
    assert [(i.severity, i.path, i.code, i.message) for i in report.issues] == [
        (
            "error",
            "header.x-connector-token",
            "missing",
            "the required header 'x-connector-token' is absent",
        )
    ]
    body = {"detail": [{"loc": ["header", "x-connector-token"], "msg": "m", "type": "missing"}]}
    report = validate_exchange("GET", url, 422, body, headers={})
    assert found(report) == [("warning", "header.x-connector-token", "missing")]
    assert validate_exchange("GET", url, 200, RECORD).ok  # headers unknown: not checked
    report = validate_exchange("GET", url, 200, RECORD, headers=[("a", "b")])  # type: ignore[arg-type]
    assert [(i.path, i.code, i.message) for i in report.issues] == [
        ("header", "wrong_type", "expected a mapping of header names to values, got array")
    ]
