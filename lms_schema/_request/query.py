"""Typed query parameters of the fourteen LMS endpoints, read as Bindbee's server reads them.

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

Bindbee's API is a FastAPI application (pydantic v2, lax mode), and parsing describes what
it does with a query string (``docs/requests.md`` has the whole table):

* The query string is split as Starlette splits it (``+`` is a space, percent-escapes
  decoded); a repeated name takes its **last** value (``repeated_parameter``, a warning
  naming the ignored values); names the endpoint does not have are ignored
  (``unknown_parameter``, a warning; an error with ``forbid_unknown_parameters=True``).
* **Errors** are what the server rejects with 422, and their codes are the ``type`` of its
  422 error: ``page_size`` (an integer 1..200, default 50: ``int_parsing``,
  ``int_parsing_size``, ``greater_than_equal``, ``less_than_equal``) and ``include_raw_data``
  / ``include_custom_fields`` (default false: ``bool_parsing``), read with pydantic's lax
  rules (:mod:`lms_schema._request.lax`).
* **Warnings** are what the server accepts: a typed value in a spelling other than the
  canonical one (``page_size=050``, ``include_raw_data=yes``: ``noncanonical_parameter``,
  showing the canonical spelling), and what lms-schema knows about the parameters the API
  document declares as plain strings: ``ids`` and the relation filters (``user``,
  ``course``, ``content``, ``courses``, ``categories``, ``skills``, ``instructors``,
  ``contents``: comma-separated UUIDs, ``invalid_list``, ``invalid_uuid``), ``languages``
  (comma-separated, ``invalid_list``), the date-time range filters (RFC 3339, no offset means
  UTC; common ISO 8601 shapes are ``noncanonical_parameter``, the rest ``invalid_datetime``)
  and ``expand`` (the grammar of :func:`~lms_schema.parse_expand`; its codes). A filter that
  cannot be read is None in the parsed query. ``grade`` / ``status`` take any value
  (:class:`~lms_schema.Grade`, :class:`~lms_schema.Status`); ``cursor``, ``remote_id``,
  ``email_address`` any string.
* ``strict=True`` is a lint mode for requests you write yourself: every warning but
  ``unknown_parameter`` becomes an error.

Every issue's path mirrors the 422 ``loc`` of FastAPI: ``query.page_size``. The constructors
do not validate (like the models'): ``parse`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar, Literal, Self, get_args, get_origin
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
from .expand import Expand, read_expand
from .lax import lax_bool, lax_int, lax_uuid

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
    def parse(
        cls,
        query: QueryInput,
        *,
        forbid_unknown_parameters: bool = False,
        strict: bool = False,
    ) -> Self:
        """Parse a query string (``"a=1&b=2"``, a leading ``?`` is fine) or a mapping of names
        to a string or a sequence of strings (as ``urllib.parse.parse_qs`` gives).

        Raises :class:`~lms_schema.ValidationError` with every error, at ``query.<name>``:
        what the server rejects, or with ``strict=True`` also what it accepts but is not
        canonical. Warnings are dropped: use :meth:`parse_issues` to see them.
        """
        value, issues = cls.parse_issues(
            query, forbid_unknown_parameters=forbid_unknown_parameters, strict=strict
        )
        if value is None:
            raise ValidationError([i for i in issues if i.severity == "error"])
        return value

    @classmethod
    def parse_issues(
        cls,
        query: QueryInput,
        *,
        forbid_unknown_parameters: bool = False,
        strict: bool = False,
    ) -> tuple[Self | None, list[Issue]]:
        """Parse without raising: ``(query, warnings)`` or ``(None, issues)`` when there is
        any error. See the module documentation for which findings are errors."""
        codecs = _codecs(cls)
        pairs, issues = _pairs(query)
        texts: dict[str, list[str]] = {}
        for name, raw in pairs:
            texts.setdefault(name, []).append(raw)
        values: dict[str, Any] = {}
        for name, given in texts.items():
            codec = codecs.get(name)
            if codec is None:
                issues.append(_unknown(name, given, forbid_unknown_parameters))
                continue
            raw = given[-1]  # Starlette: the last value wins
            if len(given) > 1:
                issues.append(_repeated(name, given, strict))
            try:
                values[name], notes = codec.parse(raw)
            except FieldError as exc:
                issues.append(Issue(f"query.{name}", exc.code, exc.message))
                continue
            severity: Severity = "error" if strict else "warning"
            for issue in notes:
                issues.append(attrs.evolve(issue, severity=severity))
        failed = any(i.severity == "error" for i in issues)
        return (None if failed else cls(**values)), issues

    @classmethod
    def server_params(cls, query: QueryInput) -> dict[str, str]:
        """The text of each of this endpoint's parameters as Bindbee's server receives it:
        percent-decoded, the last value of a repeated name; unknown names and values that are
        not text are left out.

        >>> from lms_schema import UserQuery
        >>> UserQuery.server_params("page_size=10&cursor=a+b&page_size=20&x=1")
        {'page_size': '20', 'cursor': 'a b'}
        """
        codecs = _codecs(cls)
        return {name: raw for name, raw in _pairs(query)[0] if name in codecs}

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


def _unknown(name: str, given: list[str], forbidden: bool) -> Issue:
    ignored = "" if forbidden else " (ignored)"
    if name:
        path = f"query.{name}"
        message = f"{name!r} is not a parameter of this endpoint{ignored}"
    else:  # "=5": Starlette keeps the empty name, FastAPI has no parameter by it
        path = "query"
        message = f"a parameter without a name (={_show(given[-1])}){ignored}"
    return Issue(path, "unknown_parameter", message, severity="error" if forbidden else "warning")


def _repeated(name: str, given: list[str], strict: bool) -> Issue:
    ignored = ", ".join(map(_show, given[:-1]))
    return Issue(
        f"query.{name}",
        "repeated_parameter",
        f"{name!r} is given {len(given)} times: the server uses the last value, "
        f"{_show(given[-1])}, and ignores {ignored}",
        severity="error" if strict else "warning",
    )


# -- one codec per parameter type, chosen once per class ---------------------------------------

Severity = Literal["error", "warning"]
#: text -> (value, warnings); raises FieldError for what the server rejects.
_Parse = Callable[[str], tuple[Any, list[Issue]]]


@attrs.frozen
class _Codec:
    parse: _Parse
    render: Callable[[Any], str]


def _warning(name: str, code: str, message: str) -> Issue:
    return Issue(f"query.{name}", code, message, severity="warning")


def _noncanonical(name: str, text: str, canonical: str, reading: str | None = None) -> Issue:
    return _warning(
        name,
        "noncanonical_parameter",
        f"{_show(text)} is read as {reading or canonical}; the canonical spelling is "
        f"{name}={canonical}",
    )


def _int_codec(name: str, minimum: int, maximum: int) -> _Codec:
    def parse(text: str) -> tuple[int, list[Issue]]:
        value = lax_int(text)
        if value < minimum:
            raise FieldError(
                "greater_than_equal",
                f"expected an integer from {minimum} to {maximum}, got {value}",
            )
        if value > maximum:
            raise FieldError(
                "less_than_equal", f"expected an integer from {minimum} to {maximum}, got {value}"
            )
        return value, [] if text == str(value) else [_noncanonical(name, text, str(value))]

    return _Codec(parse, str)


#: The spellings lms-schema writes or has always accepted without a warning.
_CANONICAL_BOOLEANS = frozenset({"true", "false", "1", "0"})


def _bool_codec(name: str) -> _Codec:
    def parse(text: str) -> tuple[bool, list[Issue]]:
        value = lax_bool(text)
        if text in _CANONICAL_BOOLEANS:
            return value, []
        return value, [_noncanonical(name, text, "true" if value else "false")]

    return _Codec(parse, lambda value: "true" if value else "false")


def _uuids_codec(name: str) -> _Codec:
    def parse(text: str) -> tuple[tuple[UUID, ...] | None, list[Issue]]:
        if text == "":
            return None, [
                _warning(
                    name,
                    "invalid_list",
                    "expected comma-separated UUIDs, got the empty text: Bindbee will "
                    "probably not filter on it",
                )
            ]
        items = text.split(",")
        out: list[UUID] = []
        notes: list[Issue] = []
        for number, item in enumerate(items, start=1):
            where = f"item {number}: " if len(items) > 1 else ""
            if not item:
                notes.append(
                    _warning(
                        name,
                        "invalid_list",
                        f"expected comma-separated UUIDs; item {number} is empty",
                    )
                )
                continue
            try:
                out.append(parse_uuid(item))
                continue
            except FieldError:
                pass
            try:
                out.append(lax_uuid(item))
            except FieldError:
                notes.append(
                    _warning(
                        name,
                        "invalid_uuid",
                        f"{where}{_show(item)} is not a UUID (expected 8-4-4-4-12 hex): Bindbee "
                        "will probably match nothing with it or reject the request",
                    )
                )
            else:
                notes.append(
                    _warning(
                        name,
                        "noncanonical_parameter",
                        f"{where}{_show(item)} is not an 8-4-4-4-12 UUID; read as {out[-1]}",
                    )
                )
        if any(n.code != "noncanonical_parameter" for n in notes):
            return None, notes
        return tuple(out), notes

    return _Codec(parse, lambda ids: ",".join(map(str, ids)))


def _strings_codec(name: str) -> _Codec:
    def parse(text: str) -> tuple[tuple[str, ...] | None, list[Issue]]:
        items = text.split(",")
        for number, item in enumerate(items, start=1):
            if not item:
                what = "the empty text" if text == "" else f"item {number} is empty"
                return None, [
                    _warning(
                        name,
                        "invalid_list",
                        f"expected comma-separated values; {what}: Bindbee will probably "
                        "not filter on it as intended",
                    )
                ]
        return tuple(items), []

    return _Codec(parse, ",".join)


# Date-times common server-side parsers read beyond RFC 3339: a date alone, a space for T,
# no seconds, offsets +hhmm and +hh.
_ISO_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?"
    r"(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?"
).fullmatch


def _iso_datetime(text: str) -> datetime | None:
    m = _ISO_DATETIME(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, fraction, _, sign, oh, om = m.groups()
    if sign is not None and (int(oh) > 23 or int(om or 0) > 59):  # RFC 3339 time-numoffset
        return None
    try:
        zone = UTC
        if sign is not None:
            delta = timedelta(hours=int(oh), minutes=int(om or 0))
            zone = timezone(-delta if sign == "-" else delta)
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=zone,
        )
    except ValueError:  # an impossible date, time or offset
        return None


def _datetime_codec(name: str) -> _Codec:
    def parse(text: str) -> tuple[datetime | None, list[Issue]]:
        try:
            return parse_datetime(text), []
        except FieldError as exc:
            error = exc
        value = _iso_datetime(text)
        if value is not None:
            canonical = format_datetime(value)
            return value, [
                _warning(
                    name,
                    "noncanonical_parameter",
                    f"{_show(text)} is not an RFC 3339 date-time; common ISO 8601 parsers read "
                    f"it as {canonical}, the canonical spelling",
                )
            ]
        message = error.message
        # the shape is fine, the date, time or offset is not (the strict parser's message
        # says which when it read the shape too)
        if _ISO_DATETIME(text) is not None and "valid date-time" not in message:
            message = f"{_show(text)} is not a valid date-time (no such date, time or offset)"
        if " " in text:
            message += (
                " (a '+' in a query string is a space: send it as %2B; some parsers read the "
                "text as a different instant)"
            )
        return None, [
            _warning(
                name,
                "invalid_datetime",
                f"{message}: Bindbee will probably ignore the filter or reject the request",
            )
        ]

    return _Codec(parse, format_datetime)


_EXPAND_EFFECTS = {
    "unknown_relation": "Bindbee will probably ignore it",
    "duplicate_relation": "Bindbee will probably expand it once",
    "unknown_field": "Bindbee will probably ignore the field",
    "duplicate_field": "Bindbee will probably select it once",
    "invalid_expand": "Bindbee may ignore part or all of expand, so lms-schema does not check "
    "the expansions of the response",
}


def _expand_codec(model: type) -> _Codec:
    def parse(text: str) -> tuple[Expand, list[Issue]]:
        value, found = read_expand(text, model)
        notes = [
            attrs.evolve(
                issue, message=f"{issue.message}: {_EXPAND_EFFECTS[issue.code]}", severity="warning"
            )
            for issue in found
        ]
        return value, notes

    return _Codec(parse, str)


def _enum_codec(tp: type[OpenEnum]) -> _Codec:
    return _Codec(lambda text: (tp(text), []), str)


_TEXT = _Codec(lambda text: (text, []), str)


def _codec(cls: type[Query], a: attrs.Attribute[Any]) -> _Codec:
    tp = a.type
    members = tuple(m for m in (union_args(tp) or (tp,)) if m is not type(None))
    (tp,) = members
    if tp is bool:
        return _bool_codec(a.name)
    if tp is int:
        return _int_codec(a.name, a.metadata["minimum"], a.metadata["maximum"])
    if tp is str:
        return _TEXT
    if tp is datetime:
        return _datetime_codec(a.name)
    if tp is Expand:
        return _expand_codec(cls.model)
    if isinstance(tp, type) and issubclass(tp, OpenEnum):
        return _enum_codec(tp)
    if get_origin(tp) is tuple:
        return _uuids_codec(a.name) if get_args(tp)[0] is UUID else _strings_codec(a.name)
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
