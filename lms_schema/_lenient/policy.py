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

from .._values.enums import Grade, OpenEnum, Status

__all__ = ["DEFAULT_POLICY", "RULES", "NormalizationPolicy"]

#: Every normalization rule, by its stable name, with what it does. A fix of a value that
#: needed several rules is named after the last one in this table's order of its group.
RULES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # open enums (Grade, Status)
        "grade.case": "a known grade in another case or with surrounding whitespace ('pass')",
        "grade.synonym": "a grade synonym (default: passed, failed, empty string; more by policy)",
        "status.case": "a known status in another case or with surrounding whitespace",
        "status.synonym": "a status synonym from the policy (no default synonyms)",
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


def _disabled(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise TypeError("disabled must be a collection of rule names, not one string")
    names = frozenset(value)
    unknown = sorted(names - RULES.keys())
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


def _grade_synonyms(value: Mapping[str, str]) -> Mapping[str, str]:
    return _check_synonyms(Grade, value)


def _status_synonyms(value: Mapping[str, str]) -> Mapping[str, str]:
    return _check_synonyms(Status, value)


def _mapping_key(value: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(value.items()))


@attrs.frozen(kw_only=True)
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
    - ``grade_synonyms`` / ``status_synonyms``: extra source spellings (matched ignoring case
      and surrounding whitespace) -> member value, e.g. ``{"bestanden": "PASS"}``.
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

    def enabled(self, rule: str) -> bool:
        """True when ``rule`` may run (it is not in ``disabled``)."""
        return rule not in self.disabled

    def synonyms(self, enum: type[OpenEnum]) -> Mapping[str, str]:
        """The extra synonyms of an open enum (folded source spelling -> member value)."""
        if enum is Grade:
            return self.grade_synonyms
        if enum is Status:
            return self.status_synonyms
        return MappingProxyType({})


#: The policy used when ``normalize`` is given none.
DEFAULT_POLICY: Final = NormalizationPolicy()
