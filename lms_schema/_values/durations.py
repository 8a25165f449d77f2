"""ISO 8601 durations: strict parsing, exact values, canonical text.

The accepted grammar is ISO 8601-1 "format with designators" and nothing more:

* ``P``, then ``nY nM nD`` in that order, then optionally ``T`` and ``nH nM nS`` in that order,
  with at least one component and ``T`` only when a time component follows; or ``PnW`` alone;
* ``n`` is ASCII digits; only the last component present may carry a decimal fraction
  (``.`` or ``,``); upper-case only; no sign, no whitespace, no alternative format
  (``P0001-02-03T04:05:06``).

A :class:`Duration` is a pair of a *nominal* part, ``months`` (years are 12 months; never turned
into days), and an *exact* part, ``microseconds`` (a week is 7 days, a day 24 hours). Fractions
of the exact part finer than a microsecond are truncated. Equal values compare and hash equal
(``PT75M == PT1H15M``, ``P1Y == P12M``, ``P1D == PT24H``) and print the same canonical text::

    >>> d = parse_duration("PT75M")
    >>> d
    Duration('PT1H15M')
    >>> d == parse_duration("PT1H15M"), d.total_seconds()
    (True, 4500.0)
    >>> str(parse_duration("P0,5D")), str(parse_duration("P2W")), str(parse_duration("PT36H"))
    ('PT12H', 'P14D', 'P1DT12H')

``Duration("PT75M")`` is the same as ``parse_duration("PT75M")``, so ``eval(repr(d)) == d``.
Exact durations (no years or months) order and compare like the equal ``timedelta``; see
:class:`Duration` for ordering, ``+`` and ``total_seconds()`` (a float; ``.microseconds`` is
exact).

Every rejection is a :class:`DurationError` (a ``ValueError``) with a stable ``code`` --
``invalid_duration``, ``negative_duration`` or ``duration_out_of_range`` -- and a ``message``.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, overload

import isodate

from .leaf import FieldError, json_type_name

__all__ = ["Duration", "DurationError", "format_duration", "parse_duration"]

# -- limits --------------------------------------------------------------------------------------

#: Longest text accepted; anything longer is ``duration_out_of_range`` before any other check.
MAX_TEXT_LENGTH: Final = 200
#: Most digits allowed before, and separately after, a decimal sign.
MAX_DIGITS: Final = 30
#: Largest nominal part: 999,999,999 years.
MAX_MONTHS: Final = 12 * 999_999_999
#: Largest exact part: ``datetime.timedelta.max`` in microseconds.
MAX_MICROSECONDS: Final = (timedelta.max.days * 86_400 + timedelta.max.seconds) * 1_000_000 + (
    timedelta.max.microseconds
)

_US_SECOND: Final = 1_000_000
_US_MINUTE: Final = 60 * _US_SECOND
_US_HOUR: Final = 60 * _US_MINUTE
_US_DAY: Final = 24 * _US_HOUR
_US_WEEK: Final = 7 * _US_DAY
_POW10: Final[tuple[int, ...]] = tuple(10**n for n in range(MAX_DIGITS + 1))
_TEN_MAX_DIGITS: Final = _POW10[MAX_DIGITS]

_INVALID: Final = "invalid_duration"
_NEGATIVE: Final = "negative_duration"
_OUT_OF_RANGE: Final = "duration_out_of_range"


class DurationError(FieldError):
    """A rejected duration: ``code`` is ``invalid_duration``, ``negative_duration``,
    ``duration_out_of_range`` or ``wrong_type``; ``message`` (also ``str(exc)``) says why."""


# -- the value -----------------------------------------------------------------------------------


class Duration:
    """An immutable, hashable ISO 8601 duration: ``months`` (nominal) + ``microseconds`` (exact).

    Build one from its text, ``Duration("PT1H15M")`` (the same as :meth:`parse` and
    :func:`parse_duration`), from a ``timedelta`` with :meth:`from_timedelta`, or from its parts,
    ``Duration(months=..., microseconds=...)``. ``str(d)`` is the canonical ISO 8601 text and
    ``repr(d)`` is ``Duration('PT1H15M')``, which evaluates back to an equal value.

    Equality is by value (``PT75M == PT1H15M``). A duration without years or months is
    *exact*: it equals, hashes and orders like the equal ``timedelta``, and exact durations
    are totally ordered. Years and months have no fixed length, so ordering a duration that
    has them against one with an exact part raises ``TypeError``; durations of whole months
    only order by their months. ``+`` adds two durations (or a duration and a ``timedelta``)
    part by part; ``datetime + duration`` is :meth:`add_to`::

        >>> Duration("PT75M") == timedelta(hours=1, minutes=15)
        True
        >>> Duration("PT1H") < Duration("P1D"), Duration("PT1H") + Duration("PT30M")
        (True, Duration('PT1H30M'))
    """

    __slots__ = ("_months", "_text", "_us")

    _months: int | Fraction
    _us: int
    _text: str | None

    def __init__(
        self,
        text: str | None = None,
        /,
        *,
        months: int | Fraction | Decimal = 0,
        microseconds: int = 0,
    ) -> None:
        """From ISO 8601 text (``Duration("P1DT2H")``) or from the two parts.

        The text follows the strict grammar of :func:`parse_duration` and cannot be combined
        with ``months``/``microseconds``. Fractional ``months`` need at most 30 decimal places
        and no exact part (ISO 8601 allows a fraction only on the last component, so
        ``P1.5MT1H`` has no text). Wrong types raise ``TypeError``, bad values
        :class:`DurationError` (a ``ValueError``).
        """
        if text is not None:
            if not isinstance(text, str):
                raise TypeError(
                    f"Duration() takes ISO 8601 text such as 'PT1H15M', not {type(text).__name__}"
                    " (use Duration.from_timedelta() for a timedelta, or the keywords months= "
                    "and microseconds=)"
                )
            if months or microseconds or type(microseconds) is not int:
                raise TypeError("Duration() takes either the text or months=/microseconds=")
            parsed = parse_duration(text)
            _set_months(self, parsed._months)
            _set_us(self, parsed._us)
            _set_text(self, parsed._text)
            return
        if type(microseconds) is not int:
            raise TypeError(f"microseconds must be an int, not {type(microseconds).__name__}")
        if microseconds < 0:
            raise DurationError(
                _NEGATIVE, f"microseconds={microseconds}: durations here cannot be negative"
            )
        if microseconds > MAX_MICROSECONDS:
            raise DurationError(
                _OUT_OF_RANGE,
                f"microseconds={microseconds} is out of range: the exact part may be at most "
                f"{MAX_MICROSECONDS} (datetime.timedelta.max)",
            )
        value = _check_months(months)
        if isinstance(value, Fraction) and microseconds:
            raise DurationError(
                _INVALID,
                f"months={_decimal_text(value)} with microseconds={microseconds} has no ISO 8601 "
                "text: only the last component may have a fraction, so fractional months "
                "cannot be combined with days, hours, minutes or seconds",
            )
        _set_months(self, value)
        _set_us(self, microseconds)
        _set_text(self, None)

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Strict ISO 8601 text to a duration: :func:`parse_duration` (``DurationError`` if bad).

        >>> Duration.parse("P2W")
        Duration('P14D')
        """
        if not isinstance(text, str):
            raise TypeError(f"Duration.parse() takes a str, not {type(text).__name__}")
        return parse_duration(text)

    @classmethod
    def from_timedelta(cls, value: timedelta) -> Duration:
        """The exact duration of a non-negative ``timedelta``."""
        if not isinstance(value, timedelta):
            raise TypeError(f"expected a datetime.timedelta, not {type(value).__name__}")
        if value < _ZERO_TD:
            raise DurationError(
                _NEGATIVE, f"{value!r} is negative; durations here cannot be negative"
            )
        return _make(0, _timedelta_us(value))

    # -- components --------------------------------------------------------------------------

    @property
    def months(self) -> int | Fraction:
        """The nominal part, years * 12 + months: an ``int``, or an exact ``Fraction``."""
        return self._months

    @property
    def microseconds(self) -> int:
        """The exact part (weeks, days, hours, minutes, seconds) in whole microseconds."""
        return self._us

    @property
    def is_exact(self) -> bool:
        """True when there are no years or months, so the length in seconds is fixed."""
        return not self._months

    # -- conversions -------------------------------------------------------------------------

    def total_seconds(self) -> float:
        """The exact part in seconds, as a ``float`` (like ``timedelta.total_seconds()``).

        A float is not exact: past about 285 years (2**53 microseconds) it rounds to the
        nearest representable value, and even shorter values may not print as their decimal
        text (``P99999DT0.000001S`` gives ``8639913600.000002``). :attr:`microseconds` is the
        exact integer, and :meth:`to_timedelta` the exact ``timedelta``. Raises
        ``ValueError`` for a duration with years or months (no fixed length).
        """
        if self._months:
            raise self._nominal_error()
        return self._us / _US_SECOND

    def to_timedelta(self) -> timedelta:
        """The exact ``timedelta``; ``ValueError`` if there are years or months."""
        if self._months:
            raise self._nominal_error()
        return timedelta(microseconds=self._us)

    def to_isodate(self) -> isodate.Duration | timedelta:
        """A ``timedelta`` when exact, else an ``isodate.Duration`` (years and months as
        ``Decimal``, the exact part as its ``tdelta``)."""
        if not self._months:
            return timedelta(microseconds=self._us)
        years, months = divmod(self._months, 12)
        return isodate.Duration(
            years=Decimal(int(years)),
            months=Decimal(_number_text(months)),
            microseconds=self._us,
        )

    def add_to(self, when: datetime) -> datetime:
        """``when`` plus this duration: months first (clamped to the month's end, by isodate:
        2000-01-31 + P1M = 2000-02-29), then the exact part. Fractional months raise
        ``ValueError``; a result outside ``datetime``'s range raises ``OverflowError``.

        Months move the calendar date (wall clock); the exact part is elapsed time (a day is
        24 hours), also in a time zone with daylight saving time: ``PT24H`` added to noon
        before a spring-forward change in Europe/Berlin is 13:00 the next day."""
        if not isinstance(when, datetime):
            raise TypeError(f"expected a datetime.datetime, not {type(when).__name__}")
        if not self._months:
            return _add_elapsed(when, self._us)
        if type(self._months) is not int:
            raise ValueError(
                f"{self} has a fractional number of months, which has no meaning in calendar "
                "arithmetic"
            )
        years, months = divmod(self._months, 12)
        try:
            moved: datetime = when + isodate.Duration(years=years, months=months)
            return _add_elapsed(moved, self._us)
        except (OverflowError, ValueError) as exc:  # year 10000 -> ValueError from .replace()
            raise OverflowError(f"{when.isoformat()} + {self} is out of datetime's range") from exc

    def _nominal_error(self) -> ValueError:
        return ValueError(
            f"{self} has a nominal part (years/months) and no fixed length in seconds"
        )

    # -- value semantics ---------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Duration):
            return self._us == other._us and self._months == other._months
        if isinstance(other, timedelta):
            return not self._months and self._us == _timedelta_us(other)
        return NotImplemented

    def __hash__(self) -> int:
        if not self._months:  # equal to a timedelta: hash like it
            return hash(timedelta(microseconds=self._us))
        return hash((self._months, self._us))

    def _order(self, other: object, op: str) -> tuple[int | Fraction, int | Fraction] | None:
        """(self, other) as comparable numbers, None for a foreign type; TypeError if nominal."""
        if isinstance(other, Duration):
            months, us = other._months, other._us
        elif isinstance(other, timedelta):
            months, us = 0, _timedelta_us(other)
        else:
            return None
        if not self._months and not months:
            return self._us, us
        if not self._us and not us:
            return self._months, months
        raise TypeError(
            f"cannot order {self} and {other if isinstance(other, Duration) else repr(other)} "
            f"with {op!r}: years and months have no fixed length in days, so a duration with "
            "years or months orders only against whole months (compare exact durations, or "
            "the datetimes that .add_to() gives)"
        )

    def __lt__(self, other: object) -> bool:
        pair = self._order(other, "<")
        return NotImplemented if pair is None else pair[0] < pair[1]

    def __le__(self, other: object) -> bool:
        pair = self._order(other, "<=")
        return NotImplemented if pair is None else pair[0] <= pair[1]

    def __gt__(self, other: object) -> bool:
        pair = self._order(other, ">")
        return NotImplemented if pair is None else pair[0] > pair[1]

    def __ge__(self, other: object) -> bool:
        pair = self._order(other, ">=")
        return NotImplemented if pair is None else pair[0] >= pair[1]

    def __add__(self, other: Duration | timedelta) -> Duration:
        """Part by part: months + months, microseconds + microseconds.

        A ``timedelta`` adds to the exact part (a negative one may not make it negative).
        The sum is checked as the constructor checks: :class:`DurationError` when it is out
        of range, negative, or fractional months with an exact part (which has no text).
        """
        if isinstance(other, Duration):
            months: int | Fraction = self._months + other._months
            us = self._us + other._us
        elif isinstance(other, timedelta):
            months, us = self._months, self._us + _timedelta_us(other)
        else:
            return NotImplemented
        return Duration(months=months, microseconds=us)

    @overload
    def __radd__(self, other: timedelta) -> Duration: ...
    @overload
    def __radd__(self, other: datetime) -> datetime: ...
    def __radd__(self, other: timedelta | datetime) -> Duration | datetime:
        """``timedelta + duration`` is a duration; ``datetime + duration`` is :meth:`add_to`."""
        if isinstance(other, datetime):
            return self.add_to(other)
        if isinstance(other, timedelta):
            return self + other
        return NotImplemented

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = _render(self._months, self._us)
            _set_text(self, text)
        return text

    def __repr__(self) -> str:
        return f"Duration({str(self)!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Duration is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Duration is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, tuple[int | Fraction, int]]:
        return (_make, (self._months, self._us))

    def __copy__(self) -> Duration:
        return self

    def __deepcopy__(self, memo: object) -> Duration:
        return self


# Slot descriptors: set the slots of a new Duration without going through __setattr__.
_set_months = Duration.__dict__["_months"].__set__
_set_us = Duration.__dict__["_us"].__set__
_set_text = Duration.__dict__["_text"].__set__
_new = object.__new__
_ZERO_TD: Final = timedelta(0)


def _timedelta_us(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * _US_SECOND + value.microseconds


def _make(months: int | Fraction, microseconds: int) -> Duration:
    """Build a Duration from already validated parts (the parser's and pickle's fast path)."""
    self = _new(Duration)
    _set_months(self, months)
    _set_us(self, microseconds)
    _set_text(self, None)
    return self


def _check_months(months: object) -> int | Fraction:
    if type(months) is int:
        value: int | Fraction = months
    elif isinstance(months, Fraction):
        value = months
    elif isinstance(months, Decimal):
        if not months.is_finite():
            raise DurationError(_INVALID, f"months={months} is not a finite number")
        value = Fraction(months)
    else:
        raise TypeError(f"months must be an int, Fraction or Decimal, not {type(months).__name__}")
    if value < 0:
        raise DurationError(_NEGATIVE, f"months={months}: durations here cannot be negative")
    if value > MAX_MONTHS:
        raise DurationError(
            _OUT_OF_RANGE,
            f"months={months} is out of range: at most {MAX_MONTHS} (999999999 years)",
        )
    if type(value) is Fraction:
        if value.denominator == 1:
            return value.numerator
        if _TEN_MAX_DIGITS % value.denominator:
            raise DurationError(
                _INVALID,
                f"months={months} has no decimal expansion of at most {MAX_DIGITS} places",
            )
    return value


# -- canonical text ------------------------------------------------------------------------------


def _decimal_text(value: Fraction) -> str:
    """Exact minimal decimal text of a fraction whose denominator divides 10**30."""
    q = value.denominator
    places = 0
    scale = 1
    while scale % q:
        places += 1
        scale *= 10
    whole, frac = divmod(value.numerator * (scale // q), scale)
    if not frac:
        return str(whole)
    return f"{whole}.{frac:0{places}d}".rstrip("0")


def _number_text(value: int | Fraction) -> str:
    return str(value) if isinstance(value, int) else _decimal_text(value)


def _render(months: int | Fraction, us: int) -> str:
    parts = ["P"]
    if months:
        years, rest = divmod(months, 12)  # floor division; rest keeps any fraction
        if years:
            parts += (str(int(years)), "Y")
        if rest:
            parts += (_number_text(rest), "M")
    if us:
        days, us = divmod(us, _US_DAY)
        if days:
            parts += (str(days), "D")
        if us:
            parts.append("T")
            hours, us = divmod(us, _US_HOUR)
            minutes, us = divmod(us, _US_MINUTE)
            if hours:
                parts += (str(hours), "H")
            if minutes:
                parts += (str(minutes), "M")
            if us:
                seconds, frac = divmod(us, _US_SECOND)
                if frac:
                    parts += (f"{seconds}.{frac:06d}".rstrip("0"), "S")
                else:
                    parts += (str(seconds), "S")
    if len(parts) == 1:
        return "PT0S"
    return "".join(parts)


def format_duration(duration: Duration) -> str:
    """The canonical ISO 8601 text of ``duration`` (same as ``str(duration)``).

    Canonical form: ``P`` + whole years ``Y`` + remaining months ``M`` (the only place a
    fractional nominal part appears, e.g. ``P1Y0.6M``) + whole days ``D`` + ``T`` + hours ``H``
    + minutes ``M`` + seconds ``S`` (up to 6 fraction digits, ``.``, no trailing zeros); zero
    components are omitted, weeks are written as days, zero is ``PT0S``.
    """
    if not isinstance(duration, Duration):
        raise TypeError(f"expected a Duration, not {type(duration).__name__}")
    return str(duration)


def _add_elapsed(when: datetime, microseconds: int) -> datetime:
    """``when`` plus elapsed time: in UTC for a zone with changing offsets (ZoneInfo), as is
    for naive and fixed-offset date-times (where wall-clock and elapsed time agree)."""
    delta = timedelta(microseconds=microseconds)
    zone = when.tzinfo
    if zone is None or type(zone) is timezone:
        return when + delta
    return (when.astimezone(UTC) + delta).astimezone(zone)


def ends_after(duration: Duration, start: datetime, end: datetime) -> bool:
    """True when ``start + duration`` is certainly later than ``end`` (the
    ``duration_exceeds_interval`` check of ``validate()``).

    A sum past the year 9999 is later than any ``end``. A fractional month has no calendar
    meaning, so it is read at its shortest: the whole months on the calendar, the fraction
    as that part of a 28-day month (``P0.5M`` is at least 14 days)."""
    months = duration._months
    if not months and type(start.tzinfo) is timezone and type(end.tzinfo) is timezone:
        # Fixed offsets: wall-clock and elapsed time agree, and a sum past the year 9999
        # exceeds any difference of two date-times.
        elapsed = end - start
        return duration._us > (elapsed.days * 86_400 + elapsed.seconds) * 1_000_000 + (
            elapsed.microseconds
        )
    whole = int(months)  # months are never negative: int() is the floor
    us = duration.microseconds + int((months - whole) * 28 * _US_DAY)
    try:
        finish = _make(whole, us).add_to(start)
    except OverflowError:
        return True
    return finish > end


# -- parsing -------------------------------------------------------------------------------------

_N = rf"[0-9]{{1,{MAX_DIGITS}}}(?:[.,][0-9]{{1,{MAX_DIGITS}}})?"
_DURATION = re.compile(
    rf"P(?:(?P<w>{_N})W|(?=[0-9]|T[0-9])(?:(?P<y>{_N})Y)?(?:(?P<mo>{_N})M)?(?:(?P<d>{_N})D)?"
    rf"(?:T(?=[0-9])(?:(?P<h>{_N})H)?(?:(?P<mi>{_N})M)?(?:(?P<s>{_N})S)?)?)"
)
_match = _DURATION.fullmatch
# With exactly one decimal sign in a matching text: is it in the last component?
_FRACTION_LAST = re.compile(r"[.,][0-9]+[YMWDHS]\Z").search


def parse_duration(text: object) -> Duration:
    """Parse strict ISO 8601-1 duration text (see the module docstring) into a :class:`Duration`.

    Results for ``str`` input are cached (a ``Duration`` is immutable). Raises
    :class:`DurationError` for anything else, including non-string input.

    >>> parse_duration("PT1H15M") == parse_duration("PT75M")
    True
    """
    if type(text) is str:
        return _parse_cached(text)
    if isinstance(text, str):  # a str subclass: parse its plain-str value
        return _parse_cached(str.__str__(text))
    raise DurationError("wrong_type", f"expected a duration string, got {json_type_name(text)}")


def _parse_str(text: str) -> Duration:
    m = _match(text) if len(text) <= MAX_TEXT_LENGTH else None
    if m is None:
        raise _diagnose(text)
    if "." in text or "," in text:
        if text.count(".") + text.count(",") != 1 or not _FRACTION_LAST(text):
            raise _diagnose(text)
        return _evaluate(text, m)
    w, y, mo, d, h, mi, s = m.groups()
    months = 0
    if y is not None:
        months = int(y) * 12
    if mo is not None:
        months += int(mo)
    us = 0
    if w is not None:
        us = int(w) * _US_WEEK
    if d is not None:
        us += int(d) * _US_DAY
    if h is not None:
        us += int(h) * _US_HOUR
    if mi is not None:
        us += int(mi) * _US_MINUTE
    if s is not None:
        us += int(s) * _US_SECOND
    if months > MAX_MONTHS or us > MAX_MICROSECONDS:
        raise _range_error(text, months > MAX_MONTHS)
    return _make(months, us)


def _evaluate(text: str, m: re.Match[str]) -> Duration:
    """The value of a grammatical match, with any fraction; raises only range errors."""
    w, y, mo, d, h, mi, s = m.groups()
    months: int | Fraction = 0
    if y is not None:
        months = _nominal(y, 12)
    if mo is not None:
        months += _nominal(mo, 1)
    us = 0
    if w is not None:
        us = _exact(w, _US_WEEK)
    if d is not None:
        us += _exact(d, _US_DAY)
    if h is not None:
        us += _exact(h, _US_HOUR)
    if mi is not None:
        us += _exact(mi, _US_MINUTE)
    if s is not None:
        us += _exact(s, _US_SECOND)
    if months > MAX_MONTHS or us > MAX_MICROSECONDS:
        raise _range_error(text, months > MAX_MONTHS)
    if isinstance(months, Fraction) and months.denominator == 1:
        months = months.numerator
    return _make(months, us)


_parse_cached = functools.lru_cache(maxsize=4096)(_parse_str)


def _split(token: str) -> tuple[str, str]:
    for sign in ".,":
        whole, found, frac = token.partition(sign)
        if found:
            return whole, frac
    return token, ""


def _nominal(token: str, factor: int) -> int | Fraction:
    whole, frac = _split(token)
    if not frac:
        return int(whole) * factor
    return Fraction(int(whole + frac) * factor, _POW10[len(frac)])


def _exact(token: str, unit: int) -> int:
    """``token`` (decimal text) times ``unit`` microseconds, truncated toward zero."""
    whole, frac = _split(token)
    if not frac:
        return int(whole) * unit
    return int(whole + frac) * unit // _POW10[len(frac)]


# -- error messages (slow path only) -------------------------------------------------------------


def _show(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _range_error(text: str, nominal: bool) -> DurationError:
    if nominal:
        why = "years and months may add up to at most 999999999 years"
    else:
        why = (
            "weeks, days, hours, minutes and seconds may add up to at most "
            "999999999 days 23:59:59.999999 (datetime.timedelta.max)"
        )
    return DurationError(_OUT_OF_RANGE, f"{_show(text)} is out of range: {why}")


_ALTERNATIVE = re.compile(
    r"P[0-9]{4}-?[0-9]{2}(?:-?[0-9]{1,2})?"
    r"(?:T[0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2}(?:[.,][0-9]+)?)?)?)?"
)
_NUMBER = re.compile(r"[0-9]*(?:[.,][0-9]*)?")
_WELL_FORMED_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_DATE_ORDER = {"Y": 0, "M": 1, "D": 2}
_TIME_ORDER = {"H": 3, "M": 4, "S": 5}
_NAMES = {
    ("Y", False): "'Y' (years)",
    ("M", False): "'M' (months)",
    ("D", False): "'D' (days)",
    ("W", False): "'W' (weeks)",
    ("H", True): "'H' (hours)",
    ("M", True): "'M' (minutes)",
    ("S", True): "'S' (seconds)",
}
_FALLBACK = "it does not follow the grammar P[nY][nM][nD][T[nH][nM][nS]] or PnW"


def _diagnose(text: str) -> DurationError:
    """Why ``text`` was rejected by the fast path, as a DurationError."""
    if len(text) > MAX_TEXT_LENGTH:
        return DurationError(
            _OUT_OF_RANGE,
            f"{_show(text)} is too long to be a duration ({len(text)} characters; at most "
            f"{MAX_TEXT_LENGTH} are accepted)",
        )
    if text[:2] == "-P":
        unsigned = text[1:]
        if _match(unsigned) is not None and _fraction_ok(unsigned):
            rest = None  # a duration after the sign, in range or not (the common case)
        else:
            rest = _reason(unsigned)
        if rest is None or rest[0] == _OUT_OF_RANGE:
            return DurationError(
                _NEGATIVE,
                f"{_show(text)} is a negative duration; durations here cannot be negative",
            )
    code, why = _reason(text) or (_INVALID, _FALLBACK)
    if code == _INVALID:
        return DurationError(code, f"{_show(text)} is not an ISO 8601 duration: {why}")
    return DurationError(code, f"{_show(text)} is out of range: {why}")


def _reason(text: str) -> tuple[str, str] | None:
    """(code, reason) for a rejected text, or None when it is acceptable (syntax and range)."""
    if not text:
        return _INVALID, "the string is empty"
    for index, char in enumerate(text):
        if char.isspace():
            return _INVALID, f"it contains whitespace ({char!r} at position {index})"
    if text[0] in "+-":
        return _INVALID, f"a sign ({text[0]!r}) is not allowed"
    for char in text:
        if char.isdigit() and char not in "0123456789":
            return _INVALID, f"{char!r} is not an ASCII digit; only 0-9 are allowed"
    if text[0] != "P":
        if text[0] == "p":
            return _INVALID, "designators must be upper-case ('P', not 'p')"
        return _INVALID, "it must start with 'P'"
    for char in text:
        if char in "pymwdths":
            return _INVALID, f"designators must be upper-case ({char!r} is lower-case)"
    if _ALTERNATIVE.fullmatch(text):
        return _INVALID, (
            "the alternative format (PYYYY-MM-DDThh:mm:ss) is not accepted; "
            "write designators, e.g. P1Y2M3DT4H5M6S"
        )
    components: list[tuple[str, str, bool]] = []  # (designator, number, after T)
    seen_t = False
    pos = 1
    size = len(text)
    while pos < size:
        char = text[pos]
        if char == "T":
            if seen_t:
                return _INVALID, "'T' appears more than once"
            seen_t = True
            pos += 1
            continue
        found = _NUMBER.match(text, pos)
        assert found is not None  # the pattern matches the empty string
        number = found.group()
        pos += len(number)
        if pos == size:
            return _INVALID, f"the number {number!r} at the end has no designator"
        char = text[pos]
        if not number:
            if char in "YMWDHS":
                return _INVALID, f"{char!r} must be preceded by a number"
            return _INVALID, f"unexpected character {char!r} at position {pos}"
        if char not in "YMWDHS":
            if char == "T":
                return _INVALID, f"the number {number!r} before 'T' has no designator"
            return _INVALID, f"unexpected character {char!r} at position {pos}"
        if not _WELL_FORMED_NUMBER.fullmatch(number):
            return _INVALID, (
                f"{number!r} is not a valid number: a decimal sign needs digits on both sides"
            )
        components.append((char, number, seen_t))
        pos += 1
    if seen_t and (not components or not components[-1][2]):
        return _INVALID, "'T' must be followed by at least one time component"
    if not components:
        return _INVALID, "'P' must be followed by at least one component, e.g. PT0S"
    if any(char == "W" for char, _, _ in components) and (len(components) > 1 or seen_t):
        return _INVALID, (
            "weeks ('W') cannot be combined with other components; write them as days"
        )
    previous: tuple[str, bool] | None = None
    for char, _, after_t in components:
        if char == "W":
            continue
        if after_t and char in "YD":
            return _INVALID, f"{_NAMES[char, False]} is a date component and must come before 'T'"
        if not after_t and char in "HS":
            return _INVALID, f"{_NAMES[char, True]} is a time component and must come after 'T'"
        rank = (_TIME_ORDER if after_t else _DATE_ORDER)[char]
        if previous is not None:
            before = (_TIME_ORDER if previous[1] else _DATE_ORDER)[previous[0]]
            if rank == before:
                return _INVALID, f"{_NAMES[char, after_t]} appears more than once"
            if rank < before:
                return _INVALID, (
                    f"components must be in the order Y, M, D, T, H, M, S, but "
                    f"{_NAMES[char, after_t]} comes after {_NAMES[previous]}"
                )
        previous = (char, after_t)
    for char, number, _ in components[:-1]:
        if "." in number or "," in number:
            return _INVALID, (
                f"only the last component may have a decimal fraction, but {number + char!r} "
                "is followed by another component"
            )
    for _, number, _ in components:
        whole, frac = _split(number)
        if len(whole) > MAX_DIGITS or len(frac) > MAX_DIGITS:
            return _OUT_OF_RANGE, (
                f"a number may have at most {MAX_DIGITS} digits before and after the decimal sign"
            )
    m = _match(text)
    if m is None or not _fraction_ok(text):  # pragma: no cover - the two checks disagree
        return _INVALID, _FALLBACK
    try:
        _evaluate(text, m)
    except DurationError as exc:
        return _OUT_OF_RANGE, exc.message.partition(" is out of range: ")[2]
    return None


def _fraction_ok(text: str) -> bool:
    signs = text.count(".") + text.count(",")
    return signs == 0 or (signs == 1 and _FRACTION_LAST(text) is not None)
