"""The field analysis (``lms_schema._models.fields``) field by field, with exact values.

Written from the mutants mutation testing left alive (docs/fuzzing.md): the analysis of the
built-in classes runs once, at import, and is cached, so these tests run ``_analyse()``
afresh (against the cached result and against tables checked by hand) and define their own
classes inside the test functions (a class analysed once has its string annotations
resolved in place).
"""

from __future__ import annotations

import typing
from typing import Any
from uuid import UUID

import attrs
import pytest

from lms_schema import Completion, Course, Grade, Page, PartialUser, User
from lms_schema._models import fields
from lms_schema._models.errorbodies import (
    ERROR_BODIES,
    ErrorDetail,
    ErrorResponse,
    HTTPValidationError,
)
from lms_schema._models.fields import Kind, ModelFields, _analyse, fields_of
from lms_schema._models.models import BASE_KEYS, MODELS
from lms_schema._values.absent import ABSENT, Absent, JSONObject
from lms_schema.strategies import PARTIAL_MODELS

CLASSES: tuple[Any, ...] = (
    *MODELS,
    *PARTIAL_MODELS,
    *(Page[m] for m in MODELS),  # type: ignore[valid-type]
    *ERROR_BODIES,
)


def describe(analysed: ModelFields) -> list[str]:
    """One line per field: its repr, what a wrong type is told as, and its element."""
    lines = []
    for info in analysed.fields:
        element = info.element
        assert element is not None
        line = f"{info!r} | {info.expected} | {element.expected}"
        if info.many:
            line += f" | {element.annotation}"
        lines.append(line)
    return lines


@pytest.mark.parametrize("cls", CLASSES, ids=str)
def test_a_fresh_analysis_equals_the_cached_one(cls: Any) -> None:
    fresh = _analyse(cls)
    cached = fields_of(cls)
    assert fresh == cached
    assert repr(fresh) == repr(cached)
    assert describe(fresh) == describe(cached)
    assert [f.name for f in fresh.declared] == [f.name for f in cached.declared]
    assert fresh.names == frozenset(fresh.by_name) == frozenset(f.name for f in fresh.fields)
    assert dict(fresh.by_name) == {f.name: f for f in fresh.declared}
    for info in fresh.fields:
        element = info.element
        assert element is not None
        assert (element.many, element.nullable, element.required) == (False, False, True)
        assert (element.kind, element.target, element.enum) == (info.kind, info.target, info.enum)
        assert element.element is None and element.name == info.name


_BASE = [
    "FieldInfo('id', UUID, required) | a UUID string | a UUID string",
    "FieldInfo('remote_id', STRING, nullable, required) | a string or null | a string",
    "FieldInfo('modified_at', DATETIME, required) | a date-time string | a date-time string",
    "FieldInfo('custom_fields', JSON_OBJECT, nullable, required) | an object or null | an object",
    "FieldInfo('raw_data', JSON_OBJECT, nullable) | an object or null | an object",
]

EXPECTED: dict[Any, tuple[str, list[str]]] = {
    Completion: (
        "ModelFields('Completion', 13)",
        [
            *_BASE,
            "FieldInfo('user', RELATION, nullable, target=PartialUser) | a UUID string or an "
            "expanded user object or null | a UUID string or an expanded user object",
            "FieldInfo('course', RELATION, nullable, target=PartialCourse) | a UUID string or an "
            "expanded course object or null | a UUID string or an expanded course object",
            "FieldInfo('content', RELATION, nullable, target=PartialContent) | a UUID string or "
            "an expanded content object or null | a UUID string or an expanded content object",
            "FieldInfo('score', INT64, nullable) | an integer or null | an integer",
            "FieldInfo('grade', OPEN_ENUM, nullable, enum=Grade) | a string or null | a string",
            "FieldInfo('started_at', DATETIME, nullable) | a date-time string or null | a "
            "date-time string",
            "FieldInfo('completed_at', DATETIME, nullable) | a date-time string or null | a "
            "date-time string",
            "FieldInfo('time_duration', DURATION, nullable) | an ISO 8601 duration string or "
            "null | an ISO 8601 duration string",
        ],
    ),
    Course: (
        "ModelFields('Course', 16)",
        [
            *_BASE,
            "FieldInfo('name', STRING, nullable) | a string or null | a string",
            "FieldInfo('description', STRING, nullable) | a string or null | a string",
            "FieldInfo('cover_image', STRING, nullable) | a string or null | a string",
            "FieldInfo('url', STRING, nullable) | a string or null | a string",
            "FieldInfo('duration', DURATION, nullable) | an ISO 8601 duration string or null | "
            "an ISO 8601 duration string",
            "FieldInfo('languages', STRING, many, nullable) | an array or null | a string | "
            "<class 'str'>",
            "FieldInfo('categories', RELATION, many, nullable, target=PartialCategory) | an "
            "array or null | a UUID string or an expanded category object | uuid.UUID | "
            "lms_schema.PartialCategory",
            "FieldInfo('contents', RELATION, many, nullable, target=PartialContent) | an array "
            "or null | a UUID string or an expanded content object | uuid.UUID | "
            "lms_schema.PartialContent",
            "FieldInfo('skills', RELATION, many, nullable, target=PartialSkill) | an array or "
            "null | a UUID string or an expanded skill object | uuid.UUID | "
            "lms_schema.PartialSkill",
            "FieldInfo('instructors', RELATION, many, nullable) | an array or null | a UUID "
            "string or an object | uuid.UUID | dict[str, typing.Any]",
            "FieldInfo('status', OPEN_ENUM, nullable, enum=Status) | a string or null | a string",
        ],
    ),
    Page[User]: (
        "ModelFields('Page', 3)",
        [
            "FieldInfo('cursor', STRING, nullable, required) | a string or null | a string",
            "FieldInfo('page_size', INT64, required) | an integer | an integer",
            "FieldInfo('items', OBJECT, many, required, target=User) | an array | an expanded "
            "user object | <class 'lms_schema.User'>",
        ],
    ),
    ErrorDetail: (
        "ModelFields('ErrorDetail', 5)",
        [
            "FieldInfo('loc', STRING_OR_INT, many, required) | an array | a string or an "
            "integer | str | int",
            "FieldInfo('msg', STRING, required) | a string | a string",
            "FieldInfo('type', STRING, required) | a string | a string",
            "FieldInfo('input', JSON_VALUE) | any JSON value | any JSON value",
            "FieldInfo('ctx', JSON_OBJECT) | an object | an object",
        ],
    ),
    HTTPValidationError: (
        "ModelFields('HTTPValidationError', 1)",
        [
            "FieldInfo('detail', OBJECT, many, required, target=ErrorDetail) | an array | an "
            "object | <class 'lms_schema.ErrorDetail'>",
        ],
    ),
    ErrorResponse: (
        "ModelFields('ErrorResponse', 1)",
        ["FieldInfo('detail', STRING, required) | a string | a string"],
    ),
}


@pytest.mark.parametrize("cls", list(EXPECTED), ids=str)
def test_the_analysis_of_each_kind_of_class(cls: Any) -> None:
    """Checked by hand against the models and the OpenAPI document."""
    analysed = _analyse(cls)
    title, lines = EXPECTED[cls]
    assert repr(analysed) == title
    assert describe(analysed) == lines
    assert analysed.cls is cls


def test_a_user_subclass_with_string_annotations() -> None:
    """A class of this module (``from __future__ import annotations``): its annotations are
    strings, resolved where the class was written; its own fields come after the base's."""

    @attrs.define
    class Badge(User):
        level: int | Absent = ABSENT
        tags: list[str] | None = None
        owner: UUID | PartialUser | None = None
        extra: UUID | JSONObject = attrs.field(factory=dict)

    assert any(isinstance(a.type, str) for a in attrs.fields(Badge))
    analysed = _analyse(Badge)
    assert all(not isinstance(a.type, str) for a in attrs.fields(Badge))  # resolved in place
    assert Badge.__attrs_types_resolved__ is Badge  # type: ignore[attr-defined]
    names = [f.name for f in analysed.fields]
    assert names[:5] == ["id", "remote_id", "modified_at", "custom_fields", "raw_data"]
    assert names[-4:] == ["level", "tags", "owner", "extra"]
    assert describe(analysed)[-4:] == [
        "FieldInfo('level', INT64) | an integer | an integer",
        "FieldInfo('tags', STRING, many, nullable) | an array or null | a string | <class 'str'>",
        "FieldInfo('owner', RELATION, nullable, target=PartialUser) | a UUID string or an "
        "expanded user object or null | a UUID string or an expanded user object",
        "FieldInfo('extra', RELATION) | a UUID string or an object | a UUID string or an object",
    ]
    assert analysed.by_name["level"].annotation == int | Absent
    assert fields_of(Badge) == analysed
    assert fields_of(Badge) is fields_of(Badge)  # computed once, then cached
    assert fields_of(Badge).cls is Badge
    assert Badge in fields._CACHE


def test_wire_order_puts_the_base_keys_first() -> None:
    """A model whose own attributes come first (attrs orders them so when a subclass
    redefines one) is still written ``id, remote_id, ...`` first; ``declared`` keeps the
    order of ``attrs.fields()``."""

    @attrs.define
    class Late(User):
        id: UUID  # redefined: attrs moves it after the base's fields

    analysed = _analyse(Late)
    declared = [f.name for f in analysed.declared]
    assert declared == [a.name for a in attrs.fields(Late)]
    assert declared[-1] == "id"
    assert [f.name for f in analysed.fields][:5] == list(BASE_KEYS)


def test_classes_that_are_no_models() -> None:
    with pytest.raises(TypeError, match=r"^Page needs an item model: Page\[Completion\]$"):
        _analyse(Page)
    with pytest.raises(TypeError, match=r"^Page items must be a model class, not <class 'int'>$"):
        _analyse(Page[int])
    for thing in (int, UUID, "x", typing.Any):
        with pytest.raises(TypeError, match=r"is not an lms-schema model$"):
            _analyse(thing)
    with pytest.raises(TypeError, match=r"^\[\] is not an lms-schema model$"):
        fields_of([])  # unhashable: not even a cache key

    class Plain:
        pass

    with pytest.raises(TypeError, match=r"Plain'> is not an lms-schema model$"):
        _analyse(Plain)

    @attrs.define
    class NotAModel:
        x: int = 0

    with pytest.raises(TypeError, match=r"NotAModel'> is not an lms-schema model$"):
        _analyse(NotAModel)


@pytest.mark.parametrize(
    ("annotation", "shown"),
    [
        (float, "<class 'float'>"),
        (bytes | None, "bytes | None"),
        (UUID | int, "uuid.UUID | int"),
        (str | int | None | UUID, "str | int | None | uuid.UUID"),
        (list[float], "list[float]"),
        (list, "<class 'list'>"),
        (dict[str, int], "dict[str, int]"),
        (typing.Literal["a"], "typing.Literal['a']"),
        (UUID | str, "uuid.UUID | str"),
        (float | bytes, "float | bytes"),  # two members, no UUID, not str | int
        (typing.Annotated[list[int], {}], "typing.Annotated[list[int], {}]"),
    ],
)
def test_an_unsupported_field_names_the_class_and_the_field(annotation: Any, shown: str) -> None:
    cls = attrs.make_class("Odd", {"odd": attrs.field(type=annotation, default=None)}, (User,))
    with pytest.raises(TypeError) as info:
        _analyse(cls)
    assert str(info.value) == (
        f"Odd.odd: lms-schema does not support fields of type {shown} (supported: "
        f"{fields.SUPPORTED})"
    )


def test_an_annotation_that_does_not_resolve() -> None:
    unresolved: Any = "Nowhere"
    cls = attrs.make_class("Broken", {"b": attrs.field(type=unresolved, default=None)}, (User,))
    with pytest.raises(TypeError) as info:
        _analyse(cls)
    assert str(info.value) == (
        "Broken.b: cannot resolve the annotation 'Nowhere' (name 'Nowhere' is not defined); "
        "call attrs.resolve_types() on the class"
    )


def test_the_small_helpers() -> None:
    assert fields.union_args(int | None) == (int, type(None))
    assert fields.union_args(typing.Optional[int]) == (int, type(None))  # noqa: UP045
    assert fields.union_args(int) is None and fields.union_args(list[int]) is None
    assert fields.item_of(Page[User]) is User
    assert fields.item_of(Page) is None and fields.item_of(User) is None
    assert fields.is_page(Page) and fields.is_page(Page[User])
    assert not fields.is_page(User) and not fields.is_page(list[User])
    assert fields.model_name(PartialUser) == "user" and fields.model_name(Course) == "course"
    assert fields.is_model(User) and fields.is_model(PartialUser)
    assert not fields.is_model(ErrorDetail) and not fields.is_model("User")
    assert fields.is_wire_class(ErrorDetail) and fields.is_wire_class(User)
    assert not fields.is_wire_class(Page[User]) and not fields.is_wire_class(int)
    info = fields_of(Course).by_name["categories"]
    assert info.wire == "categories" and info.is_relation
    assert not fields_of(Course).by_name["name"].is_relation
    assert Kind("relation") is Kind.RELATION


def test_annotations_resolve_in_the_class_namespace_and_without_a_module() -> None:
    """A name defined in the class body resolves (the class namespace is the locals); a
    class whose module is gone resolves builtins."""

    @attrs.define
    class Local(User):
        Alias = str
        alias: Alias | None = None  # type: ignore[valid-type]

    assert _analyse(Local).by_name["alias"].kind is Kind.STRING
    orphan = attrs.make_class("Orphan", {"n": attrs.field(type=_text("int"), default=0)}, (User,))
    orphan.__module__ = "no_such_module_anywhere"
    assert _analyse(orphan).by_name["n"].kind is Kind.INT64


def _text(annotation: str) -> Any:
    return annotation


def test_reprs_of_analysed_fields() -> None:
    both = fields.FieldInfo(
        "x", Kind.OPEN_ENUM, True, True, True, User, Grade, str, "a string", None
    )
    assert (
        repr(both) == "FieldInfo('x', OPEN_ENUM, many, nullable, required, target=User, enum=Grade)"
    )
    assert repr(ModelFields("thing", (), (), {}, frozenset())) == "ModelFields('thing', 0)"
