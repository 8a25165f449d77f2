"""Typed query parameters of the fourteen LMS endpoints.

One frozen class per endpoint: ``CompletionQuery`` for ``GET /api/lms/v1/completions``,
``CompletionByIdQuery`` for ``GET /api/lms/v1/completions/{id}``, and so on for users,
courses, contents, categories, skills and enrollments. Parse them from a query string or a
mapping, render them back::

    >>> from lms_schema import CompletionQuery
    >>> q = CompletionQuery.parse("page_size=100&expand=user[first_name]&include_raw_data=true")
    >>> q.page_size, str(q.expand), q.include_raw_data
    (100, 'user[first_name]', True)
    >>> q.to_query_string()
    'include_raw_data=true&page_size=100&expand=user[first_name]'

The rules (the current Bindbee OpenAPI document, field by field):

* ``page_size``: an integer 1..200, default 50; ``cursor``, ``remote_id``,
  ``email_address``: any string.
* ``ids`` and the relation filters (``user``, ``course``, ``content``, ``courses``,
  ``categories``, ``skills``, ``instructors``, ``contents``): comma-separated UUIDs;
  ``languages``: comma-separated non-empty strings.
* ``grade`` / ``status``: a standard value or any connector value (:class:`~lms_schema.Grade`,
  :class:`~lms_schema.Status`).
* date-time range filters (``started_at_from`` ...): RFC 3339 date-times; no offset means UTC.
* ``include_raw_data``, ``include_custom_fields``: exactly ``true``, ``false``, ``1`` or ``0``;
  default false.
* ``expand`` (completions, enrollments, courses, contents only): the expand grammar, see
  :func:`~lms_schema.parse_expand`; absent or empty means nothing is expanded.

Every violation is a :class:`~lms_schema.ValidationError` issue whose path mirrors the 422
``loc`` of FastAPI: ``query.page_size``. A parameter given twice is an error
(``repeated_parameter``); unknown parameters are ignored, as the server ignores them, unless
``forbid_unknown_parameters=True`` (``unknown_parameter``). The constructors do not validate
(like the models'): ``parse`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Self, get_args, get_origin
from urllib.parse import parse_qsl, quote, urlencode
from uuid import UUID

import attrs

from .._models.fields import union_args
from .._models.models import Category, Completion, Content, Course, Enrollment, Skill, User
from .._values.datetimes import format_datetime, parse_datetime
from .._values.enums import Grade, OpenEnum, Status
from .._values.ids import parse_uuid
from .._values.issues import Issue, ValidationError
from .._values.leaf import FieldError, json_type_name
from .expand import Expand, parse_expand

__all__ = [
    "QUERIES",
    "CategoryByIdQuery",
    "CategoryQuery",
    "CompletionByIdQuery",
    "CompletionQuery",
    "ContentByIdQuery",
    "ContentQuery",
    "CourseByIdQuery",
    "CourseQuery",
    "EnrollmentByIdQuery",
    "EnrollmentQuery",
    "Query",
    "SkillByIdQuery",
    "SkillQuery",
    "UserByIdQuery",
    "UserQuery",
]

QueryInput = str | Mapping[str, str | Sequence[str]]

_NOTHING = Expand()


def _page_size() -> Any:
    return attrs.field(default=50, metadata={"minimum": 1, "maximum": 200})


@attrs.frozen(kw_only=True)
class Query:
    """Base class of the query models: the two ``include_*`` flags every endpoint has."""

    #: The model the endpoint returns (items of the page, for a list endpoint).
    model: ClassVar[type]
    #: True for the ``/{id}`` endpoints.
    by_id: ClassVar[bool] = False

    include_raw_data: bool = False
    include_custom_fields: bool = False

    @classmethod
    def parse(cls, query: QueryInput, *, forbid_unknown_parameters: bool = False) -> Self:
        """Parse a query string (``"a=1&b=2"``, a leading ``?`` is fine) or a mapping of names
        to a string or a sequence of strings (as ``urllib.parse.parse_qs`` gives).

        Raises :class:`~lms_schema.ValidationError` with every problem, at ``query.<name>``.
        """
        value, issues = cls.parse_issues(query, forbid_unknown_parameters=forbid_unknown_parameters)
        if value is None:
            raise ValidationError([i for i in issues if i.severity == "error"])
        return value

    @classmethod
    def parse_issues(
        cls, query: QueryInput, *, forbid_unknown_parameters: bool = False
    ) -> tuple[Self | None, list[Issue]]:
        """Parse without raising: ``(query, warnings)`` or ``(None, issues)`` when there is
        any error. Unknown parameters are warnings (``unknown_parameter``), or errors with
        ``forbid_unknown_parameters``."""
        codecs = _codecs(cls)
        pairs, issues = _pairs(query)
        seen: set[str] = set()
        values: dict[str, Any] = {}
        for name, raw in pairs:
            codec = codecs.get(name)
            if codec is None:
                issues.append(
                    Issue(
                        f"query.{name}",
                        "unknown_parameter",
                        f"{name!r} is not a parameter of this endpoint"
                        + ("" if forbid_unknown_parameters else " (ignored)"),
                        severity="error" if forbid_unknown_parameters else "warning",
                    )
                )
                continue
            if name in seen:
                issues.append(
                    Issue(
                        f"query.{name}",
                        "repeated_parameter",
                        f"{name!r} is given more than once",
                    )
                )
                continue
            seen.add(name)
            try:
                values[name] = codec.parse(raw)
            except FieldError as exc:
                issues.append(Issue(f"query.{name}", exc.code, exc.message))
            except ValidationError as exc:  # expand: its issues are already at query.expand
                issues.extend(exc.issues)
        failed = any(i.severity == "error" for i in issues)
        return (None if failed else cls(**values)), issues

    def to_params(self) -> dict[str, str]:
        """The parameters that differ from their defaults, as query-string text."""
        codecs = _codecs(type(self))
        out = {}
        for a in attrs.fields(type(self)):
            value = getattr(self, a.name)
            if value != a.default:
                out[a.name] = codecs[a.name].render(value)
        return out

    def to_query_string(self) -> str:
        """``to_params()`` as a query string; ``parse(q.to_query_string()) == q``."""
        return urlencode(self.to_params(), quote_via=quote, safe=",[]:")


# -- the fourteen endpoints -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _ListQuery(Query):
    page_size: int = _page_size()
    cursor: str | None = None
    ids: tuple[UUID, ...] | None = None
    remote_id: str | None = None


@attrs.frozen(kw_only=True)
class UserQuery(_ListQuery):
    """``GET /api/lms/v1/users``."""

    model = User
    email_address: str | None = None
    status: Status | None = None


@attrs.frozen(kw_only=True)
class UserByIdQuery(Query):
    """``GET /api/lms/v1/users/{id}``."""

    model = User
    by_id = True


@attrs.frozen(kw_only=True)
class CourseQuery(_ListQuery):
    """``GET /api/lms/v1/courses``."""

    model = Course
    status: Status | None = None
    categories: tuple[UUID, ...] | None = None
    skills: tuple[UUID, ...] | None = None
    instructors: tuple[UUID, ...] | None = None
    contents: tuple[UUID, ...] | None = None
    languages: tuple[str, ...] | None = None
    expand: Expand = _NOTHING


@attrs.frozen(kw_only=True)
class CourseByIdQuery(Query):
    """``GET /api/lms/v1/courses/{id}``."""

    model = Course
    by_id = True
    expand: Expand = _NOTHING


@attrs.frozen(kw_only=True)
class ContentQuery(_ListQuery):
    """``GET /api/lms/v1/contents``."""

    model = Content
    courses: tuple[UUID, ...] | None = None
    skills: tuple[UUID, ...] | None = None
    categories: tuple[UUID, ...] | None = None
    languages: tuple[str, ...] | None = None
    status: Status | None = None
    expand: Expand = _NOTHING


@attrs.frozen(kw_only=True)
class ContentByIdQuery(Query):
    """``GET /api/lms/v1/contents/{id}``."""

    model = Content
    by_id = True
    expand: Expand = _NOTHING


@attrs.frozen(kw_only=True)
class CategoryQuery(_ListQuery):
    """``GET /api/lms/v1/categories``."""

    model = Category
    status: Status | None = None


@attrs.frozen(kw_only=True)
class CategoryByIdQuery(Query):
    """``GET /api/lms/v1/categories/{id}``."""

    model = Category
    by_id = True


@attrs.frozen(kw_only=True)
class SkillQuery(_ListQuery):
    """``GET /api/lms/v1/skills``."""

    model = Skill
    status: Status | None = None


@attrs.frozen(kw_only=True)
class SkillByIdQuery(Query):
    """``GET /api/lms/v1/skills/{id}``."""

    model = Skill
    by_id = True


@attrs.frozen(kw_only=True)
class EnrollmentQuery(_ListQuery):
    """``GET /api/lms/v1/enrollments`` (``end_date_*`` filter on a field the model lacks,
    as the API document has it)."""

    model = Enrollment
    user: tuple[UUID, ...] | None = None
    course: tuple[UUID, ...] | None = None
    start_date_from: datetime | None = None
    start_date_to: datetime | None = None
    end_date_from: datetime | None = None
    end_date_to: datetime | None = None
    expand: Expand = _NOTHING


@attrs.frozen(kw_only=True)
class EnrollmentByIdQuery(Query):
    """``GET /api/lms/v1/enrollments/{id}``."""

    model = Enrollment
    by_id = True
    expand: Expand = _NOTHING


@attrs.frozen(kw_only=True)
class CompletionQuery(_ListQuery):
    """``GET /api/lms/v1/completions``."""

    model = Completion
    user: tuple[UUID, ...] | None = None
    course: tuple[UUID, ...] | None = None
    content: tuple[UUID, ...] | None = None
    grade: Grade | None = None
    started_at_from: datetime | None = None
    started_at_to: datetime | None = None
    completed_at_from: datetime | None = None
    completed_at_to: datetime | None = None
    expand: Expand = _NOTHING


@attrs.frozen(kw_only=True)
class CompletionByIdQuery(Query):
    """``GET /api/lms/v1/completions/{id}``."""

    model = Completion
    by_id = True
    expand: Expand = _NOTHING


#: (list query, by-id query) of each model, in the order of the API reference.
QUERIES: dict[type, tuple[type[Query], type[Query]]] = {
    User: (UserQuery, UserByIdQuery),
    Course: (CourseQuery, CourseByIdQuery),
    Content: (ContentQuery, ContentByIdQuery),
    Category: (CategoryQuery, CategoryByIdQuery),
    Skill: (SkillQuery, SkillByIdQuery),
    Enrollment: (EnrollmentQuery, EnrollmentByIdQuery),
    Completion: (CompletionQuery, CompletionByIdQuery),
}

for _list, _by_id in QUERIES.values():
    attrs.resolve_types(_list)
    attrs.resolve_types(_by_id)
del _list, _by_id


# -- reading the query string ---------------------------------------------------------------


def _pairs(query: QueryInput) -> tuple[list[tuple[str, str]], list[Issue]]:
    """(name, text) pairs in order, and wrong-type issues of a mapping's values."""
    if isinstance(query, str):
        return parse_qsl(query.removeprefix("?"), keep_blank_values=True), []
    if not isinstance(query, Mapping):
        issue = Issue(
            "query",
            "wrong_type",
            f"expected a query string or a mapping, got {json_type_name(query)}",
        )
        return [], [issue]
    pairs: list[tuple[str, str]] = []
    issues: list[Issue] = []
    for name, value in query.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, Sequence):
            values = [values]
        for item in values:
            if type(item) is str:
                pairs.append((str(name), item))
            else:
                issues.append(
                    Issue(
                        f"query.{name}",
                        "wrong_type",
                        f"expected query-string text, got {json_type_name(item)}",
                    )
                )
    return pairs, issues


# -- one codec per parameter type, chosen once per class ---------------------------------------


@attrs.frozen
class _Codec:
    parse: Callable[[str], Any]
    render: Callable[[Any], str]


_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")


def _parse_bool(text: str) -> bool:
    value = _BOOLEANS.get(text)
    if value is None:
        raise FieldError("invalid_boolean", f"expected true, false, 1 or 0, got {_show(text)}")
    return value


def _int_codec(minimum: int, maximum: int) -> _Codec:
    def parse(text: str) -> int:
        if _INTEGER.fullmatch(text) is None:
            raise FieldError("invalid_integer", f"expected an integer, got {_show(text)}")
        value = int(text)
        if not minimum <= value <= maximum:
            raise FieldError(
                "out_of_range", f"expected an integer from {minimum} to {maximum}, got {value}"
            )
        return value

    return _Codec(parse, str)


def _items(text: str, what: str) -> list[str]:
    items = text.split(",")
    for number, item in enumerate(items, start=1):
        if not item:
            raise FieldError(
                "invalid_list", f"expected comma-separated {what}; item {number} is empty"
            )
    return items


def _parse_uuids(text: str) -> tuple[UUID, ...]:
    out = []
    items = _items(text, "UUIDs")
    for number, item in enumerate(items, start=1):
        try:
            out.append(parse_uuid(item))
        except FieldError as exc:
            prefix = f"item {number}: " if len(items) > 1 else ""
            raise FieldError(exc.code, prefix + exc.message) from None
    return tuple(out)


def _parse_datetime(text: str) -> datetime:
    try:
        return parse_datetime(text)
    except FieldError as exc:
        if " " in text:
            raise FieldError(
                exc.code, exc.message + " (a '+' in a query string must be sent as %2B)"
            ) from None
        raise


def _enum_codec(tp: type[OpenEnum]) -> _Codec:
    return _Codec(tp, str)


def _expand_codec(model: type) -> _Codec:
    return _Codec(lambda text: parse_expand(text, model), str)


_TEXT = _Codec(str, str)
_BOOL = _Codec(_parse_bool, lambda value: "true" if value else "false")
_UUIDS = _Codec(_parse_uuids, lambda ids: ",".join(map(str, ids)))
_STRINGS = _Codec(lambda text: tuple(_items(text, "values")), ",".join)
_DATETIME = _Codec(_parse_datetime, format_datetime)


def _codec(cls: type[Query], a: attrs.Attribute[Any]) -> _Codec:
    tp = a.type
    members = tuple(m for m in (union_args(tp) or (tp,)) if m is not type(None))
    (tp,) = members
    if tp is bool:
        return _BOOL
    if tp is int:
        return _int_codec(a.metadata["minimum"], a.metadata["maximum"])
    if tp is str:
        return _TEXT
    if tp is datetime:
        return _DATETIME
    if tp is Expand:
        return _expand_codec(cls.model)
    if isinstance(tp, type) and issubclass(tp, OpenEnum):
        return _enum_codec(tp)
    if get_origin(tp) is tuple:
        return _UUIDS if get_args(tp)[0] is UUID else _STRINGS
    raise TypeError(f"no query codec for {tp!r}")  # pragma: no cover


_CODECS: dict[type[Query], dict[str, _Codec]] = {}


def _codecs(cls: type[Query]) -> dict[str, _Codec]:
    """Parameter name -> codec of a query class, built on first use."""
    table = _CODECS.get(cls)
    if table is None:
        table = _CODECS[cls] = {a.name: _codec(cls, a) for a in attrs.fields(cls)}
    return table


def _show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
