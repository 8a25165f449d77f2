"""The strict grammars as JSON Schema patterns (ECMA-262 regular expressions).

Each pattern is exactly the grammar the strict parser accepts, built from the parser's own
constants, and written without look-around so that every regular-expression engine (ECMA-262,
Python ``re``, Rust ``regex``/``fancy-regex``, Go RE2) reads it the same way. A test compares
every pattern with its parser on generated and hostile strings::

    >>> import re
    >>> re.search(DURATION_PATTERN, "PT1H15M") is not None
    True

One difference between engines remains: Python's ``$`` also matches before a final newline
(``re.search("^a$", "a\\n")`` matches). None of these grammars allows a newline, so every
schema that uses one of them adds :data:`NO_NEWLINE` (``"not": {"pattern": "\\n"}``) beside
it; in ECMA-262 engines it changes nothing.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from .._models.relations import relations
from .._values.durations import MAX_DIGITS, MAX_TEXT_LENGTH
from .._values.ids import _UUID

__all__ = [
    "DATETIME_PATTERN",
    "DURATION_MAX_LENGTH",
    "DURATION_PATTERN",
    "NO_NEWLINE",
    "UUID_LIST_PATTERN",
    "UUID_PATTERN",
    "expand_pattern",
]

#: Beside every pattern of a grammar without newlines (see the module docstring).
NO_NEWLINE: Final[dict[str, Any]] = {"pattern": "\n"}


def _anchored(body: str) -> str:
    return f"^(?:{body})$"


# -- UUIDs: the parser's own expression ----------------------------------------------------------

_UUID_BODY: Final = _UUID.pattern
#: Canonical 8-4-4-4-12 hex, either case, any version (the parser's expression, anchored).
UUID_PATTERN: Final = _anchored(_UUID_BODY)
#: Comma-separated UUIDs, at least one, no empty item (``ids`` and the relation filters).
UUID_LIST_PATTERN: Final = _anchored(f"{_UUID_BODY}(?:,{_UUID_BODY})*")

# -- date-times: RFC 3339 with real calendar dates -----------------------------------------------

_YEAR: Final = "000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3}"  # 0001-9999
# Divisible by 4 and not by 100, or divisible by 400 (0000 is not a year here).
_LEAP_YEAR: Final = "[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00"
_DAY_31: Final = "(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
_DAY_30: Final = "(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
_DAY_FEB: Final = "02-(?:0[1-9]|1[0-9]|2[0-8])"
_DATE: Final = f"(?:{_YEAR})-(?:{_DAY_31}|{_DAY_30}|{_DAY_FEB})|(?:{_LEAP_YEAR})-02-29"
# Hours 00-23, no leap second 60 (datetime cannot hold it), any number of fraction digits.
_TIME: Final = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?"
# No offset (read as UTC), Z or z, or +hh:mm / -hh:mm below 24 hours.
_OFFSET: Final = "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
#: RFC 3339 date-time as the strict parser reads it: real dates (month lengths, leap years),
#: ``T`` or ``t``, an optional offset.
DATETIME_PATTERN: Final = _anchored(f"(?:{_DATE})[Tt]{_TIME}{_OFFSET}")

# -- durations: ISO 8601-1 designators, the fraction only on the last component -----------------

_INT: Final = f"[0-9]{{1,{MAX_DIGITS}}}"
_NUM: Final = f"{_INT}(?:[.,]{_INT})?"  # the last component may have a fraction


def _last_component_alternatives() -> str:
    """One alternative per designator that can come last: the components before it are
    optional whole numbers in order, the last one may have a fraction."""
    date = [("Y", "Y"), ("M", "M"), ("D", "D")]
    time = [("H", "H"), ("M", "M"), ("S", "S")]
    alternatives = [f"{_NUM}W"]
    for index, (_, letter) in enumerate(date):
        before = "".join(f"(?:{_INT}{d})?" for _, d in date[:index])
        alternatives.append(f"{before}{_NUM}{letter}")
    all_date = "".join(f"(?:{_INT}{d})?" for _, d in date)
    time_alternatives = []
    for index, (_, letter) in enumerate(time):
        before = "".join(f"(?:{_INT}{t})?" for _, t in time[:index])
        time_alternatives.append(f"{before}{_NUM}{letter}")
    alternatives.append(f"{all_date}T(?:{'|'.join(time_alternatives)})")
    return "|".join(alternatives)


#: ISO 8601-1 designator format (``PnYnMnDTnHnMnS`` or ``PnW``), at most 30 digits before
#: and after the decimal sign, the fraction only on the last component.
DURATION_PATTERN: Final = _anchored(f"P(?:{_last_component_alternatives()})")
#: The longest duration text the parser reads.
DURATION_MAX_LENGTH: Final = MAX_TEXT_LENGTH

# -- expand ----------------------------------------------------------------------------------

_NAME: Final = "[A-Za-z0-9_]+"


def expand_pattern(model: type) -> str | None:
    """The ``expand`` grammar of a model with its relation and field names spelled out, or
    None when the model has no relation. What it cannot say: a relation or a field named
    twice (``duplicate_relation``, ``duplicate_field``)."""
    alternatives = []
    for relation in relations(model).values():
        if relation.target is None:
            field = _NAME  # instructors: any field name
        else:
            field = "|".join(a.name for a in attrs.fields(relation.target))
        alternatives.append(f"{relation.name}(?:\\[(?:{field})(?:,(?:{field}))*\\])?")
    if not alternatives:
        return None
    one = f"(?:{'|'.join(alternatives)})"
    return _anchored(f"{one}(?:,{one})*|")
