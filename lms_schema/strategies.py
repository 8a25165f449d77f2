"""Hypothesis strategies for LMS payloads and models: fuzz the code that consumes them.

Install with ``pip install 'lms-schema[hypothesis]'``. ``import lms_schema`` never imports
Hypothesis; this module does. With the package installed, Hypothesis' entry point registers
every model (users' own subclasses too), every open enum and ``Duration``, so
``st.from_type(lms_schema.Completion)`` works without importing this module::

    from hypothesis import given
    from lms_schema import strategies as lst

    @given(lst.payloads(lms_schema.Completion))
    def test_my_mapping_accepts_every_completion(payload):
        row = my_mapping(payload)        # your code
        assert row["id"] == payload["id"].lower()

Strategies:

* :func:`models` -- model instances (the seven models, the ``Partial*`` classes, ``Page[X]``)
  with ``structure(unstructure(m), type(m)) == m``;
* :func:`payloads` -- wire dicts that pass strict validation, optionally matching the request
  (``expand``, ``include_raw_data``, ``include_custom_fields``);
* :func:`invalid_payloads` -- ``(payload, path)`` pairs with exactly one violation, at ``path``;
* :func:`messy_payloads` -- payloads in the shapes real vendors send, which the normalizer
  repairs;
* building blocks drawing wire values (JSON strings): :func:`uuids`, :func:`datetimes`,
  :func:`durations`, :func:`grades`, :func:`statuses`, :func:`enum_values` (any open
  enum), :func:`expands`, and
  :func:`json_objects`; and :func:`duration_values` (``Duration`` values).

Every strategy is built from ``builds``/``one_of``/``fixed_dictionaries`` with the simplest
alternative first (absent before null before a value; a UUID before an expanded object), so
failing examples shrink to small payloads, and none of them filters.
"""

from __future__ import annotations

import copy
import functools
import string
import uuid
from collections.abc import Hashable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any, Final, TypeAlias, TypeVar, assert_never, cast, get_args

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ._lenient.policy import DEFAULT_POLICY, NormalizationPolicy, enum_rules
from ._models.fields import FieldInfo, Kind, fields_of, is_model, is_page
from ._models.models import MODELS, REQUIRED_KEYS, Page
from ._request.expand import Expand as ParsedExpand
from ._request.expand import parse_expand
from ._values.absent import ABSENT, JSONObject
from ._values.durations import MAX_DIGITS, MAX_MICROSECONDS, MAX_MONTHS, Duration
from ._values.enums import Grade, OpenEnum, Status
from ._values.issues import ValidationError, format_path

__all__ = [
    "datetimes",
    "duration_values",
    "durations",
    "enum_values",
    "expands",
    "grades",
    "invalid_payloads",
    "json_objects",
    "messy_payloads",
    "models",
    "payloads",
    "statuses",
    "uuids",
]

T = TypeVar("T")
Payload: TypeAlias = dict[str, Any]
Path: TypeAlias = tuple[str | int, ...]
Expand: TypeAlias = tuple[tuple[str, tuple[str, ...] | None], ...]

#: The Partial class of each of the seven models (``PartialUser``, ...), in their order.
PARTIAL_MODELS: Final[tuple[type, ...]] = tuple(model.__bases__[0] for model in MODELS)
#: Expanded objects nest at most this deep (a course in a completion is depth 1).
MAX_NESTING: Final = 2
_INT64: Final = (-(2**63), 2**63 - 1)
_JSON_INT: Final = (-(2**63), 2**64 - 1)
_US_SECOND: Final = 1_000_000
_UNITS: Final = {
    "W": 7 * 86_400 * _US_SECOND,
    "D": 86_400 * _US_SECOND,
    "H": 3_600 * _US_SECOND,
    "TM": 60 * _US_SECOND,
    "S": _US_SECOND,
    "Y": 12,
    "M": 1,
}
_LOCALES: Final = ("en_US", "en_GB", "fr_FR", "de_DE", "pt_BR", "zh_CN", "C", "eo", "the_NP")


# -- field kinds ---------------------------------------------------------------------------------


@attrs.frozen
class _Field:
    """A field as the generators see it: the field analysis' description plus ``kind``, a
    name for what the generators draw (``relation``, ``relations``, ``strings``, ``str``,
    ``int``, ``uuid``, ``datetime``, ``duration``, ``enum``, ``json``, ``json_value``,
    ``str_or_int``, ``object``, ``objects``, and ``list`` for a list of any other leaf)."""

    info: FieldInfo
    kind: str

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def target(self) -> Any:
        """The model of an expanded object, ``JSONObject`` for an instructor."""
        target = self.info.target
        return JSONObject if target is None and self.info.kind is Kind.RELATION else target

    @property
    def enum(self) -> type[OpenEnum] | None:
        return self.info.enum

    @property
    def nullable(self) -> bool:
        return self.info.nullable

    @property
    def required(self) -> bool:
        return self.info.required


def _kind_name(info: FieldInfo) -> str:
    kind = info.kind
    if kind is Kind.RELATION:
        return "relations" if info.many else "relation"
    if kind is Kind.OBJECT:
        return "objects" if info.many else "object"
    if info.many:
        return "strings" if kind is Kind.STRING else "list"
    if kind is Kind.STRING:
        return "str"
    if kind is Kind.INT64:
        return "int"
    if kind is Kind.UUID:
        return "uuid"
    if kind is Kind.DATETIME:
        return "datetime"
    if kind is Kind.DURATION:
        return "duration"
    if kind is Kind.OPEN_ENUM:
        return "enum"
    if kind is Kind.JSON_OBJECT:
        return "json"
    if kind is Kind.JSON_VALUE:
        return "json_value"
    if kind is Kind.STRING_OR_INT:
        return "str_or_int"
    assert_never(kind)


@functools.cache
def _fields(cls: type) -> tuple[_Field, ...]:
    return tuple(_Field(info, _kind_name(info)) for info in fields_of(cls).declared)


def _check_model(cls: Any) -> None:
    if _is_page(cls):
        if not get_args(cls):
            raise InvalidArgument("use Page[X] with a model X, not the bare Page")
        _check_model(get_args(cls)[0])
        return
    if not is_model(cls) or not attrs.has(cls):
        raise InvalidArgument(f"expected an lms-schema model class or Page[X], got {cls!r}")
    fields_of(cls)  # TypeError for a field of an unsupported type


_is_page = is_page


# -- building blocks: wire values ----------------------------------------------------------------


def uuids(*, version: int | None = None, allow_upper: bool = True) -> st.SearchStrategy[str]:
    """UUID text in the canonical 8-4-4-4-12 form: any version (also nil, v6-v8 and ids with
    non-RFC variant bits) unless ``version`` is given; lower case, and upper case when
    ``allow_upper``. Shrinks towards ``00000000-0000-0000-0000-000000000000``."""
    upper = st.booleans() if allow_upper else st.just(False)
    return st.builds(lambda u, up: str(u).upper() if up else str(u), _uuid_values(version), upper)


def _uuid_values(version: int | None = None) -> st.SearchStrategy[uuid.UUID]:
    if version is not None:
        return st.uuids(version=version)  # type: ignore[arg-type]
    return st.one_of(
        st.integers(0, 2**128 - 1).map(lambda n: uuid.UUID(int=n)),
        st.uuids(version=4),
        st.integers(0, 2**128 - 1).map(_uuid7_like),
    )


def _uuid7_like(n: int) -> uuid.UUID:
    """Version 7 layout (time-ordered ids like Bindbee's ``018b18ef-c487-703c-...``)."""
    n &= ~(0xF << 76) & ~(0x3 << 62)
    return uuid.UUID(int=n | (0x7 << 76) | (0x2 << 62))


_OFFSET_MINUTES: Final = 24 * 60 - 1
#: st.datetimes() takes naive bounds.
_NAIVE_MIN: Final = datetime.min  # noqa: DTZ901
_NAIVE_MAX: Final = datetime.max  # noqa: DTZ901


def _offsets() -> st.SearchStrategy[timezone]:
    return st.one_of(
        st.just(UTC),
        st.integers(-_OFFSET_MINUTES, _OFFSET_MINUTES).map(
            lambda m: timezone(timedelta(minutes=m))
        ),
    )


def _naive_datetimes() -> st.SearchStrategy[datetime]:
    return st.datetimes()  # naive, 0001-01-01 .. 9999-12-31


def datetimes(*, allow_naive: bool = True, allow_offsets: bool = True) -> st.SearchStrategy[str]:
    """RFC 3339 date-time text: years 0001-9999, ``Z``/``z``, ``+00:00``/``-00:00``, any other
    offset (when ``allow_offsets``), no offset at all (when ``allow_naive``; read as UTC),
    ``T`` or ``t``, fractions of 1-9 digits (also trailing zeros and digits beyond a
    microsecond, which are truncated)."""
    suffixes: list[st.SearchStrategy[str]] = [
        st.just("Z"),
        st.sampled_from(("z", "+00:00", "-00:00")),
    ]
    if allow_offsets:
        suffixes.append(
            st.builds(
                lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
                st.sampled_from("+-"),
                st.integers(0, 23),
                st.integers(0, 59),
            )
        )
    if allow_naive:
        suffixes.append(st.just(""))
    return st.builds(
        _datetime_text,
        _naive_datetimes(),
        st.sampled_from("Tt"),
        st.one_of(st.just(""), st.text(string.digits, min_size=1, max_size=9)),
        st.one_of(*suffixes),
    )


def _datetime_text(value: datetime, sep: str, fraction: str, suffix: str) -> str:
    body = f"{value.year:04d}-{value.month:02d}-{value.day:02d}{sep}{value:%H:%M:%S}"
    if fraction:
        body += "." + fraction
    return body + suffix


def _digits(value: int, pad: int) -> str:
    text = str(value)
    return "0" * min(pad, MAX_DIGITS - len(text)) + text


@st.composite
def _strict_duration(draw: st.DrawFn) -> str:
    """Strict ISO 8601-1 designator text whose value is in range; every shape."""
    if draw(st.booleans()):
        designators: tuple[str, ...] = ("W",)
    else:
        order = ("Y", "M", "D", "H", "TM", "S")
        flags = draw(st.tuples(*(st.booleans() for _ in order)))
        designators = tuple(d for d, on in zip(order, flags, strict=True) if on) or ("S",)
    fraction_last = draw(st.booleans())
    budget = {"months": MAX_MONTHS, "us": MAX_MICROSECONDS}
    parts = ["P"]
    time_started = False
    for index, designator in enumerate(designators):
        unit = _UNITS[designator]
        group = "months" if designator in "YM" else "us"
        fraction = fraction_last and index == len(designators) - 1
        top = budget[group] // unit - (1 if fraction else 0)
        if top < 0:
            top, fraction = 0, False
        whole = draw(st.one_of(st.integers(0, 100), st.integers(0, top))) if top else 0
        whole = min(whole, top)
        budget[group] -= (whole + (1 if fraction else 0)) * unit
        text = _digits(whole, draw(st.integers(0, 2)))
        if fraction:
            sign = draw(st.sampled_from(".,"))
            text += sign + draw(st.text(string.digits, min_size=1, max_size=MAX_DIGITS))
        if designator in ("H", "TM", "S") and not time_started:
            parts.append("T")
            time_started = True
        parts.append(text + designator[-1])
    return "".join(parts)


def durations(strict: bool = True) -> st.SearchStrategy[str]:
    """ISO 8601 duration text. With ``strict`` (the default): the strict grammar only, every
    shape -- years and months, weeks, days, time components, fractions on the last component
    with ``.`` or ``,`` (up to 30 digits, finer than a microsecond too), leading zeros, zero
    values (``PT0S``, ``P0D``) and values up to the limits (999999999 years,
    ``timedelta.max``). With ``strict=False`` also the shapes the normalizer repairs:
    ``01:15:00``, SCORM ``0001:15:00.00``, ``P1W2D``, lower case, surrounding whitespace,
    a leading ``+``."""
    if strict:
        return _strict_duration()
    return st.one_of(_strict_duration(), _messy_duration())


def enum_values(enum: type[OpenEnum], include_unknown: bool = True) -> st.SearchStrategy[str]:
    """The text of an open enum's values: each member, and with ``include_unknown`` any other
    string, near misses first (members in other cases or with a leading space, the enum's
    default synonyms, ``""``), then free unicode; strict mode passes them through verbatim."""
    known = st.sampled_from([str(m) for m in enum.members()])
    if not include_unknown:
        return known
    near = sorted(
        {
            variant
            for word in (*map(str, enum.members()), *enum.default_synonyms)
            for variant in (word.lower(), word.capitalize(), " " + word)
            if not enum(variant).is_known
        }
        | {""}
    )
    return st.one_of(known, st.sampled_from(near), st.text(max_size=12))


def grades(include_unknown: bool = True) -> st.SearchStrategy[str]:
    """Grade text: :func:`enum_values` of :class:`~lms_schema.Grade` (near misses such as
    ``"pass"``, ``"Passed"``, ``" A"``)."""
    return enum_values(Grade, include_unknown)


def statuses(include_unknown: bool = True) -> st.SearchStrategy[str]:
    """Status text: :func:`enum_values` of :class:`~lms_schema.Status` (``"active"``,
    ``" PENDING"``, free unicode)."""
    return enum_values(Status, include_unknown)


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(*_JSON_INT),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(), inner, max_size=3)
        ),
        max_leaves=8,
    )


def json_objects() -> st.SearchStrategy[JSONObject]:
    """JSON objects as ``custom_fields``/``raw_data`` hold them: unicode keys, nested arrays and
    objects, 64-bit integers, finite floats, booleans, nulls."""
    return st.dictionaries(st.text(), _json_values(), max_size=4)


# -- expand text ---------------------------------------------------------------------------------


def _relations(cls: type) -> tuple[_Field, ...]:
    return tuple(f for f in _fields(cls) if f.kind in ("relation", "relations"))


def _selectable(field: _Field) -> tuple[str, ...]:
    """Fields a bracket selection may name (none for instructors: there is no model)."""
    if is_model(field.target):
        return tuple(f.name for f in fields_of(field.target).declared)
    return ()


def expands(cls: type) -> st.SearchStrategy[str]:
    """Text of an ``expand`` query parameter valid for ``cls``: relation names of the model,
    each once, in any order, some with a bracket field selection (``user[first_name,id]``),
    comma separated, no spaces. Users, categories and skills have no expand:
    ``InvalidArgument``."""
    _check_model(cls)
    relations = _relations(cls)
    if not relations:
        raise InvalidArgument(f"{cls.__name__} has no relations to expand")

    def one(field: _Field) -> st.SearchStrategy[str]:
        names = _selectable(field)
        if not names:
            return st.just(field.name)
        return st.one_of(
            st.just(field.name),
            st.lists(st.sampled_from(names), unique=True, min_size=1).map(
                lambda chosen: f"{field.name}[{','.join(chosen)}]"
            ),
        )

    return (
        st.lists(st.sampled_from(relations), unique=True, min_size=1)
        .flatmap(lambda chosen: st.tuples(*(one(f) for f in chosen)))
        .map(",".join)
    )


def _parse_expand(text: str, cls: type) -> Expand:
    """The request argument of :func:`payloads`, read by :func:`lms_schema.parse_expand`."""
    try:
        parsed = parse_expand(text, cls)
    except ValidationError as exc:
        raise InvalidArgument(f"expand={text!r}: {exc.issues[0].message}") from None
    return tuple((e.name, e.fields) for e in parsed.expansions)


def _expand_arg(expand: object, cls: type) -> Expand | None:
    if expand is None:
        return None
    if isinstance(expand, str):
        return _parse_expand(expand, cls)
    if isinstance(expand, ParsedExpand):
        return _parse_expand(str(expand), cls)
    if isinstance(expand, Mapping):
        return _parse_expand(
            ",".join(
                name if fields is None else f"{name}[{','.join(fields)}]"
                for name, fields in expand.items()
            ),
            cls,
        )
    raise InvalidArgument(f"expand must be text such as 'user[first_name]', got {expand!r}")


# -- payloads ------------------------------------------------------------------------------------


@attrs.frozen
class _Request:
    """What the request asked for; None means unknown (anything legal)."""

    expand: Expand | None = None
    include_raw_data: bool | None = None
    include_custom_fields: bool | None = None
    unknown_keys: bool = False

    def nested(self) -> _Request:
        """Inside an expanded object of a request with a known expand, relations are ids."""
        return self if self.expand is None else attrs.evolve(self, expand=())


_ANY = _Request()


def _nullable(field: _Field, value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), value) if field.nullable else value


def _wire_value(field: _Field, request: _Request, depth: int) -> st.SearchStrategy[Any]:
    """The strategy of one present key (its value may be null where the field allows)."""
    kind = field.kind
    if field.name == "raw_data" and request.include_raw_data is not None:
        return json_objects() if request.include_raw_data else st.none()
    if field.name == "custom_fields" and request.include_custom_fields is not None:
        return json_objects() if request.include_custom_fields else st.none()
    if kind in ("relation", "relations"):
        element = _relation_element(field, request, depth)
        if kind == "relations":
            element = st.lists(element, max_size=3)
        return _nullable(field, element)
    if kind in ("objects", "object"):
        element = _expanded(field.target, None, request, depth + 1)
        return _nullable(field, st.lists(element, max_size=3) if kind == "objects" else element)
    leaf = _wire_leaf(field)
    return _nullable(field, st.lists(leaf, max_size=3) if kind == "list" else leaf)


def _relation_element(field: _Field, request: _Request, depth: int) -> st.SearchStrategy[Any]:
    ids = uuids()
    if request.expand is None:
        if depth >= MAX_NESTING:
            return ids
        return st.one_of(ids, _expanded(field.target, None, request, depth + 1))
    selection = dict(request.expand)
    if field.name not in selection:
        return ids
    return _expanded(field.target, selection[field.name] or (), request.nested(), depth + 1)


def _expanded(
    target: Any, selection: tuple[str, ...] | None, request: _Request, depth: int
) -> st.SearchStrategy[Any]:
    """An expanded object. ``selection``: None = any subset of the fields (unknown request),
    ``()`` = the full object (no brackets), else exactly those fields (``id`` optional)."""
    if target == JSONObject:
        return json_objects()  # an instructor: there is no model
    fields = _fields(target)
    if selection is None:
        return _object(fields, (), request, depth)
    if not selection:
        return _object(fields, REQUIRED_KEYS, request, depth)
    chosen = tuple(f for f in fields if f.name in selection or f.name == "id")
    return _object(chosen, selection, request, depth, only_required=True)


def _object(
    fields: Sequence[_Field],
    required: Sequence[str],
    request: _Request,
    depth: int,
    *,
    only_required: bool = False,
) -> st.SearchStrategy[Payload]:
    needed = {f.name: _wire_value(f, request, depth) for f in fields if f.name in required}
    optional = {f.name: _wire_value(f, request, depth) for f in fields if f.name not in required}
    if request.include_raw_data and not only_required and "raw_data" in optional:
        needed["raw_data"] = optional.pop("raw_data")
    known = st.fixed_dictionaries(needed, optional=optional)
    if not request.unknown_keys:
        return known
    return st.builds(
        lambda record, extra: {**record, **extra},
        known,
        st.dictionaries(_UNKNOWN_KEYS, _json_values(), max_size=2),
    )


#: Keys no model has (model fields are lower-case identifiers).
_UNKNOWN_KEYS: Final = st.one_of(
    st.sampled_from(("_links", "externalId", "Grade", "x-vendor", "")),
    st.text(max_size=8).map(lambda text: "x-" + text),
)


def _model_payload(cls: type, request: _Request) -> st.SearchStrategy[Payload]:
    required = tuple(f.name for f in _fields(cls) if f.required)
    return _object(_fields(cls), required, request, 0)


def _language_lists() -> st.SearchStrategy[list[str]]:
    """``languages``: locale codes of the API document, and any other text."""
    return st.lists(st.one_of(st.sampled_from(_LOCALES), st.text()), max_size=3)


def _wire_leaf(field: _Field) -> st.SearchStrategy[Any]:
    """Wire values of one element of a leaf field (``strings``: the whole list)."""
    info = field.info
    kind = info.kind
    if kind is Kind.STRING:
        return _language_lists() if info.many else st.text()
    if kind is Kind.INT64:
        return st.integers(*_INT64)
    if kind is Kind.UUID:
        return uuids()
    if kind is Kind.DATETIME:
        return datetimes()
    if kind is Kind.DURATION:
        return durations()
    if kind is Kind.OPEN_ENUM:
        assert info.enum is not None
        return enum_values(info.enum)
    if kind is Kind.JSON_OBJECT:
        return json_objects()
    if kind is Kind.JSON_VALUE:
        return _json_values()
    if kind is Kind.STRING_OR_INT:
        return st.one_of(st.text(), st.integers(*_INT64))
    if kind is Kind.RELATION or kind is Kind.OBJECT:  # pragma: no cover - not leaves
        raise AssertionError(f"{field.name} is not a leaf")
    assert_never(kind)


def _item_key(item: Any) -> Hashable:
    """What makes page items distinct: their id (a page repeating an id gets a
    ``duplicate_id`` warning from validate(); the pages drawn here are clean), or the item
    itself when it has none."""
    ident = item.get("id", ABSENT) if type(item) is dict else getattr(item, "id", ABSENT)
    return id(item) if ident is ABSENT else str(ident).lower()


def _page_payload(items: st.SearchStrategy[Payload]) -> st.SearchStrategy[Payload]:
    return st.builds(
        lambda cursor, records: {"cursor": cursor, "page_size": len(records), "items": records},
        st.one_of(st.none(), st.text()),
        st.lists(items, max_size=4, unique_by=_item_key),
    )


def payloads(
    cls: Any,
    *,
    expand: str | Mapping[str, Sequence[str] | None] | None = None,
    include_raw_data: bool | None = None,
    include_custom_fields: bool | None = None,
    unknown_keys: bool = False,
) -> st.SearchStrategy[Payload]:
    """Wire dicts that pass strict validation for ``cls`` (a model, a ``Partial*`` class or
    ``Page[X]``), covering the legal space: absent and null keys, every spelling of ids,
    date-times and durations, known and unknown grades and statuses, relations as UUIDs,
    full and partial expanded objects (nested up to two levels) and lists of them, unicode
    strings, nested JSON in ``custom_fields``/``raw_data``.

    The request arguments make the payload match a request (None: not known, anything legal):

    * ``expand="user[first_name,id],course"``: named relations are expanded objects (or null)
      with exactly the bracketed fields (``id`` may come too), the others UUIDs or null;
      ``expand=""`` expands nothing;
    * ``include_raw_data=False``: ``raw_data`` absent or null; ``True``: an object;
    * ``include_custom_fields=False``: ``custom_fields`` null; ``True``: an object.

    The flags apply to expanded objects too. Page envelopes have ``page_size == len(items)``
    and items with distinct ids (a repeated id is a ``duplicate_id`` warning).
    With ``unknown_keys=True`` records and expanded objects may also carry keys no model has
    (``"x-vendor"``, ``"_links"``) with JSON values: forward compatibility, which
    ``structure()`` ignores and ``validate()`` warns about.
    """
    _check_model(cls)
    item_cls = get_args(cls)[0] if _is_page(cls) else cls
    request = _Request(
        _expand_arg(expand, item_cls), include_raw_data, include_custom_fields, unknown_keys
    )

    if request == _ANY:
        return _any_payloads(cls)
    items = _model_payload(item_cls, request)
    return _page_payload(items) if _is_page(cls) else items


@functools.cache
def _any_payloads(cls: Any) -> st.SearchStrategy[Payload]:
    if _is_page(cls):
        return _page_payload(_any_payloads(get_args(cls)[0]))
    return _model_payload(cls, _ANY)


# -- models --------------------------------------------------------------------------------------


def _datetime_values() -> st.SearchStrategy[datetime]:
    return st.datetimes(timezones=_offsets())


def duration_values() -> st.SearchStrategy[Duration]:
    """:class:`~lms_schema.Duration` values (what ``st.from_type(Duration)`` draws): exact
    parts from zero to ``timedelta.max``, years and months up to 999999999 years, fractional
    months."""
    exact = st.one_of(st.integers(0, 10**12), st.integers(0, MAX_MICROSECONDS))
    return st.one_of(
        st.builds(lambda us: Duration(microseconds=us), exact),
        st.builds(
            lambda months, us: Duration(months=months, microseconds=us),
            st.one_of(st.integers(0, 1200), st.integers(0, MAX_MONTHS)),
            exact,
        ),
        st.integers(1, 12).flatmap(
            lambda places: st.builds(
                lambda n: Duration(months=Fraction(n, 10**places)),
                st.integers(0, MAX_MONTHS * 10**places),
            )
        ),
    )


def _value_leaf(field: _Field) -> st.SearchStrategy[Any]:
    """Python values of one element of a leaf field (``strings``: the whole list)."""
    info = field.info
    kind = info.kind
    if kind is Kind.UUID:
        return _uuid_values()
    if kind is Kind.DATETIME:
        return _datetime_values()
    if kind is Kind.DURATION:
        return duration_values()
    if kind is Kind.OPEN_ENUM:
        assert info.enum is not None
        return enum_values(info.enum).map(info.enum)
    if kind in (Kind.STRING, Kind.INT64, Kind.JSON_OBJECT, Kind.JSON_VALUE, Kind.STRING_OR_INT):
        return _wire_leaf(field)  # the same in Python as on the wire
    if kind is Kind.RELATION or kind is Kind.OBJECT:  # pragma: no cover - not leaves
        raise AssertionError(f"{field.name} is not a leaf")
    assert_never(kind)


def _value(field: _Field, depth: int) -> st.SearchStrategy[Any]:
    if field.kind in ("relation", "relations"):
        element: st.SearchStrategy[Any] = _uuid_values()
        if depth < MAX_NESTING:
            nested = (
                json_objects() if field.target == JSONObject else _models(field.target, depth + 1)
            )
            element = st.one_of(element, nested)
        if field.kind == "relations":
            element = st.lists(element, max_size=3)
    elif field.kind in ("object", "objects"):
        element = _models(field.target, depth + 1)
        if field.kind == "objects":
            element = st.lists(element, max_size=3)
    else:
        element = _value_leaf(field)
        if field.kind == "list":
            element = st.lists(element, max_size=3)
    value = _nullable(field, element)
    return value if field.required else st.one_of(st.just(ABSENT), value)


@functools.cache
def _models(cls: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    if _is_page(cls):
        return st.builds(
            lambda cursor, items: Page(cursor=cursor, page_size=len(items), items=items),
            st.one_of(st.none(), st.text()),
            st.lists(_models(get_args(cls)[0]), max_size=4, unique_by=_item_key),
        )
    return st.builds(cls, **{f.name: _value(f, depth) for f in _fields(cls)})


def models(cls: type[T] | Any) -> st.SearchStrategy[T]:
    """Model instances of ``cls`` (a model, a ``Partial*`` class or ``Page[X]``) such that
    ``structure(unstructure(m), type(m)) == m``: absent (``ABSENT``) and null fields, UUIDs of
    every version, aware date-times with any offset and microseconds, durations with years
    and months (also fractional months), exact parts up to ``timedelta.max``, known and
    unknown grades and statuses, relations as ``UUID``, partial expanded objects and lists
    of both, unicode strings, nested JSON."""
    _check_model(cls)
    strategy: st.SearchStrategy[T] = _models(cast(Hashable, cls))
    return strategy


# -- invalid payloads ----------------------------------------------------------------------------

_BAD_TYPES: Final[tuple[Any, ...]] = (1, True, 1.5, [], {})


def _bad_uuid_texts(text: str) -> list[str]:
    hexdigits = text.replace("-", "")
    return [
        "{" + text + "}",
        "urn:uuid:" + text,
        hexdigits,
        " " + text,
        text + "\n",
        text[:-1],
        text + "0",
        text[:8] + "_" + text[9:],
        "",
        "<string>",
    ]


_BAD_DATETIMES: Final = (
    "<string>",
    "2025-08-01",
    "2025-02-30T00:00:00Z",
    "2025-08-01T23:59:60Z",
    "2025-08-01T10:00:00+24:00",
    "2025-08-01 10:00:00Z",
    "2025-08-01T10:00Z",
    "2025-13-01T00:00:00Z",
    "20250801T100000Z",
    "",
    "yesterday",
)
_BAD_DURATIONS: Final = (
    "PT",
    "P1DT",
    "P4W1D",
    "PT1.5H30M",
    "pt1h",
    "P0001-02-03T04:05:06",
    "-PT1H",
    "PT1H\n",
    " PT1H",
    "P",
    "1H",
    "P1H",
    "PT1D",
    "P1M1Y",
    "PT1e3S",
    "01:15:00",
    "",
)
_NEGATIVE_DURATIONS: Final = ("-PT1H", "-P1D", "-P2W")
_HUGE_DURATIONS: Final = (
    "P1000000000Y",
    "P999999999Y12M",
    "P1000000000D",
    "PT" + "9" * 20 + "S",
    "P" + "1" * 31 + "D",
    "P1D" + "T1H" * 70,
)


@attrs.frozen
class _Site:
    """A place a single violation can be put: ``path`` and what is allowed there."""

    path: Path
    kind: str  # a field kind, "element" (of a list relation), "missing", "page_*", "item"
    current: Any


def _model_sites(node: Payload, cls: type, path: Path, full: bool) -> Iterator[_Site]:
    for field in _fields(cls):
        where = (*path, field.name)
        current = node.get(field.name, ABSENT)
        if full and field.required:
            yield _Site(where, "missing", current)
        if field.kind != "json_value":  # any JSON value is valid there
            yield _Site(where, field.kind + ("" if field.nullable else "!"), current)
        if field.kind in ("relation", "relations") and current is not None:
            elements = (
                [(where, current)]
                if field.kind == "relation"
                else [((*where, i), e) for i, e in enumerate(current)]
                if type(current) is list
                else []
            )
            if field.kind == "relations" and type(current) is list:
                yield _Site((*where, len(current)), "element", None)
                for sub, element in elements:
                    yield _Site(sub, "element", element)
            for sub, element in elements:
                if type(element) is dict and field.target != JSONObject:
                    yield from _model_sites(element, field.target, sub, False)


def _sites(payload: Payload, cls: Any) -> list[_Site]:
    if not _is_page(cls):
        return list(_model_sites(payload, cls, (), True))
    item_cls = get_args(cls)[0]
    out = [
        _Site(("cursor",), "page_cursor", payload["cursor"]),
        _Site(("page_size",), "page_size", payload["page_size"]),
        _Site(("items",), "page_items", payload["items"]),
    ]
    out += [_Site((key,), "missing", payload[key]) for key in ("cursor", "page_size", "items")]
    for index, item in enumerate(payload["items"]):
        out.append(_Site(("items", index), "item", item))
        out.extend(_model_sites(item, item_cls, ("items", index), True))
    return out


def _bad_values(site: _Site) -> st.SearchStrategy[Any]:
    """Values that make exactly one issue at the site."""
    kind = site.kind.rstrip("!")
    not_null = site.kind.endswith("!")
    # {} is a valid JSON object and a valid (empty) partial expanded object
    types_: list[Any] = [v for v in _BAD_TYPES if not (kind in ("json", "relation") and v == {})]
    if kind == "strings":
        types_ = [1, True, "en_US", {}]
    if kind in ("list", "objects"):
        types_ = [1, True, "x", {}]
    if kind == "object":
        types_ = [1, True, [], "x"]
    if kind == "str_or_int":
        types_ = [True, 1.5, [], {}, 2**63]
    if kind in ("relations", "page_items"):
        types_ = [1, True, "3c90c3cc-0d44-4b50-8888-8dd25736052a", {}]
    if kind == "int":
        types_ = ["95", 1.5, 95.0, True, 2**63, -(2**63) - 1, [], {}]
    if kind == "element":
        types_ = [1, True, 1.5, [], None]
    if kind in ("page_size",):
        types_ = ["50", 1.5, True, None, 2**63, []]
    if kind in ("page_cursor", "item"):
        types_ = [1, True, [], *([] if kind == "page_cursor" else ["x", None])]
    if not_null:
        types_.append(None)
    # _BAD_TYPES holds one [] and one {} for every example: each example gets its own copy,
    # so that a consumer mutating one example cannot change the next.
    options: list[st.SearchStrategy[Any]] = [st.sampled_from(types_).map(copy.deepcopy)]
    if kind in ("uuid", "relation", "element"):
        options.append(uuids().flatmap(lambda u: st.sampled_from(_bad_uuid_texts(u))))
    elif kind == "datetime":
        options.append(st.sampled_from(_BAD_DATETIMES))
        # the leap second is a rule of its own (leap_second): as likely as all the rest
        options.append(st.just("2025-08-01T23:59:60Z"))
    elif kind == "duration":
        options += [
            st.sampled_from(_BAD_DURATIONS),
            st.sampled_from(_NEGATIVE_DURATIONS),
            st.sampled_from(_HUGE_DURATIONS),
        ]
    elif kind == "json":
        # one option per rule, so the rarest (too_deep) is as likely as the others
        options.append(
            st.sampled_from([{"n": 2**64}, {"a": [{"b": -(2**63) - 1}]}, {"x": [1, [2**70]]}])
        )
        options.append(st.builds(_deep, st.just(201)))
    return st.one_of(options)


def _deep(levels: int) -> JSONObject:
    node: JSONObject = {}
    for _ in range(levels - 1):
        node = {"x": node}
    return node


def _replace(node: Any, path: Path, value: Any) -> Any:
    """A copy of ``node`` with the value at ``path`` replaced (``ABSENT``: key removed)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if type(node) is list:
        copy_list = list(node)
        if head == len(copy_list):
            copy_list.append(_replace(None, rest, value))
        else:
            copy_list[cast(int, head)] = _replace(copy_list[cast(int, head)], rest, value)
        return copy_list
    copy = dict(node)
    if not rest and value is ABSENT:
        copy.pop(head, None)
    else:
        copy[head] = _replace(copy.get(head), rest, value)
    return copy


@st.composite
def _invalid(draw: st.DrawFn, cls: Any) -> tuple[Payload, str]:
    payload = draw(_any_payloads(cls))
    sites = _sites(payload, cls)
    # The kind of site first, then a site of that kind: rare rules (durations, nested JSON)
    # come up as often as the many plain string fields.
    kind = draw(st.sampled_from(sorted({site.kind for site in sites})))
    site = draw(st.sampled_from([site for site in sites if site.kind == kind]))
    bad = ABSENT if site.kind == "missing" else draw(_bad_values(site))
    return _replace(payload, site.path, bad), format_path(site.path)


def invalid_payloads(cls: Any) -> st.SearchStrategy[tuple[Payload, str]]:
    """Pairs ``(payload, path)``: a valid payload of ``cls`` with exactly one violation, at the
    JSONPath ``path`` (``$.user.status``, ``$.items[2].categories[0]``). Drawn from every
    rule: wrong JSON types, null where null is not allowed, missing required keys, bad UUID
    spellings, impossible or non-RFC 3339 date-times, durations outside the strict grammar
    or range, 64-bit overflow, JSON nested too deep, bad relations and list relations. So
    ``structure(payload, cls)`` raises a ValidationError with one issue, at ``path``."""
    _check_model(cls)
    return _invalid(cls)


# -- messy payloads ------------------------------------------------------------------------------

_Shape: TypeAlias = tuple[str | tuple[str, ...], st.SearchStrategy[Any]]


def _case_variants(word: str) -> st.SearchStrategy[str]:
    variants = sorted({word.lower(), word.capitalize(), word.upper(), word.swapcase()})
    return st.builds(
        lambda v, left, right: left + v + right,
        st.sampled_from(variants),
        st.sampled_from(("", " ", "\t")),
        st.sampled_from(("", " ", "\n")),
    )


@attrs.frozen
class _Vendor:
    """The messy shapes a normalization policy repairs: each shape names the rules it needs."""

    policy: NormalizationPolicy

    def shapes(self, *options: _Shape) -> st.SearchStrategy[Any] | None:
        enabled = [
            strategy
            for rules, strategy in options
            if all(self.policy.enabled(r) for r in ((rules,) if isinstance(rules, str) else rules))
        ]
        return st.one_of(enabled) if enabled else None

    def ids(self, text: str) -> st.SearchStrategy[Any] | None:
        return self.shapes(
            ("id.braces", st.sampled_from(("{" + text + "}", "{" + text.upper() + "}"))),
            ("id.urn", st.just("urn:uuid:" + text)),
            ("id.hex32", st.sampled_from((text.replace("-", ""), text.replace("-", "").upper()))),
            ("id.whitespace", st.sampled_from((" " + text, text.upper() + "\n"))),
        )

    def score(self) -> st.SearchStrategy[Any] | None:
        n = st.integers(0, 1000)
        fraction = st.builds(lambda k, f: k + f, n, st.sampled_from((0.25, 0.5, 0.75, 0.1)))
        rounding = {"half_even": "integer.round_half_even", "floor": "integer.floor"}
        return self.shapes(
            (
                "integer.numeric_string",
                n.flatmap(lambda k: st.sampled_from((str(k), f" {k} ", f"{k}.0", f"{k}.00"))),
            ),
            ("integer.percent", n.map(lambda k: f"{k}%")),
            ("integer.float", n.map(float)),
            *(
                [(("integer.float", rounding[self.policy.rounding]), fraction)]
                if self.policy.rounding in rounding
                else []
            ),
        )

    def open_enum(self, enum: type[OpenEnum]) -> st.SearchStrategy[Any] | None:
        """Members in other cases and with whitespace; the enum's default synonyms (in a few
        spellings) and the policy's own."""
        case_rule, synonym_rule = enum_rules(enum)
        defaults = sorted(
            {
                variant
                for key in enum.default_synonyms
                for variant in (key, key.capitalize(), key.upper(), f" {key} ")
            }
        )
        synonyms = (*defaults, *self.policy.synonyms(enum))
        return self.shapes(
            (case_rule, st.sampled_from(enum.members()).map(str).flatmap(_case_variants)),
            *([(synonym_rule, st.sampled_from(synonyms))] if synonyms else []),
        )

    def duration(self) -> st.SearchStrategy[Any] | None:
        unit = self.policy.duration_unit
        number = st.integers(0, 10**6)
        return self.shapes(
            ("duration.scorm_timespan", st.one_of(_clock(), _scorm())),
            ("duration.weeks_combined", _weeks_days()),
            ("duration.case", _strict_duration().map(str.lower)),
            ("duration.whitespace", _strict_duration().flatmap(_spaced)),
            ("duration.plus_sign", _strict_duration().map(lambda text: "+" + text)),
            ("duration.alternative_format", _alternative_duration()),
            *(
                [("duration.number", st.one_of(number, number.map(str)))]
                if unit is not None
                else []
            ),
        )

    def datetime(self, nullable: bool) -> st.SearchStrategy[Any] | None:
        unit = self.policy.epoch_unit
        scale = 1000 if unit == "ms" else 1
        # not 0: in a nullable field that is null, another rule
        epoch = st.one_of(st.integers(1, 2 * 10**11), st.integers(-(10**10), -1)).map(
            lambda seconds: seconds * scale
        )
        day = _naive_datetimes()
        if self.policy.naive_timezone.utcoffset(None) != timedelta(0):
            # local times within a day of the calendar's ends may fall outside it in UTC
            day = st.datetimes(_NAIVE_MIN + timedelta(days=2), _NAIVE_MAX - timedelta(days=2))
        return self.shapes(
            (
                "datetime.space_separator",
                st.builds(
                    lambda v, suffix: _datetime_text(v, " ", "", suffix),
                    day,
                    st.sampled_from(("", "Z", "+02:00")),
                ),
            ),
            ("datetime.date_only", day.map(lambda v: f"{v.year:04d}-{v.month:02d}-{v.day:02d}")),
            ("datetime.whitespace", datetimes().flatmap(_spaced)),
            # naive times are strictly legal (read as UTC) and the policy's zone otherwise
            ("datetime.naive", day.map(lambda v: _datetime_text(v, "T", "", ""))),
            *([("datetime.empty_to_null", st.just(""))] if nullable else []),
            *([(f"datetime.epoch_{unit}", epoch)] if unit else []),
        )


def _spaced(text: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda left, right: left + text + right,
        st.sampled_from((" ", "\t", "\n")),
        st.sampled_from(("", " ")),
    )


def _clock() -> st.SearchStrategy[str]:
    return st.builds(
        lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}",
        st.integers(0, 99),
        st.integers(0, 59),
        st.integers(0, 59),
    )


def _scorm() -> st.SearchStrategy[str]:
    return st.builds(
        lambda h, m, s, cs: f"{h:04d}:{m:02d}:{s:02d}{cs}",
        st.integers(0, 9999),
        st.integers(0, 59),
        st.integers(0, 59),
        st.one_of(st.just(""), st.integers(0, 99).map(lambda c: f".{c:02d}")),
    )


def _weeks_days() -> st.SearchStrategy[str]:
    return st.builds(lambda w, d: f"P{w}W{d}D", st.integers(0, 520), st.integers(0, 6))


def _alternative_duration() -> st.SearchStrategy[str]:
    return st.builds(
        lambda y, mo, d, h, mi, s: f"P{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}",
        st.integers(0, 9999),
        st.integers(0, 12),
        st.integers(0, 30),
        st.integers(0, 23),
        st.integers(0, 59),
        st.integers(0, 59),
    )


def _messy_duration() -> st.SearchStrategy[str]:
    """Duration text outside the strict profile that the default policy makes canonical."""
    shapes = _DEFAULT_VENDOR.duration()
    assert shapes is not None
    return shapes


def _messy_leaf(vendor: _Vendor, field: _Field, current: Any) -> st.SearchStrategy[Any] | None:
    kind = field.kind
    if kind == "int":
        return vendor.score()
    if kind == "enum":
        assert field.enum is not None
        return vendor.open_enum(field.enum)
    if kind == "duration":
        return vendor.duration()
    if kind == "datetime":
        return vendor.datetime(field.nullable)
    if kind == "uuid" and type(current) is str:
        return vendor.ids(current.lower())
    if kind == "strings" and vendor.policy.enabled("list.single_to_list"):
        return st.sampled_from(_LOCALES)
    return None


@st.composite
def _messify(draw: st.DrawFn, vendor: _Vendor, node: Payload, cls: type, full: bool) -> Payload:
    out = dict(node)
    missing = full and vendor.policy.enabled("required.missing_to_null")
    for field in _fields(cls):
        if missing and field.required and field.nullable and draw(st.booleans()):
            out.pop(field.name, None)
            continue
        current = out.get(field.name)
        if field.kind in ("relation", "relations"):
            if current is not None:
                out[field.name] = draw(_messy_relation(vendor, field, current))
            continue
        # absent and null fields may get a messy value too
        messy = _messy_leaf(vendor, field, current)
        if messy is not None and draw(st.booleans()):
            out[field.name] = draw(messy)
    return out


@st.composite
def _messy_relation(draw: st.DrawFn, vendor: _Vendor, field: _Field, current: Any) -> Any:
    def element(value: Any) -> Any:
        if type(value) is str:
            messy = vendor.ids(value.lower())
            return draw(st.one_of(st.just(value), messy)) if messy is not None else value
        if type(value) is dict and field.target != JSONObject:
            return draw(_messify(vendor, value, field.target, False))
        return value

    if field.kind == "relation":
        return element(current)
    items = [element(v) for v in current]
    single = vendor.policy.enabled("list.single_to_list")
    if single and len(items) == 1 and type(items[0]) is str and draw(st.booleans()):
        return items[0]  # a list relation given as a single string
    return items


@st.composite
def _messy(
    draw: st.DrawFn, vendor: _Vendor, cls: Any, clean: st.SearchStrategy[Payload]
) -> Payload:
    payload = draw(clean)
    if _is_page(cls):
        item_cls = get_args(cls)[0]
        items = [draw(_messify(vendor, item, item_cls, True)) for item in payload["items"]]
        return {**payload, "items": items}
    messy: Payload = draw(_messify(vendor, payload, cls, True))
    return messy


_DEFAULT_VENDOR: Final = _Vendor(DEFAULT_POLICY)


def messy_payloads(
    cls: Any, *, policy: NormalizationPolicy | None = None, unknown_keys: bool = False
) -> st.SearchStrategy[Payload]:
    """Payloads in the shapes real vendors send, each of which :func:`lms_schema.normalize`
    repairs under ``policy`` (default: the default policy), and nothing else wrong.

    Every shape belongs to the rule that repairs it and is drawn only when the policy
    enables that rule: scores as strings (``"95"``, ``" 95 "``, ``"95.00"``), ``"95%"``,
    ``95.0``; grades and statuses in other cases or with whitespace (``" pass "``,
    ``"Active"``), grade synonyms (``"Passed"``, ``"failed"``, ``""``) and the policy's
    own synonyms; durations as ``01:15:00``, SCORM ``0001:15:00.00``, ``P1W2D``, lower case,
    with whitespace or a ``+``, the alternative format ``P0001-02-03T04:05:06``; date-times
    with a space for ``T``, date-only, naive, with whitespace, ``""`` where null is allowed;
    ids braced, ``urn:uuid:``, 32 hex digits, with whitespace; a one-element list given as
    a single string; ``remote_id``/``custom_fields`` missing. Shapes that need a decision
    come only with the policy's decision: bare-number durations with ``duration_unit``,
    epoch timestamps with ``epoch_unit``, non-integral scores with a ``rounding``. Any field
    may also stay clean. ``unknown_keys`` as for :func:`payloads`."""
    _check_model(cls)
    if policy is not None and not isinstance(policy, NormalizationPolicy):
        raise InvalidArgument(f"policy must be a NormalizationPolicy, got {policy!r}")
    vendor = _DEFAULT_VENDOR if policy is None else _Vendor(policy)
    return _messy(vendor, cls, payloads(cls, unknown_keys=unknown_keys))
