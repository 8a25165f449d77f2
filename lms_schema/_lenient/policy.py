"""The decisions of lenient normalization: which rules run, and the units and zone they use.

Every rule has a stable name (see :data:`RULES`) and can be switched off. Rules that would
otherwise have to guess take their decision from the policy instead: the unit of a bare-number
duration, the unit of an epoch timestamp, the zone of a naive timestamp, how a non-integral
number becomes an integer::

    >>> policy = NormalizationPolicy(duration_unit="min", epoch_unit="ms",
    ...                              naive_timezone="Europe/Berlin", disabled={"grade.synonym"})
    >>> policy.enabled("grade.case"), policy.enabled("grade.synonym")
    (True, False)
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import UTC, tzinfo
from types import MappingProxyType
from typing import Any, Final, Literal

import attrs

from .._models.fields import Kind, fields_of
from .._models.models import MODELS
from .._values.enums import OpenEnum, open_enums

__all__ = ["DEFAULT_POLICY", "RULES", "NormalizationPolicy", "enum_rules", "known_rule"]


def enum_rules(enum: type[OpenEnum]) -> tuple[str, str]:
    """The names of an open enum's two rules: ``("grade.case", "grade.synonym")``."""
    return f"{enum.rule_prefix}.case", f"{enum.rule_prefix}.synonym"


def _enum_rule_texts(enum: type[OpenEnum]) -> dict[str, str]:
    """What an open enum's rules do, in words derived from the class."""
    label = enum.rule_prefix.replace("_", " ")
    case, synonym = enum_rules(enum)
    example = next((str(m).lower() for m in enum if len(m) > 1 and str(m).lower() != m), None)
    case_text = f"a known {label} in another case or with surrounding whitespace"
    if example is not None:
        case_text += f" ({example!r})"
    defaults = [key or "empty string" for key in enum.default_synonyms]
    if defaults:
        synonym_text = f"a {label} synonym (default: {', '.join(defaults)}; more by policy)"
    else:
        synonym_text = f"a {label} synonym from the policy (no default synonyms)"
    return {case: case_text, synonym: synonym_text}


def _model_enums() -> list[type[OpenEnum]]:
    """The open enums of the seven models, in the order they were defined."""
    used = {f.enum for cls in MODELS for f in fields_of(cls).fields if f.kind is Kind.OPEN_ENUM}
    return [enum for enum in open_enums() if enum in used]


#: Every normalization rule of the seven models, by its stable name, with what it does: the
#: rules of their open enums (derived from the enum classes) and the rules by type. A fix of
#: a value that needed several rules is named after the last one in this table's order of its
#: group. An open enum of a model of your own brings its own two rules
#: (``<prefix>.case``, ``<prefix>.synonym``), which :class:`NormalizationPolicy` accepts too.
RULES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # open enums (Grade, Status): derived from the classes
        **{name: text for enum in _model_enums() for name, text in _enum_rule_texts(enum).items()},
        # integers (score, order, page_size)
        "integer.float": "an integral JSON number with a fraction part: 95.0 -> 95",
        "integer.numeric_string": "a number written as a string: ' 95.00 ' -> 95",
        "integer.percent": "a numeric string with a trailing percent sign: '95%' -> 95",
        "integer.round_half_even": "a non-integral number rounded half to even (policy)",
        "integer.floor": "a non-integral number rounded down (policy)",
        # durations
        "duration.whitespace": "surrounding whitespace removed: ' PT1H ' -> 'PT1H'",
        "duration.case": "lower-case designators: 'pt1h15m' -> 'PT1H15M'",
        "duration.plus_sign": "a leading plus sign removed: '+P11D' -> 'P11D'",
        "duration.weeks_combined": "weeks combined with other units (ISO 8601-2): 'P1W2D' -> 'P9D'",
        "duration.alternative_format": "the alternative format: 'P0001-02-03T04:05:06' -> "
        "'P1Y2M3DT4H5M6S'",
        "duration.scorm_timespan": "a SCORM 1.2 timespan HHHH:MM:SS.SS: '01:15:00' -> 'PT1H15M'",
        "duration.number": "a bare number in the policy's duration_unit: 4500 (s) -> 'PT1H15M'",
        # date-times
        "datetime.whitespace": "surrounding whitespace removed",
        "datetime.space_separator": "a space instead of 'T': '2025-08-01 10:00:00' -> "
        "'2025-08-01T10:00:00Z'",
        "datetime.date_only": "a date without a time: midnight in the policy's naive_timezone",
        "datetime.naive": "a time without an offset read in the policy's naive_timezone (not UTC)",
        "datetime.naive_ambiguous": "a time without an offset that happened twice in the "
        "policy's naive_timezone (clocks put back): the first of the two, before the change",
        "datetime.epoch_s": "a number of seconds since 1970 (policy epoch_unit='s')",
        "datetime.epoch_ms": "a number of milliseconds since 1970 (policy epoch_unit='ms')",
        "datetime.empty_to_null": "'' or 0 in a nullable date-time field becomes null",
        "datetime.leap_second": "a leap second (second 60 at 23:59 UTC, which datetime cannot "
        "hold) becomes second 59.999999 of the same minute",
        # ids
        "id.whitespace": "surrounding whitespace removed from a UUID",
        "id.braces": "a braced GUID: '{3C90C3CC-...}' -> '3c90c3cc-...'",
        "id.urn": "a 'urn:uuid:' prefix removed",
        "id.hex32": "32 hex digits without dashes: dashes inserted",
        # containers and keys
        "list.single_to_list": "a single string where a list belongs becomes a one-element list",
        "required.missing_to_null": "a missing required key whose value may be null becomes null",
    }
)
"""Every normalization rule, by its stable name, with what it repairs (``normalize()``'s
``Fix.rule``). A fix of a value that needed several rules is named after the last one."""

DurationUnit = Literal["ms", "s", "min", "h"]
EpochUnit = Literal["s", "ms"]
Rounding = Literal["error", "half_even", "floor"]

_DURATION_UNITS: Final = ("ms", "s", "min", "h")
_EPOCH_UNITS: Final = ("s", "ms")
_ROUNDINGS: Final = ("error", "half_even", "floor")


def known_rule(name: str) -> bool:
    """True for a rule of :data:`RULES` and for the rules of every open enum defined so far
    (``level.case`` once ``class Level(OpenEnum)`` exists): every rule normalize() emits."""
    if name in RULES:
        return True
    prefix, _, rule = name.rpartition(".")
    return rule in ("case", "synonym") and any(e.rule_prefix == prefix for e in open_enums())


def _disabled(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise TypeError("disabled must be a collection of rule names, not one string")
    names = frozenset(value)
    unknown = sorted(name for name in names if not known_rule(name))
    if unknown:
        raise ValueError(f"unknown normalization rule(s): {', '.join(map(repr, unknown))}")
    return names


def _zone(value: tzinfo | str) -> tzinfo:
    if isinstance(value, tzinfo):
        return value
    if isinstance(value, str):
        try:
            return zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
    raise TypeError(f"naive_timezone must be a tzinfo or an IANA zone name, not {value!r}")


def _one_of(*allowed: object) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in allowed:
            raise ValueError(f"{attribute.name} must be one of {allowed!r}, not {value!r}")

    return check


def _synonym_key(text: str) -> str:
    """Surrounding whitespace and letter case ignored (``str.lower``, not ``casefold``:
    ``'paß'`` is not ``'pass'``)."""
    return text.strip().lower()


def _check_synonyms(enum: type[OpenEnum], value: Mapping[str, str]) -> Mapping[str, str]:
    """Fold the keys; every target must be a member, no key a spelling of a member."""
    if not isinstance(value, Mapping):
        raise TypeError("synonyms must be a mapping of source spelling -> member value")
    members = {m.lower() for m in enum.members()}
    out: dict[str, str] = {}
    for key, target in value.items():
        if not isinstance(key, str) or not isinstance(target, str):
            raise TypeError(f"synonyms map strings to strings, not {key!r} -> {target!r}")
        if not enum(target).is_known:
            raise ValueError(f"{target!r} is not a known {enum.__name__} member value")
        folded = _synonym_key(key)
        if folded in members:
            raise ValueError(f"{key!r} is a spelling of a {enum.__name__} member already")
        out[folded] = str(target)
    return MappingProxyType(out)


def _enum_named(prefix: str) -> type[OpenEnum]:
    return next(e for e in open_enums() if e.rule_prefix == prefix)


#: The synonym arguments kept from before ``enum_synonyms``: rule prefix -> attribute.
_NAMED_SYNONYMS: Final = {"grade": "grade_synonyms", "status": "status_synonyms"}


def _grade_synonyms(value: Mapping[str, str]) -> Mapping[str, str]:
    return _check_synonyms(_enum_named("grade"), value)


def _status_synonyms(value: Mapping[str, str]) -> Mapping[str, str]:
    return _check_synonyms(_enum_named("status"), value)


def _mapping_key(value: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(value.items()))


def _enum_synonyms(
    value: Mapping[type[OpenEnum], Mapping[str, str]],
) -> Mapping[type[OpenEnum], Mapping[str, str]]:
    if not isinstance(value, Mapping):
        raise TypeError("enum_synonyms must map an OpenEnum class to its synonyms")
    out: dict[type[OpenEnum], Mapping[str, str]] = {}
    for enum, synonyms in value.items():
        if not (isinstance(enum, type) and issubclass(enum, OpenEnum)) or enum is OpenEnum:
            raise TypeError(f"enum_synonyms keys are OpenEnum subclasses, not {enum!r}")
        out[enum] = _check_synonyms(enum, synonyms)
    return MappingProxyType(out)


def _enum_synonyms_key(
    value: Mapping[type[OpenEnum], Mapping[str, str]],
) -> tuple[tuple[int, tuple[tuple[str, str], ...]], ...]:
    return tuple(sorted((id(enum), _mapping_key(m)) for enum, m in value.items()))


@attrs.frozen(kw_only=True, cache_hash=True)  # hashed per normalize() call (2.3 µs)
class NormalizationPolicy:
    """How :func:`~lms_schema.normalize` repairs a payload.

    - ``disabled``: rule names (see :data:`RULES`) that must not run; a value that only a
      disabled rule could repair stays an error (or, for grades and statuses, stays verbatim).
    - ``duration_unit``: the unit of a bare-number duration (``"ms"``, ``"s"``, ``"min"``,
      ``"h"``); None (the default) makes a bare number an error.
    - ``epoch_unit``: the unit of a numeric timestamp (``"s"`` or ``"ms"``); None (the
      default) makes a number in a date-time field an error (0 in a nullable one is null).
    - ``naive_timezone``: the zone of a timestamp without an offset, a ``tzinfo`` or an IANA
      name (``"Europe/Berlin"``); UTC by default. An ambiguous or missing local time (a DST
      change) is read with ``fold=0``.
    - ``rounding``: how a non-integral number becomes an integer: ``"error"`` (the default),
      ``"half_even"`` or ``"floor"``.
    - ``enum_synonyms``: extra source spellings (matched ignoring case and surrounding
      whitespace) -> member value, by open enum class, e.g.
      ``{Grade: {"bestanden": "PASS"}, Level: {"novice": "BEGINNER"}}``.
    - ``grade_synonyms`` / ``status_synonyms``: the same for Grade and Status alone (both
      ways may be used at once; ``enum_synonyms`` wins on the same spelling).
    """

    disabled: frozenset[str] = attrs.field(default=frozenset(), converter=_disabled)
    duration_unit: DurationUnit | None = attrs.field(
        default=None, validator=_one_of(None, *_DURATION_UNITS)
    )
    epoch_unit: EpochUnit | None = attrs.field(default=None, validator=_one_of(None, *_EPOCH_UNITS))
    naive_timezone: tzinfo = attrs.field(default=UTC, converter=_zone)
    rounding: Rounding = attrs.field(default="error", validator=_one_of(*_ROUNDINGS))
    grade_synonyms: Mapping[str, str] = attrs.field(
        factory=dict, converter=_grade_synonyms, eq=_mapping_key
    )
    status_synonyms: Mapping[str, str] = attrs.field(
        factory=dict, converter=_status_synonyms, eq=_mapping_key
    )
    enum_synonyms: Mapping[type[OpenEnum], Mapping[str, str]] = attrs.field(
        factory=dict, converter=_enum_synonyms, eq=_enum_synonyms_key
    )

    def enabled(self, rule: str) -> bool:
        """True when ``rule`` may run (it is not in ``disabled``)."""
        return rule not in self.disabled

    def synonyms(self, enum: type[OpenEnum]) -> Mapping[str, str]:
        """The extra synonyms of an open enum (folded source spelling -> member value)."""
        named = _NAMED_SYNONYMS.get(enum.rule_prefix)
        own = self.enum_synonyms.get(enum, {})
        if named is None or _enum_named(enum.rule_prefix) is not enum:
            return MappingProxyType(dict(own))
        return MappingProxyType({**getattr(self, named), **own})


#: The policy used when ``normalize`` is given none.
DEFAULT_POLICY: Final = NormalizationPolicy()
