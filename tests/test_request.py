"""validate() with the request's expand / include_* applied, and the Page checks."""

from __future__ import annotations

from typing import Any

import pytest

from lms_schema import (
    Completion,
    Course,
    Enrollment,
    Expand,
    Expansion,
    Page,
    User,
    ValidationError,
    validate,
)

U1 = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
U2 = "018b18ef-c487-703c-afd9-0ca478ccd9d7"
BASE = {"id": U1, "remote_id": None, "modified_at": "2021-10-16T00:00:00Z", "custom_fields": None}


def completion(**fields: Any) -> dict[str, Any]:
    return {**BASE, **fields}


def found(payload: Any, cls: Any, **request: Any) -> list[tuple[str, str, str, str]]:
    report = validate(payload, cls, **request)
    return [(i.severity, i.path, i.code, i.message) for i in report.issues]


def test_expanded_relation_may_be_an_object_or_null() -> None:
    payload = completion(user={"id": U1, "first_name": "Jane"}, course=None, content=U2)
    assert found(payload, Completion, expand="user,course") == []


def test_a_requested_expansion_left_as_a_uuid() -> None:
    assert found(completion(user=U2), Completion, expand="user") == [
        (
            "error",
            "$.user",
            "not_expanded",
            "expected an expanded object or null: the request expanded 'user' (expand=user), "
            "got a UUID string",
        )
    ]


def test_an_expansion_that_was_not_requested() -> None:
    payload = completion(user=U2, course={"id": U1})
    assert found(payload, Completion, expand="user[id]") == [
        (
            "error",
            "$.user",
            "not_expanded",
            "expected an expanded object or null: the request expanded 'user' "
            "(expand=user[id]), got a UUID string",
        ),
        (
            "error",
            "$.course",
            "unexpected_expansion",
            "expected a UUID string or null: the request did not expand 'course', "
            "got an expanded object",
        ),
    ]


def test_no_expand_means_every_relation_is_an_id() -> None:
    payload = completion(user={"id": U1}, course=U1, content=None)
    assert [(p, c) for _, p, c, _ in found(payload, Completion, expand="")] == [
        ("$.user", "unexpected_expansion")
    ]
    assert [(p, c) for _, p, c, _ in found(payload, Completion, expand=Expand())] == [
        ("$.user", "unexpected_expansion")
    ]


def test_none_means_unknown_and_nothing_is_checked() -> None:
    payload = completion(user={"id": U1}, course=U1, raw_data={"a": 1})
    assert found(payload, Completion) == []


def test_list_relations_element_by_element() -> None:
    course = {
        **BASE,
        "categories": [U1, {"id": U2, "name": "Data"}],
        "skills": [U1],
        "contents": None,
        "instructors": [{"name": "Ada"}, U2],
    }
    assert [(s, p, c) for s, p, c, _ in found(course, Course, expand="instructors")] == [
        ("error", "$.categories[1]", "unexpected_expansion"),
        ("error", "$.instructors[1]", "not_expanded"),
    ]


def test_selection_fields_must_be_there_and_nothing_else_but_id() -> None:
    payload = completion(user={"id": U1, "first_name": "Jane", "email_address": "j@x.io"})
    assert found(payload, Completion, expand="user[first_name,last_name]") == [
        (
            "error",
            "$.user.last_name",
            "missing_selected_field",
            "selected field 'last_name' is missing (expand=user[first_name,last_name])",
        ),
        (
            "warning",
            "$.user.email_address",
            "unselected_field",
            "field 'email_address' was not selected (expand=user[first_name,last_name])",
        ),
    ]


def test_a_selected_field_may_be_null() -> None:
    payload = completion(user={"first_name": None})
    assert found(payload, Completion, expand="user[first_name]") == []


def test_selection_on_list_relations_and_instructors() -> None:
    course = {**BASE, "categories": [{"name": "A"}, {"id": U1}], "instructors": [{"x": 1}]}
    result = found(course, Course, expand="categories[name],instructors[name]")
    assert [(s, p, c) for s, p, c, _ in result] == [
        ("error", "$.categories[1].name", "missing_selected_field"),
        ("error", "$.instructors[0].name", "missing_selected_field"),
        ("warning", "$.instructors[0].x", "unselected_field"),
    ]


def test_relations_inside_expanded_objects_are_not_checked() -> None:
    enrollment = {**BASE, "completion": {"id": U1, "user": {"id": U2}, "course": U2}}
    assert found(enrollment, Enrollment, expand="completion") == []


@pytest.mark.parametrize(
    ("raw_data", "requested", "expected"),
    [
        ("absent", False, []),
        (None, False, []),
        (
            {"k": 1},
            False,
            [
                (
                    "warning",
                    "$.raw_data",
                    "unrequested_data",
                    "raw_data is present but the request did not ask for it "
                    "(include_raw_data=false): expected it absent or null",
                )
            ],
        ),
        ({"k": 1}, True, []),
        (None, True, []),
        (
            "absent",
            True,
            [
                (
                    "warning",
                    "$.raw_data",
                    "missing_requested_data",
                    "raw_data is absent but the request asked for it (include_raw_data=true)",
                )
            ],
        ),
    ],
)
def test_include_raw_data(raw_data: Any, requested: bool, expected: list[Any]) -> None:
    payload = completion() if raw_data == "absent" else completion(raw_data=raw_data)
    assert found(payload, Completion, include_raw_data=requested) == expected


def test_include_custom_fields() -> None:
    filled = completion(custom_fields={"hire_source": "REFER"})
    assert found(completion(), Completion, include_custom_fields=False) == []
    assert found(filled, Completion, include_custom_fields=True) == []
    assert found(completion(), Completion, include_custom_fields=True) == []
    assert found(filled, Completion, include_custom_fields=False) == [
        (
            "warning",
            "$.custom_fields",
            "unrequested_data",
            "custom_fields is present but the request did not ask for it "
            "(include_custom_fields=false): expected it absent or null",
        )
    ]
    # an absent custom_fields is already an error; no second warning about it
    payload = dict(BASE)
    del payload["custom_fields"]
    assert [(s, c) for s, _, c, _ in found(payload, User, include_custom_fields=True)] == [
        ("error", "missing_key")
    ]


def test_pages_are_checked_item_by_item() -> None:
    page = {
        "cursor": None,
        "page_size": 2,
        "items": [
            completion(user=U1, raw_data={"a": 1}),
            completion(id=U2, user={"id": U1}),
        ],
    }
    result = found(page, Page[Completion], expand="user", include_raw_data=False)
    assert [(s, p, c) for s, p, c, _ in result] == [
        ("error", "$.items[0].user", "not_expanded"),
        ("warning", "$.items[0].raw_data", "unrequested_data"),
    ]


def test_request_checks_run_beside_structure_errors() -> None:
    payload = completion(user={"id": "nope"}, course={"id": U1}, score="95")
    result = found(payload, Completion, expand="user")
    assert [(s, p, c) for s, p, c, _ in result] == [
        ("error", "$.user.id", "invalid_uuid"),
        ("error", "$.score", "wrong_type"),
        ("error", "$.course", "unexpected_expansion"),
    ]


def test_a_bad_expand_argument_raises() -> None:
    with pytest.raises(ValidationError) as info:
        validate(completion(), Completion, expand="grade")
    assert [i.code for i in info.value.issues] == ["unknown_relation"]


def test_an_expand_value_is_used_as_given() -> None:
    expand = Expand((Expansion("user", ("first_name",)),))
    assert found(completion(user={"first_name": "J"}), Completion, expand=expand) == []


def test_page_size_mismatch_and_duplicate_ids() -> None:
    page = {
        "cursor": "abc",
        "page_size": 50,
        "items": [completion(), completion(id=U2), completion(id=U1.upper())],
    }
    assert found(page, Page[Completion]) == [
        (
            "warning",
            "$.page_size",
            "page_size_mismatch",
            "page_size is 50 but the page has 3 items",
        ),
        (
            "warning",
            "$.items[2].id",
            "duplicate_id",
            f"id {U1.upper()} is also the id of $.items[0]",
        ),
    ]


def test_a_consistent_page_has_no_page_warnings() -> None:
    page = {"cursor": None, "page_size": 1, "items": [completion()]}
    assert found(page, Page[Completion]) == []
    assert found({"cursor": None, "page_size": 0, "items": []}, Page[User]) == []


def test_page_warnings_skip_what_structure_already_rejects() -> None:
    page = {"cursor": None, "page_size": "1", "items": [completion(), 3]}
    assert [(s, p, c) for s, p, c, _ in found(page, Page[Completion])] == [
        ("error", "$.page_size", "wrong_type"),
        ("error", "$.items[1]", "wrong_type"),
    ]
