"""Lenient leaf readers: messy wire values -> canonical wire values, with the rule that fixed them.

A reader is built once per (field type, policy) and called per value. It returns
``(wire, rule)``: the canonical wire value (what :func:`~lms_schema.unstructure` writes) and the
name of the rule that repaired it, or None when the value was strictly valid (a canonical
re-spelling such as a lower-cased UUID or ``Z`` added to a naive UTC time is not a repair). What
no enabled rule can repair raises the strict parser's error (a ``FieldError``, such as a
``DurationError``). Every repaired value goes through the strict parser as its final check.

A value that needs several rules (``" pt1h "``: whitespace, then case) is fixed only if every one
of them is enabled, and the fix is named after the last, most specific one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal
from typing import Any, Final, TypeAlias

from .._convert.converter import structure_int, wrong_type
from .._values import match_uuid_text as _uuid_text
from .._values.datetimes import (
    format_datetime,
    is_naive_text,
    leap_second_as_59,
    local_time_kind,
    parse_datetime,
)
from .._values.durations import MAX_MICROSECONDS, Duration, DurationError, parse_duration
from .._values.enums import OpenEnum
from .._values.ids import parse_uuid
from .._values.leaf import FieldError
from .policy import NormalizationPolicy, enum_rules

__all__ = [
    "Reader",
    "datetime_reader",
    "duration_reader",
    "enum_reader",
    "integer_reader",
    "uuid_reader",
]

#: ``reader(value) -> (canonical wire value, rule name or None)``; raises FieldError.
Reader = Callable[[Any], tuple[Any, str | None]]

# Decimal arithmetic wide enough for 30 + 30 digit numbers times any unit, without rounding.
_CTX: Final = Context(prec=100)
# A plain decimal number: ASCII digits, an optional sign and fraction, no exponent.
_NUMBER: Final = re.compile(r"[+-]?[0-9]{1,30}(?:\.[0-9]{1,30})?").fullmatch


#: The strict parser's error for a value, or a function making it (made only when raised:
#: a repaired value never needs it).
ErrorSource: TypeAlias = Exception | Callable[[], Exception]


def _exception(error: ErrorSource) -> Exception:
    return error if isinstance(error, Exception) else error()


def _rule(policy: NormalizationPolicy, rules: Sequence[str], error: ErrorSource) -> str:
    """The name of a chain of rules (its last); ``error`` if any of them is switched off."""
    if not policy.disabled.isdisjoint(rules):
        raise _exception(error)
    return rules[-1]


def _error_of(parse: Callable[[Any], Any], value: Any) -> Exception:
    """The strict parser's error for a value it rejects."""
    try:
        parse(value)
    except FieldError as exc:  # DurationError is a FieldError
        return exc
    raise AssertionError(f"{value!r} was expected to be rejected")  # pragma: no cover


def _show(value: Any) -> str:
    """A short, safe rendering of an input value for a message (huge numbers, long strings)."""
    if type(value) is int and value.bit_length() > 100:
        return f"a {'negative ' if value < 0 else ''}number of more than 30 digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _decimal(value: int | float) -> Decimal | None:
    """The exact decimal of a JSON number as written (``repr`` of a float), None if not finite."""
    if type(value) is float:
        if not math.isfinite(value):
            return None
        return Decimal(repr(value))
    return Decimal(value)


# -- open enums ----------------------------------------------------------------------------


def enum_reader(enum: type[OpenEnum], policy: NormalizationPolicy) -> Reader:
    """Any open enum: members in any case or with surrounding whitespace, then synonyms
    (the enum's own defaults and the policy's); anything else stays verbatim (an unknown
    value). The rules are named after the enum: ``grade.case``, ``level.synonym``."""
    case_rule, synonym_rule = enum_rules(enum)
    members: dict[str, str] = {}
    if policy.enabled(case_rule):
        members = {str(m).lower(): str(m) for m in enum.members()}
    synonyms: dict[str, str] = {}
    if policy.enabled(synonym_rule):
        synonyms = {**enum.default_synonyms, **policy.synonyms(enum)}
    known = {str(m) for m in enum.members()}
    parse = enum.parse

    def read(value: Any) -> tuple[Any, str | None]:
        if type(value) is str and value not in known:
            # letter case only (str.lower, not casefold: 'paß' is not 'PASS')
            key = value.strip().lower()
            target = members.get(key) if key.isascii() else None
            if target is not None:
                return target, case_rule
            target = synonyms.get(key)
            if target is not None:
                return target, synonym_rule
        return str(parse(value)), None

    return read


# -- integers ------------------------------------------------------------------------------

_ROUNDING: Final = {
    "half_even": ("integer.round_half_even", ROUND_HALF_EVEN),
    "floor": ("integer.floor", ROUND_FLOOR),
}


def integer_reader(policy: NormalizationPolicy) -> Reader:
    """Integral floats, numeric strings (``" 95 "``, ``"95.00"``, ``"95%"``); non-integral
    values by the policy's rounding. Booleans stay errors; nothing is ever rescaled."""
    rounding = _ROUNDING.get(policy.rounding)
    numeric_string_on = policy.enabled("integer.numeric_string")

    def to_int(
        number: Decimal, rules: list[str], value: Any, error: ErrorSource
    ) -> tuple[int, str]:
        whole = number.to_integral_value(rounding=ROUND_FLOOR)
        if whole != number:
            if rounding is None:
                _rule(policy, rules or ["integer.float"], error)
                raise FieldError(
                    "non_integral",
                    f"{_show(value)} is not a whole number; NormalizationPolicy("
                    "rounding='half_even' or 'floor') decides how to round it",
                )
            rules.append(rounding[0])
            whole = number.to_integral_value(rounding=rounding[1])
        name = _rule(policy, rules, error)
        return structure_int(int(whole), None), name

    def read(value: Any) -> tuple[Any, str | None]:
        kind = type(value)
        if kind is int:
            return structure_int(value, None), None

        def error() -> Exception:
            return wrong_type("an integer", value)

        if kind is float:
            number = _decimal(value)
            if number is None:
                raise FieldError("not_json", f"{_show(value)} is not a JSON number")
            rules = ["integer.float"] if value.is_integer() else []
            return to_int(number, rules, value, error)
        if kind is str:
            text = value.strip()
            if numeric_string_on and text.isdigit() and text.isascii() and len(text) <= 30:
                # 1 to 30 ASCII digits: _NUMBER matches, a whole number (the commonest case)
                return structure_int(int(text), None), "integer.numeric_string"
            rules = ["integer.numeric_string"]
            if text.endswith("%"):
                text = text[:-1].rstrip()
                rules.append("integer.percent")
            if _NUMBER(text) is None:
                raise error()
            if text.isdigit():  # ASCII digits only (the pattern matched): a whole number
                name = _rule(policy, rules, error)
                return structure_int(int(text), None), name
            return to_int(Decimal(text), rules, value, error)
        raise error()

    return read


_fromisoformat = datetime.fromisoformat

# -- ids -----------------------------------------------------------------------------------

_HEX32: Final = re.compile(r"[0-9a-fA-F]{32}").fullmatch


def uuid_reader(policy: NormalizationPolicy) -> Reader:
    """Surrounding whitespace, ``{braces}``, ``urn:uuid:``, 32 hex digits without dashes."""
    braces_on = policy.enabled("id.braces")

    def read(value: Any) -> tuple[Any, str | None]:
        if type(value) is not str:
            parse_uuid(value)  # raises: wrong type
        if _uuid_text(value) is not None:
            # 8-4-4-4-12 hex (what parse_uuid accepts): its canonical text is the lower-case one
            return value.lower(), None
        if braces_on and value[:1] == "{" and value[-1:] == "}":
            inner = value[1:-1]
            if _uuid_text(inner) is not None:  # the commonest repair: braces alone
                return inner.lower(), "id.braces"

        def error() -> Exception:
            return _error_of(parse_uuid, value)

        rules: list[str] = []
        text = value.strip()
        if text != value:
            rules.append("id.whitespace")
        if text[:1] == "{" and text[-1:] == "}":
            text = text[1:-1]
            rules.append("id.braces")
        if text[:9].lower() == "urn:uuid:":
            text = text[9:]
            rules.append("id.urn")
        if _HEX32(text):
            text = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
            rules.append("id.hex32")
        if not rules or _uuid_text(text) is None:
            raise error() from None
        return text.lower(), _rule(policy, rules, error)  # str(parse_uuid(text))

    return read


# -- durations -----------------------------------------------------------------------------

_US_PER_UNIT: Final = {"ms": 1_000, "s": 1_000_000, "min": 60_000_000, "h": 3_600_000_000}
_N = "[0-9]{1,30}"
_WEEKS: Final = re.compile(
    rf"P((?:{_N}Y)?(?:{_N}M)?)({_N})W(?:({_N})D)?((?:T.*)?)", re.DOTALL
).fullmatch
_ALTERNATIVE: Final = re.compile(
    r"P([0-9]{4})([0-9]{2})([0-9]{2})(?:T([0-9]{2})([0-9]{2})([0-9]{2})(?:[.,]([0-9]{1,30}))?)?"
).fullmatch
# extended (P0001-02-03T04:05:06) or basic (P00010203T040506), never a mix of the two
_ALTERNATIVE_SHAPE: Final = re.compile(
    r"P(?:[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?)?"
    r"|[0-9]{8}(?:T[0-9]{6}(?:[.,][0-9]+)?)?)"
).fullmatch
_SCORM: Final = re.compile(r"([0-9]{1,4}):([0-5][0-9]):([0-5][0-9])(?:\.([0-9]{1,6}))?").fullmatch
# carry-over points of the alternative format: months, days, hours, minutes, seconds
_ALTERNATIVE_LIMITS: Final = (12, 30, 24, 60, 60)


def _alternative(text: str) -> str | None:
    """``P0001-02-03T04:05:06`` (or basic ``P00010203T040506``) -> designator text."""
    if _ALTERNATIVE_SHAPE(text) is None:
        return None
    m = _ALTERNATIVE(text.replace("-", "").replace(":", ""))
    if m is None:
        return None
    y, mo, d, h, mi, s, frac = m.groups()
    parts = [int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)]
    values: list[int | Decimal] = [*parts[1:5], Decimal(f"{parts[5]}.{frac or 0}")]  # seconds
    if any(v > limit for v, limit in zip(values, _ALTERNATIVE_LIMITS, strict=True)):
        return None
    seconds = f"{parts[5]}.{frac}" if frac else str(parts[5])
    return "P{}Y{}M{}DT{}H{}M{}S".format(*parts[:5], seconds)


def duration_reader(policy: NormalizationPolicy) -> Reader:
    """ISO 8601 forms outside the strict profile, SCORM 1.2 timespans, bare numbers in the
    policy's unit. Negative durations stay errors."""
    unit = policy.duration_unit

    def from_number(number: Decimal | None, value: Any, rules: list[str], error: Exception) -> str:
        rules.append("duration.number")
        _rule(policy, rules, error)
        if unit is None:
            raise FieldError(
                "missing_unit",
                f"{_show(value)} is a bare number and the duration unit is unknown: set "
                "NormalizationPolicy(duration_unit='ms', 's', 'min' or 'h')",
            )
        if number is None:
            raise DurationError("invalid_duration", f"{_show(value)} is not a finite number")
        if number < 0:
            raise DurationError(
                "negative_duration",
                f"{_show(value)} is negative; durations here cannot be negative",
            )
        us = int(_CTX.multiply(number, Decimal(_US_PER_UNIT[unit])))
        if us > MAX_MICROSECONDS:
            raise DurationError(
                "duration_out_of_range",
                f"{_show(value)} {unit} is out of range: at most {MAX_MICROSECONDS} microseconds "
                "(datetime.timedelta.max)",
            )
        return str(Duration(microseconds=us))

    def read(value: Any) -> tuple[Any, str | None]:
        kind = type(value)
        if kind is str:
            try:
                return str(parse_duration(value)), None
            except DurationError as exc:
                if exc.code != "invalid_duration":
                    raise
                error = exc
            return read_text(value, error)
        if kind is int or kind is float:
            strict_error = _error_of(parse_duration, value)
            return from_number(_decimal(value), value, [], strict_error), "duration.number"
        return str(parse_duration(value)), None  # raises: wrong type

    def read_text(value: str, error: DurationError) -> tuple[str, str]:
        rules: list[str] = []
        text = value.strip()
        if text != value:
            rules.append("duration.whitespace")
        upper = text.upper()
        if upper != text and upper[:1] in ("P", "+", "-"):
            text = upper
            rules.append("duration.case")
        if text[:1] == "+":
            text = text[1:]
            rules.append("duration.plus_sign")
        if rules:
            try:
                return str(parse_duration(text)), _rule(policy, rules, error)
            except DurationError as exc:
                if exc.code != "invalid_duration":
                    _rule(policy, rules, error)
                    raise
        if (m := _WEEKS(text)) is not None:
            date, weeks, days, time = m.groups()
            total = int(weeks) * 7 + int(days or 0)
            text = f"P{date}{total}D{time}"
            rules.append("duration.weeks_combined")
        elif (alternative := _alternative(text)) is not None:
            text = alternative
            rules.append("duration.alternative_format")
        elif (m := _SCORM(text)) is not None:
            hours, minutes, seconds, frac = m.groups()
            text = f"PT{int(hours)}H{int(minutes)}M{int(seconds)}{'.' + frac if frac else ''}S"
            rules.append("duration.scorm_timespan")
        elif _NUMBER(text) is not None:
            return from_number(Decimal(text), value, rules, error), "duration.number"
        else:
            raise error
        try:
            parsed = parse_duration(text)
        except DurationError as exc:
            if exc.code == "invalid_duration":
                raise error from None
            _rule(policy, rules, error)
            raise
        return str(parsed), _rule(policy, rules, error)

    return read


# -- date-times ----------------------------------------------------------------------------

_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_US_PER_EPOCH_UNIT: Final = {"s": 1_000_000, "ms": 1_000}
_MINUTE: Final = timedelta(minutes=1)


def _is_leap_second(text: str) -> bool:
    """True when strict mode rejects ``text`` as a leap second (and for nothing else)."""
    if text[17:19] != "60":  # the seconds of every RFC 3339 shape: not second 60
        return False
    try:
        parse_datetime(text)
    except FieldError as exc:
        return exc.code == "leap_second"
    return False


def datetime_reader(policy: NormalizationPolicy, nullable: bool) -> Reader:
    """A space for ``T``, date-only, naive times in the policy zone, epoch numbers in the
    policy's unit, ``""`` and 0 -> null (in nullable fields)."""
    zone = policy.naive_timezone
    naive_on = policy.enabled("datetime.naive")
    ambiguous_on = policy.enabled("datetime.naive_ambiguous")

    def naive_rule(parsed: datetime) -> str:
        """datetime.naive, or datetime.naive_ambiguous for a time that happened twice."""
        fold = local_time_kind(parsed.replace(tzinfo=None), zone) == "fold"
        return "datetime.naive_ambiguous" if fold else "datetime.naive"

    to_null = nullable and policy.enabled("datetime.empty_to_null")
    epoch_unit = policy.epoch_unit
    epoch_rule = f"datetime.epoch_{epoch_unit}" if epoch_unit else None

    def in_zone(parsed: datetime) -> datetime:
        """A naive reading (tagged UTC by the strict parser) re-read in the policy zone."""
        kind = local_time_kind(parsed.replace(tzinfo=None), zone)
        if kind == "gap" or (kind == "fold" and not ambiguous_on):
            naive = parsed.replace(tzinfo=None).isoformat()
            raise FieldError(
                "invalid_datetime",
                f"{naive} does not exist in {zone}: the clocks were put forward over it"
                if kind == "gap"
                else f"{naive} happened twice in {zone} (the clocks were put back over it); "
                "rule datetime.naive_ambiguous reads the first",
            )
        local = parsed.replace(tzinfo=zone)
        offset = local.utcoffset()
        if not offset:
            return parsed
        if offset % _MINUTE:  # historic zone offsets with seconds: write the instant in UTC
            try:
                return local.astimezone(UTC)
            except OverflowError:
                raise FieldError(
                    "invalid_datetime",
                    f"{parsed.replace(tzinfo=None).isoformat()} in {zone} is outside the years "
                    "1 to 9999 in UTC",
                ) from None
        return local.replace(tzinfo=timezone(offset))

    def read(value: Any) -> tuple[Any, str | None]:
        kind = type(value)
        if kind is str:
            if len(value) == 20 and value[4::3] == "--T::Z":  # the commonest shape: canonical
                try:
                    _fromisoformat(value)  # exactly parse_datetime's checks for this shape
                except ValueError:
                    pass
                else:
                    return value, None
            if to_null and not value.strip():
                return None, "datetime.empty_to_null"
            if value[10:11] == " ":  # never RFC 3339 (a T there): the strict parser rejects it

                def error() -> Exception:
                    return _error_of(parse_datetime, value)

                return read_text(value, error)
            try:
                parsed = parse_datetime(value)
            except FieldError as exc:
                return read_text(value, exc)
            if naive_on and is_naive_text(value):
                local = format_datetime(in_zone(parsed))
                wire = format_datetime(parsed)
                return (local, naive_rule(parsed)) if local != wire else (wire, None)
            return format_datetime(parsed), None
        if kind is int or kind is float:
            if to_null and value == 0:
                return None, "datetime.empty_to_null"
            return read_epoch(value), epoch_rule
        return format_datetime(parse_datetime(value)), None  # raises: wrong type

    def read_text(value: str, error: ErrorSource) -> tuple[str, str]:
        rules: list[str] = []
        text = value.strip()
        if text != value:
            rules.append("datetime.whitespace")
        date_only = len(text) == 10 and _DATE(text) is not None
        if date_only:
            text += "T00:00:00"
            rules.append("datetime.date_only")
        elif text[10:11] == " " and _DATE(text[:10]) is not None:
            text = f"{text[:10]}T{text[11:]}"
            rules.append("datetime.space_separator")
        if _is_leap_second(text):
            text = leap_second_as_59(text) or text
            rules.append("datetime.leap_second")
        if not rules:
            raise _exception(error)
        if len(text) == 20 and text[4::3] == "--T::Z":  # format_datetime's text, as in read()
            try:
                _fromisoformat(text)
            except ValueError:
                pass
            else:
                return text, _rule(policy, rules, error)
        try:
            parsed = parse_datetime(text)
        except FieldError:
            raise _exception(error) from None
        if (date_only or naive_on) and text[-1] not in "Zz" and is_naive_text(text):
            local = in_zone(parsed)
            if not date_only and format_datetime(local) != format_datetime(parsed):
                rules.append(naive_rule(parsed))
            parsed = local
        return format_datetime(parsed), _rule(policy, rules, error)

    def read_epoch(value: int | float) -> str:
        if epoch_rule is None:
            raise FieldError(
                "missing_unit",
                f"{_show(value)} looks like an epoch timestamp, but its unit is unknown: set "
                "NormalizationPolicy(epoch_unit='s' or 'ms')",
            )
        if value == 0 and not nullable:
            raise FieldError(
                "invalid_datetime",
                "0 stands for 'no date' here, not 1970-01-01, and this date-time cannot be null",
            )
        _rule(policy, [epoch_rule], _error_of(parse_datetime, value))
        number = _decimal(value)
        if number is None:
            raise FieldError("invalid_datetime", f"{_show(value)} is not a finite number")
        assert epoch_unit is not None
        # floor: a fraction finer than a microsecond goes to the earlier instant, as the
        # strict parser's truncated fraction digits do (1969-12-31T23:59:59.9999995Z)
        us = int(
            _CTX.multiply(number, Decimal(_US_PER_EPOCH_UNIT[epoch_unit])).to_integral_value(
                rounding=ROUND_FLOOR
            )
        )
        try:
            return format_datetime(_EPOCH + timedelta(microseconds=us))
        except OverflowError:
            raise FieldError(
                "invalid_datetime",
                f"{_show(value)} {epoch_unit} since 1970 is outside the years 1 to 9999",
            ) from None

    return read
