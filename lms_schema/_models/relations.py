"""Relations: which fields of a model point at another model, a view of the field analysis.

A relation field is typed ``UUID | PartialX | None | Absent`` (or a list of ``UUID | PartialX``;
``instructors`` holds ``UUID | JSONObject`` because there is no Instructor model). The table is
read off :func:`~lms_schema._models.fields.fields_of`, so it cannot drift from the models:
``relations(Completion)["user"]`` is ``Relation("user", PartialUser, many=False)``.
"""

from __future__ import annotations

from functools import cache
from typing import Any, get_args, get_origin

import attrs

from .fields import Kind, fields_of, is_model
from .models import Page

__all__ = ["Relation", "model_of", "relations"]


@attrs.frozen
class Relation:
    """A relation field: its ``name``, the model it points at (None for ``instructors``,
    whose expanded form is any JSON object) and whether it is a list (``many``)."""

    name: str
    target: type | None
    many: bool


def model_of(cls: Any) -> type:
    """The model class behind ``cls``: ``Page[Completion]`` -> ``Completion``."""
    if cls is Page or get_origin(cls) is Page:
        (item,) = get_args(cls) or (None,)
        if item is None:
            raise TypeError("Page needs an item model: Page[Completion]")
        return model_of(item)
    if not is_model(cls):
        raise TypeError(f"{cls!r} is not an LMS model")
    return cls  # type: ignore[no-any-return]


@cache
def relations(cls: type) -> dict[str, Relation]:
    """The relation fields of a model (or of ``Page[model]``'s items), by name, in field order."""
    return {
        f.name: Relation(f.name, f.target, f.many)
        for f in fields_of(model_of(cls)).declared
        if f.kind is Kind.RELATION
    }
