"""The error type raised by the leaf parsers (ids, date-times, grades, primitives).

Hooks raise :class:`FieldError`; the converter turns it into an :class:`~lms_schema.Issue`
at the field's JSONPath. Any exception with ``code`` and ``message`` attributes (such as
:class:`~lms_schema.DurationError`) is reported the same way.
"""

from __future__ import annotations

__all__ = ["FieldError", "json_type_name"]


class FieldError(ValueError):
    """A value rejected by a leaf rule, with a stable ``code`` and a ``message``."""

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[FieldError], tuple[str, str]]:
        return (type(self), (self.code, self.message))


_JSON_NAMES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
    dict: "object",
    list: "array",
}


def json_type_name(value: object) -> str:
    """The JSON name of a value's type, for messages: ``json_type_name(3) == "integer"``."""
    name = _JSON_NAMES.get(type(value))
    if name is not None:
        return name
    return f"Python {type(value).__name__}"
