"""The sentinel for a key that is absent from the payload, as opposed to present and null."""

from __future__ import annotations

import enum
from typing import Any, Final, Literal, TypeAlias

__all__ = ["ABSENT", "Absent", "JSONObject"]


class Absent(enum.Enum):
    """Type of :data:`ABSENT`. A field typed ``int | None | Absent`` distinguishes a key that
    is missing (``ABSENT``) from one that is null (``None``); mypy narrows with ``is ABSENT``::

        if completion.score is ABSENT:
            ...  # the key was not in the payload
        elif completion.score is None:
            ...  # the key was there, and null
    """

    ABSENT = "ABSENT"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = Absent.ABSENT

#: Any JSON object, kept verbatim (``custom_fields``, ``raw_data``, expanded instructors).
JSONObject: TypeAlias = dict[str, Any]
