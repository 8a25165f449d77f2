"""The seed payload, every model example of the reference, absent versus null, Page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import cattrs
import pytest

import lms_schema
import lms_schema._models.models
from lms_schema import (
    ABSENT,
    Category,
    Completion,
    Content,
    Course,
    Duration,
    Enrollment,
    Grade,
    Page,
    PartialCourse,
    PartialUser,
    Skill,
    Status,
    User,
    ValidationError,
)

EXAMPLES = Path(__file__).parent.parent / "examples"
U = "018b18ef-c487-703c-afd9-0ca478ccd9d6"

SEED: dict[str, Any] = {
    "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "remote_id": "123321",
    "modified_at": "<string>",
    "custom_fields": {
        "category_group": "REG",
        "disability_type": "ASBERG",
        "hire_date": "1991-03-16T00:00:00",
        "hire_source": "REFER",
        "nationality": "USA",
        "original_hire_date": "1991-03-16T00:00:00",
    },
    "raw_data": {"key_1": "Platform dependent data 1", "key_2": "Platform dependent data 2"},
    "user": U,
    "course": U,
    "content": U,
    "score": 95,
    "grade": "PASS",
    "started_at": "2025-08-01T10:00:00Z",
    "completed_at": "2025-08-01T11:15:00Z",
    "time_duration": "PT1H15M",
}


def compact(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def test_seed_placeholder_modified_at_is_rejected_at_its_path() -> None:
    with pytest.raises(ValidationError) as info:
        lms_schema.structure(SEED, Completion)
    assert [(i.path, i.code) for i in info.value.issues] == [("$.modified_at", "invalid_datetime")]
    assert str(info.value) == (
        "1 validation error\n  $.modified_at: '<string>' is not an RFC 3339 date-time "
        "(expected YYYY-MM-DDThh:mm:ss[.f]Z) [invalid_datetime]"
    )


def test_seed_with_real_date_loads_and_dumps_back_exactly() -> None:
    payload = {**SEED, "modified_at": "2021-10-16T00:00:00Z"}
    data = compact(payload)
    completion = lms_schema.loads(data, Completion)
    assert completion == Completion(
        id=UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a"),
        remote_id="123321",
        modified_at=datetime(2021, 10, 16, tzinfo=UTC),
        custom_fields=SEED["custom_fields"],
        raw_data=SEED["raw_data"],
        user=UUID(U),
        course=UUID(U),
        content=UUID(U),
        score=95,
        grade=Grade.PASS,
        started_at=datetime(2025, 8, 1, 10, tzinfo=UTC),
        completed_at=datetime(2025, 8, 1, 11, 15, tzinfo=UTC),
        time_duration=lms_schema.parse_duration("PT1H15M"),
    )
    assert completion.grade is Grade.PASS
    assert lms_schema.dumps(completion) == data
    assert lms_schema.unstructure(completion) == payload
    assert lms_schema.validate(payload, Completion).issues == ()


@pytest.mark.parametrize(
    "name", ["completion", "enrollment", "user", "course", "content", "category", "skill"]
)
def test_every_shipped_model_example_round_trips_byte_for_byte(name: str) -> None:
    data = (EXAMPLES / f"{name}.json").read_bytes()
    model = getattr(lms_schema, name.capitalize())
    assert lms_schema.dumps(lms_schema.loads(data, model)) == compact(json.loads(data))


def test_page_example_dumps_canonical_spellings() -> None:
    payload = json.loads((EXAMPLES / "completions-page.json").read_bytes())
    dumped = lms_schema.unstructure(lms_schema.structure(payload, Page[Completion]))
    second = payload["items"][1]
    assert second["modified_at"] == "2025-08-02T09:00:00.250+02:00"
    assert second["time_duration"] == "P2W"
    second["modified_at"] = "2025-08-02T09:00:00.25+02:00"
    second["time_duration"] = "P14D"
    assert dumped == payload


def test_reference_examples_of_every_model() -> None:
    user = lms_schema.loads((EXAMPLES / "user.json").read_bytes(), User)
    assert (user.first_name, user.middle_name, user.status) == ("Jane", "A.", Status.ACTIVE)
    course = lms_schema.loads((EXAMPLES / "course.json").read_bytes(), Course)
    assert course.duration == Duration(microseconds=(5 * 60 + 30) * 60 * 1_000_000)
    assert course.languages == ["en_US"]
    assert course.categories == [UUID(U)]
    assert course.instructors == [UUID(U)]
    content = lms_schema.loads((EXAMPLES / "content.json").read_bytes(), Content)
    assert (content.order, content.provider, str(content.duration)) == (1, "Coursera", "PT45M")
    assert content.courses == [UUID(U)]
    category = lms_schema.loads((EXAMPLES / "category.json").read_bytes(), Category)
    assert category.name == "Programming"
    skill = lms_schema.loads((EXAMPLES / "skill.json").read_bytes(), Skill)
    assert skill.status is Status.ACTIVE
    enrollment = lms_schema.loads((EXAMPLES / "enrollment.json").read_bytes(), Enrollment)
    assert enrollment.completion == UUID(U)
    assert enrollment.start_date == datetime(2025, 8, 1, 10, tzinfo=UTC)


BASE = {
    "id": U,
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}


@pytest.mark.parametrize("model", lms_schema._models.models.MODELS, ids=lambda m: m.__name__)
def test_minimal_payload_of_every_model_keeps_absent_absent(model: type) -> None:
    value: object = lms_schema.structure(BASE, model)
    for field in attrs.fields(model):
        if field.name not in BASE:
            assert getattr(value, field.name) is ABSENT, field.name
    assert lms_schema.unstructure(value) == BASE


@pytest.mark.parametrize("model", lms_schema._models.models.MODELS, ids=lambda m: m.__name__)
def test_null_stays_null_for_every_optional_field(model: type) -> None:
    optional = [f.name for f in attrs.fields(model) if f.name not in BASE]
    payload = {**BASE, **dict.fromkeys(optional)}
    value: object = lms_schema.structure(payload, model)
    assert all(getattr(value, name) is None for name in optional)
    assert lms_schema.unstructure(value) == payload


@pytest.mark.parametrize("key", ["id", "remote_id", "modified_at", "custom_fields"])
@pytest.mark.parametrize("model", lms_schema._models.models.MODELS, ids=lambda m: m.__name__)
def test_every_required_key_is_required(model: type, key: str) -> None:
    payload = {k: v for k, v in BASE.items() if k != key}
    with pytest.raises(ValidationError) as info:
        lms_schema.structure(payload, model)
    assert [(i.path, i.code, i.message) for i in info.value.issues] == [
        (f"$.{key}", "missing_key", f"required key {key!r} is missing")
    ]


@pytest.mark.parametrize("key", ["id", "modified_at"])
def test_non_nullable_base_keys_reject_null(key: str) -> None:
    with pytest.raises(ValidationError) as info:
        lms_schema.structure({**BASE, key: None}, User)
    assert [(i.path, i.code) for i in info.value.issues] == [(f"$.{key}", "wrong_type")]


def test_expanded_relation_may_be_partial_even_without_id() -> None:
    payload = {**BASE, "user": {"first_name": "Jane"}, "course": {**BASE, "name": "Py"}}
    completion = lms_schema.structure(payload, Completion)
    assert completion.user == PartialUser(first_name="Jane")
    assert isinstance(completion.course, PartialCourse)
    assert completion.course.name == "Py"
    assert lms_schema.unstructure(completion) == payload


def test_a_full_model_is_accepted_where_a_partial_one_is_expected() -> None:
    user = lms_schema.structure(BASE, User)
    completion = Completion(**_base_kwargs(), user=user)
    assert lms_schema.unstructure(completion)["user"] == BASE
    again = lms_schema.structure(lms_schema.unstructure(completion), Completion)
    assert again.user == PartialUser(
        id=user.id, remote_id=None, modified_at=user.modified_at, custom_fields=None
    )


def _base_kwargs() -> dict[str, Any]:
    return {
        "id": UUID(U),
        "remote_id": None,
        "modified_at": datetime(2021, 10, 16, tzinfo=UTC),
        "custom_fields": None,
    }


def test_page_envelope() -> None:
    payload = {"cursor": None, "page_size": 1, "items": [{**BASE, "grade": "Passed"}]}
    page = lms_schema.structure(payload, Page[Completion])
    assert page.cursor is None
    assert page.page_size == 1
    assert page.items[0].grade == Grade("Passed")
    assert not page.items[0].grade.is_known
    assert lms_schema.unstructure(page) == payload


def test_page_reports_every_bad_item_with_its_index() -> None:
    good = {**BASE}
    payload = {
        "cursor": 3,
        "page_size": "2",
        "items": [good, {**good, "score": 1.5}, good, {**good, "user": {"status": 1}}],
    }
    report = lms_schema.validate(payload, Page[Completion])
    assert [(i.path, i.code) for i in report.errors] == [
        ("$.cursor", "wrong_type"),
        ("$.page_size", "wrong_type"),
        ("$.items[1].score", "wrong_type"),
        ("$.items[3].user.status", "wrong_type"),
    ]


@pytest.mark.parametrize(
    ("items", "message"),
    [("nope", "expected an array, got string"), (None, "expected an array, got null")],
)
def test_page_items_must_be_an_array(items: object, message: str) -> None:
    report = lms_schema.validate({"cursor": None, "page_size": 0, "items": items}, Page[User])
    assert [(i.path, i.message) for i in report.errors] == [("$.items", message)]


def test_unknown_keys_are_ignored_by_default_and_forbidden_on_request() -> None:
    payload = {**BASE, "new_field": 1, "user": {"id": U, "extra": True}}
    completion = lms_schema.structure(payload, Completion)
    assert lms_schema.unstructure(completion) == {**BASE, "user": {"id": U}}
    with pytest.raises(ValidationError) as info:
        lms_schema.structure(payload, Completion, forbid_unknown_keys=True)
    assert sorted((i.path, i.code) for i in info.value.issues) == [
        ("$.new_field", "unknown_key"),
        ("$.user.extra", "unknown_key"),
    ]


def test_custom_fields_and_raw_data_are_kept_verbatim_without_copy() -> None:
    raw = {"nested": [1, 2.5, {"a": None, "b": True}], "ünï": "çødé"}
    completion = lms_schema.structure({**BASE, "raw_data": raw, "custom_fields": {}}, Completion)
    assert completion.raw_data is raw
    assert lms_schema.unstructure(completion)["raw_data"] is raw


def test_configure_converter_installs_onto_a_users_converter() -> None:
    conv = cattrs.Converter()
    lms_schema.configure_converter(conv)
    user = conv.structure({**BASE, "status": "ACTIVE", "x": 1}, User)
    assert user.status is Status.ACTIVE
    assert conv.unstructure(user) == {**BASE, "status": "ACTIVE"}
    strict = cattrs.Converter()
    lms_schema.configure_converter(strict, forbid_unknown_keys=True)
    # the models' hooks raise lms-schema's ValidationError, with the issues of structure()
    with pytest.raises(lms_schema.ValidationError) as info:
        strict.structure({**BASE, "x": 1}, User)
    assert [(i.path, i.code) for i in info.value.issues] == [("$.x", "unknown_key")]
    with pytest.raises(lms_schema.ValidationError) as info:
        conv.structure({**BASE, "order": "3"}, Content)
    assert info.value.issues == lms_schema.validate({**BASE, "order": "3"}, Content).errors


def test_models_are_frozen_and_slotted() -> None:
    user = lms_schema.structure(BASE, User)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        user.first_name = "x"  # type: ignore[misc]
    assert not hasattr(user, "__dict__")


def test_public_namespace() -> None:
    assert lms_schema.__all__ == sorted(lms_schema.__all__, key=lambda n: (not n.isupper(), n))
    for name in lms_schema.__all__:
        assert hasattr(lms_schema, name), name
    assert Completion.__module__ == "lms_schema"
    assert repr(lms_schema.ValidationError) == "<class 'lms_schema.ValidationError'>"
