"""The seven Bindbee LMS models, their partial (expanded) forms and the list envelope.

Each model comes in two classes. ``PartialX`` has every field optional, because an expanded
relation with a bracket selection (``expand=user[first_name]``) can leave out any field,
``id`` included. ``X`` is a ``PartialX`` whose base keys (``id``, ``remote_id``,
``modified_at``, ``custom_fields``) are required, which is what the endpoints return. Every
other field defaults to :data:`~lms_schema.ABSENT`: a key that was absent stays absent and a
key that was null stays ``None`` through a round trip.

Relations are typed as what they can be on the wire::

    completion.user: UUID | PartialUser | None | Absent
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

import attrs

from .._values.absent import ABSENT, Absent, JSONObject
from .._values.durations import Duration
from .._values.enums import Grade, Status

__all__ = [
    "BASE_KEYS",
    "MODELS",
    "REQUIRED_KEYS",
    "Category",
    "Completion",
    "Content",
    "Course",
    "Enrollment",
    "Page",
    "PartialCategory",
    "PartialCompletion",
    "PartialContent",
    "PartialCourse",
    "PartialEnrollment",
    "PartialSkill",
    "PartialUser",
    "Skill",
    "User",
]


#: Keys every model has, in wire order.
BASE_KEYS = ("id", "remote_id", "modified_at", "custom_fields", "raw_data")
#: Keys that must be present (their value may be null for remote_id and custom_fields).
REQUIRED_KEYS = ("id", "remote_id", "modified_at", "custom_fields")


_NEW_MODEL_CALLBACKS: list[Callable[[type], None]] = []


def on_new_model(callback: Callable[[type], None]) -> None:
    """Call ``callback(cls)`` for every model class defined from now on (users' subclasses),
    once per class, when attrs has finished building it (never for the class attrs replaces
    by its slotted copy, which must not be kept alive: it would stay in ``__subclasses__()``,
    where cattrs' ``include_subclasses`` looks)."""
    _NEW_MODEL_CALLBACKS.append(callback)


def _wire_order_fields(
    cls: type, fields: list[attrs.Attribute[object]]
) -> list[attrs.Attribute[object]]:
    """attrs field transformer: the base keys first, in wire order, then the model's own fields.

    attrs puts a field a subclass redefines after the inherited ones, so the full models
    (which redefine the four required base keys) would list ``id`` last; every model passes
    through here instead, and ``attrs.fields``, ``attrs.asdict``, ``repr`` and the order of
    issues follow the wire order of the API reference.
    """
    rank = {name: index for index, name in enumerate(BASE_KEYS)}
    return sorted(fields, key=lambda a: rank.get(a.name, len(rank)))


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class _PartialBase:
    id: UUID | Absent = ABSENT
    remote_id: str | Absent | None = ABSENT
    modified_at: datetime | Absent = ABSENT
    custom_fields: JSONObject | Absent | None = ABSENT
    raw_data: JSONObject | Absent | None = ABSENT

    @classmethod
    def __attrs_init_subclass__(cls) -> None:
        # attrs calls this once, on the finished (slotted) class.
        for callback in _NEW_MODEL_CALLBACKS:
            callback(cls)

    def __repr__(self) -> str:
        """Fields in wire order; absent ones are left out."""
        shown = ", ".join(
            f"{name}={value!r}"
            for name in wire_order(type(self))
            if (value := getattr(self, name)) is not ABSENT
        )
        return f"{type(self).__name__}({shown})"


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class PartialUser(_PartialBase):
    """A user as an expanded relation: any subset of the fields of :class:`User`."""

    first_name: str | Absent | None = ABSENT
    last_name: str | Absent | None = ABSENT
    middle_name: str | Absent | None = ABSENT
    email_address: str | Absent | None = ABSENT
    phone_number: str | Absent | None = ABSENT
    status: Status | Absent | None = ABSENT


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class PartialCategory(_PartialBase):
    """A category as an expanded relation."""

    name: str | Absent | None = ABSENT
    description: str | Absent | None = ABSENT
    status: Status | Absent | None = ABSENT


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class PartialSkill(_PartialBase):
    """A skill as an expanded relation."""

    name: str | Absent | None = ABSENT
    status: Status | Absent | None = ABSENT


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class PartialCourse(_PartialBase):
    """A course as an expanded relation."""

    name: str | Absent | None = ABSENT
    description: str | Absent | None = ABSENT
    cover_image: str | Absent | None = ABSENT
    url: str | Absent | None = ABSENT
    duration: Duration | Absent | None = ABSENT
    languages: list[str] | Absent | None = ABSENT
    categories: list[UUID | PartialCategory] | Absent | None = ABSENT
    contents: list[UUID | PartialContent] | Absent | None = ABSENT
    skills: list[UUID | PartialSkill] | Absent | None = ABSENT
    #: There is no Instructor model: an expanded instructor is kept as a JSON object.
    instructors: list[UUID | JSONObject] | Absent | None = ABSENT
    status: Status | Absent | None = ABSENT


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class PartialContent(_PartialBase):
    """A content item as an expanded relation."""

    title: str | Absent | None = ABSENT
    description: str | Absent | None = ABSENT
    languages: list[str] | Absent | None = ABSENT
    cover_image: str | Absent | None = ABSENT
    url: str | Absent | None = ABSENT
    duration: Duration | Absent | None = ABSENT
    categories: list[UUID | PartialCategory] | Absent | None = ABSENT
    skills: list[UUID | PartialSkill] | Absent | None = ABSENT
    courses: list[UUID | PartialCourse] | Absent | None = ABSENT
    order: int | Absent | None = ABSENT
    provider: str | Absent | None = ABSENT
    status: Status | Absent | None = ABSENT


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class PartialCompletion(_PartialBase):
    """A completion as an expanded relation (``enrollment.completion``)."""

    user: UUID | PartialUser | Absent | None = ABSENT
    course: UUID | PartialCourse | Absent | None = ABSENT
    content: UUID | PartialContent | Absent | None = ABSENT
    score: int | Absent | None = ABSENT
    grade: Grade | Absent | None = ABSENT
    started_at: datetime | Absent | None = ABSENT
    completed_at: datetime | Absent | None = ABSENT
    time_duration: Duration | Absent | None = ABSENT


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class PartialEnrollment(_PartialBase):
    """An enrollment with any subset of its fields."""

    user: UUID | PartialUser | Absent | None = ABSENT
    course: UUID | PartialCourse | Absent | None = ABSENT
    start_date: datetime | Absent | None = ABSENT
    completion: UUID | PartialCompletion | Absent | None = ABSENT


# The full models narrow the four required base keys; everything else is inherited, so a full
# model is also a valid partial one (an expanded relation without a bracket selection).


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class User(PartialUser):
    """A learner (``/api/lms/v1/users``)."""

    id: UUID
    remote_id: str | None
    modified_at: datetime
    custom_fields: JSONObject | None


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class Category(PartialCategory):
    """A category (``/api/lms/v1/categories``)."""

    id: UUID
    remote_id: str | None
    modified_at: datetime
    custom_fields: JSONObject | None


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class Skill(PartialSkill):
    """A skill (``/api/lms/v1/skills``)."""

    id: UUID
    remote_id: str | None
    modified_at: datetime
    custom_fields: JSONObject | None


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class Course(PartialCourse):
    """A course (``/api/lms/v1/courses``)."""

    id: UUID
    remote_id: str | None
    modified_at: datetime
    custom_fields: JSONObject | None


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class Content(PartialContent):
    """A content item (``/api/lms/v1/contents``)."""

    id: UUID
    remote_id: str | None
    modified_at: datetime
    custom_fields: JSONObject | None


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class Completion(PartialCompletion):
    """A user finished a course or content item (``/api/lms/v1/completions``).

    >>> import lms_schema
    >>> c = lms_schema.structure(
    ...     {"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "remote_id": None,
    ...      "modified_at": "2021-10-16T00:00:00Z", "custom_fields": None, "grade": "Passed"},
    ...     lms_schema.Completion)
    >>> c.grade, c.grade.is_known, c.score
    (Grade('Passed'), False, ABSENT)
    """

    id: UUID
    remote_id: str | None
    modified_at: datetime
    custom_fields: JSONObject | None


@attrs.frozen(kw_only=True, repr=False, field_transformer=_wire_order_fields)
class Enrollment(PartialEnrollment):
    """A user assigned to a course (``/api/lms/v1/enrollments``)."""

    id: UUID
    remote_id: str | None
    modified_at: datetime
    custom_fields: JSONObject | None


T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    """The list envelope: ``{"cursor": ..., "page_size": ..., "items": [...]}``.

    ``cursor`` is null on the last page; ``page_size`` is what the server says it returned.
    A page is a sequence of its items: ``len(page)`` is ``len(page.items)`` (not
    ``page_size``, which the server may get wrong: ``validate()`` warns then), and
    ``for item in page`` walks ``page.items``. An empty page is falsy, like an empty list::

        page = lms_schema.loads(data, lms_schema.Page[lms_schema.Completion])
        for completion in page:
            ...
    """

    cursor: str | None
    page_size: int
    items: list[T]

    def __len__(self) -> int:
        """The number of items."""
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        """The items, in order."""
        return iter(self.items)


#: The seven full models, in the order of the API reference.
MODELS: tuple[type, ...] = (User, Course, Content, Category, Skill, Enrollment, Completion)

for _cls in (
    _PartialBase,
    PartialUser,
    PartialCategory,
    PartialSkill,
    PartialCourse,
    PartialContent,
    PartialCompletion,
    PartialEnrollment,
    *MODELS,
    Page,
):
    # Resolve the string annotations now, while this module's namespace is the right one.
    attrs.resolve_types(_cls)
del _cls


_WIRE_ORDER: dict[type, tuple[str, ...]] = {}


def wire_order(cls: type) -> tuple[str, ...]:
    """A model's keys in wire order: the base keys first, then the model's own."""
    order = _WIRE_ORDER.get(cls)
    if order is None:
        names = [a.name for a in attrs.fields(cls)]
        order = (*(n for n in BASE_KEYS if n in names), *(n for n in names if n not in BASE_KEYS))
        _WIRE_ORDER[cls] = order
    return order


def field_types(cls: type) -> dict[str, object]:
    """Field name -> resolved type of a model class."""
    return {a.name: a.type for a in attrs.fields(cls)}
