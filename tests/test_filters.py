"""filter_mismatch: items of a list response that contradict the request's filters."""

from __future__ import annotations

from typing import Any

import pytest

from lms_schema import validate_exchange

U1 = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
U2 = "018b18ef-c487-703c-afd9-0ca478ccd9d7"
U3 = "018b18ef-c487-703c-afd9-0ca478ccd9d8"
BASE = {"id": U1, "remote_id": "r1", "modified_at": "2021-10-16T00:00:00Z", "custom_fields": None}


def mismatches(url: str, *items: dict[str, Any]) -> list[tuple[str, str]]:
    page = {"cursor": None, "page_size": len(items), "items": [{**BASE, **item} for item in items]}
    report = validate_exchange("GET", url, 200, page)
    assert report.ok, report.errors
    return [(i.path, i.message) for i in report.warnings if i.code == "filter_mismatch"]


def test_ids() -> None:
    url = f"/api/lms/v1/users?ids={U1.upper()},{U2}"
    assert mismatches(url, {"id": U1}, {"id": U2}) == []
    assert mismatches(url, {"id": U3}) == [
        ("$.items[0].id", f"id does not match the request's filter ids={U1},{U2}")
    ]


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (U1, []),
        ({"id": U2, "first_name": "J"}, []),
        (U3, [("$.items[0].user", f"user does not match the request's filter user={U1},{U2}")]),
        (
            {"id": U3},
            [("$.items[0].user", f"user does not match the request's filter user={U1},{U2}")],
        ),
        (None, [("$.items[0].user", f"user does not match the request's filter user={U1},{U2}")]),
        ({"first_name": "J"}, []),  # an expanded user without its id cannot be compared
        ("absent", []),  # a sparse response cannot be compared
    ],
)
def test_single_relation_filters(user: Any, expected: list[Any]) -> None:
    expand = "&expand=user" if isinstance(user, dict) else ""
    item = {} if user == "absent" else {"user": user}
    url = f"/api/lms/v1/completions?user={U1},{U2}{expand}"
    assert mismatches(url, item) == expected


@pytest.mark.parametrize(
    ("categories", "matches"),
    [([U3, U1], True), ([U3], False), ([], False), (None, False), ("absent", True)],
)
def test_list_relation_filters_match_any(categories: Any, matches: bool) -> None:
    item = {} if categories == "absent" else {"categories": categories}
    found = mismatches(f"/api/lms/v1/courses?categories={U1}", item)
    assert found == (
        []
        if matches
        else [
            (
                "$.items[0].categories",
                f"categories does not match the request's filter categories={U1}",
            )
        ]
    )


def test_expanded_list_elements_and_instructors() -> None:
    url = f"/api/lms/v1/courses?skills={U1}&instructors={U2}&expand=skills,instructors"
    item = {"skills": [{"id": U1}], "instructors": [{"id": U2, "name": "Ada"}]}
    assert mismatches(url, item) == []
    item = {"skills": [{"name": "x"}], "instructors": [{"id": U3}]}
    assert mismatches(url, item) == [
        (
            "$.items[0].instructors",
            f"instructors does not match the request's filter instructors={U2}",
        )
    ]


def test_languages() -> None:
    url = "/api/lms/v1/contents?languages=en_US,en_UK"
    assert mismatches(url, {"languages": ["fr_FR", "en_US"]}) == []
    assert mismatches(url, {"languages": ["fr_FR"]}) == [
        (
            "$.items[0].languages",
            "languages does not match the request's filter languages=en_US,en_UK",
        )
    ]


def test_equal_filters() -> None:
    assert mismatches("/api/lms/v1/completions?grade=PASS", {"grade": "PASS"}) == []
    assert mismatches("/api/lms/v1/completions?grade=Passed", {"grade": "Passed"}) == []
    assert mismatches("/api/lms/v1/completions?grade=PASS", {"grade": "pass"}) == [
        ("$.items[0].grade", "grade does not match the request's filter grade=PASS")
    ]
    assert mismatches("/api/lms/v1/skills?status=ACTIVE", {"status": None}) == [
        ("$.items[0].status", "status does not match the request's filter status=ACTIVE")
    ]
    assert mismatches("/api/lms/v1/categories?remote_id=r2", {}) == [
        ("$.items[0].remote_id", "remote_id does not match the request's filter remote_id=r2")
    ]


def test_email_addresses_compare_without_case() -> None:
    url = "/api/lms/v1/users?email_address=Jane@Example.com"
    assert mismatches(url, {"email_address": "jane@example.com"}) == []
    assert mismatches(url, {"email_address": "john@example.com"}) == [
        (
            "$.items[0].email_address",
            "email_address does not match the request's filter email_address=Jane@Example.com",
        )
    ]


def test_date_ranges() -> None:
    url = (
        "/api/lms/v1/completions?started_at_from=2025-08-01T10:00:00%2B02:00"
        "&completed_at_to=2025-08-02T00:00:00"
    )
    assert (
        mismatches(
            url, {"started_at": "2025-08-01T08:00:00Z", "completed_at": "2025-08-02T00:00:00Z"}
        )
        == []
    )
    assert mismatches(url, {"started_at": "2025-08-01T07:59:59Z", "completed_at": None}) == [
        (
            "$.items[0].started_at",
            "started_at does not match the request's filter "
            "started_at_from=2025-08-01T10:00:00+02:00",
        ),
        (
            "$.items[0].completed_at",
            "completed_at does not match the request's filter completed_at_to=2025-08-02T00:00:00Z",
        ),
    ]


def test_end_date_has_no_field_and_is_not_checked() -> None:
    url = (
        "/api/lms/v1/enrollments?end_date_from=2030-01-01T00:00:00Z"
        "&start_date_to=2020-01-01T00:00:00Z"
    )
    assert mismatches(url, {"start_date": "2025-01-01T00:00:00Z"}) == [
        (
            "$.items[0].start_date",
            "start_date does not match the request's filter start_date_to=2020-01-01T00:00:00Z",
        )
    ]


def test_every_item_is_checked_and_the_severity_is_warning() -> None:
    page = {
        "cursor": None,
        "page_size": 2,
        "items": [{**BASE, "grade": "A"}, {**BASE, "id": U2, "grade": "B"}],
    }
    report = validate_exchange("GET", "/api/lms/v1/completions?grade=A", 200, page)
    assert report.ok
    assert [(i.path, i.code, i.severity) for i in report.warnings] == [
        ("$.items[1].grade", "filter_mismatch", "warning")
    ]


def test_not_checked_when_the_body_is_invalid() -> None:
    page = {"cursor": None, "page_size": 1, "items": [{**BASE, "grade": 3}]}
    report = validate_exchange("GET", "/api/lms/v1/completions?grade=A", 200, page)
    assert [i.code for i in report.issues] == ["wrong_type"]
