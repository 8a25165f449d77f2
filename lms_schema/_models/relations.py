"""Relations: which fields of a model point at another model, read once from the type hints.

A relation field is typed ``UUID | PartialX | None | Absent`` (or a list of ``UUID | PartialX``;
``instructors`` holds ``UUID | JSONObject`` because there is no Instructor model). The table is
derived from the models themselves, so it cannot drift from them:
``relations(Completion)["user"]`` is ``Relation("user", PartialUser, many=False)``.
"""

from __future__ import annotations

from functools import cache
from typing import Any, get_args, get_origin
from uuid import UUID

import attrs

from .._convert.converter import _is_model, _union_args
from .._values.absent import JSONObject
from .models import Page, field_types

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
    if not _is_model(cls):
        raise TypeError(f"{cls!r} is not an LMS model")
    return cls  # type: ignore[no-any-return]


def _relation(name: str, tp: Any) -> Relation | None:
    members = _union_args(tp) or (tp,)
    targets = [m for m in members if _is_model(m)]
    if UUID in members and targets:
        return Relation(name, targets[0], many=False)
    for member in members:
        many = get_origin(member) is list
        inner = get_args(member)[0] if many else member
        element = _union_args(inner)
        if element is not None and UUID in element:
            (target,) = (e for e in element if e is not UUID)
            return Relation(name, None if target == JSONObject else target, many)
    return None


@cache
def relations(cls: type) -> dict[str, Relation]:
    """The relation fields of a model (or of ``Page[model]``'s items), by name, in field order."""
    model = model_of(cls)
    out = {}
    for name, tp in field_types(model).items():
        relation = _relation(name, tp)
        if relation is not None:
            out[name] = relation
    return out
