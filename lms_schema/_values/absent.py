"""The sentinel for a key that is absent from the payload, as opposed to present and null.

>>> from lms_schema import ABSENT, value_or_none
>>> ABSENT, str(ABSENT), bool(ABSENT)
(ABSENT, 'ABSENT', False)
>>> value_or_none(ABSENT), value_or_none(None), value_or_none(95)
(None, None, 95)
"""

from __future__ import annotations

import enum
from typing import Any, Final, Literal, TypeAlias, TypeVar

__all__ = ["ABSENT", "Absent", "JSONObject", "value_or_none"]

T = TypeVar("T")


class Absent(enum.Enum):
    """Type of :data:`ABSENT`. A field typed ``int | None | Absent`` distinguishes a key that
    is missing (``ABSENT``) from one that is null (``None``); mypy narrows with ``is ABSENT``::

        if completion.score is ABSENT:
            ...  # the key was not in the payload
        elif completion.score is None:
            ...  # the key was there, and null

    ``ABSENT`` is falsy (like msgspec's ``UNSET``) and prints as ``ABSENT``. When absent and
    null mean the same to you, :func:`value_or_none` reads a field as a value or None.
    """

    ABSENT = "ABSENT"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "ABSENT"

    def __str__(self) -> str:
        return "ABSENT"

    def __format__(self, spec: str) -> str:
        return format("ABSENT", spec)


ABSENT: Final = Absent.ABSENT
"""The value of a field whose key was not in the payload (``None``: the key was null)."""


def value_or_none(value: T | Absent) -> T | None:
    """``value``, or None when it is :data:`ABSENT`: absent and null read the same.

    For code that does not care whether a key was missing or null::

        started = lms_schema.value_or_none(completion.started_at)  # datetime | None
    """
    return None if value is ABSENT else value


JSONObject: TypeAlias = dict[str, Any]
"""Any JSON object, kept verbatim (``custom_fields``, ``raw_data``, expanded instructors)."""
