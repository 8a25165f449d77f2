"""The ``expand`` query parameter: ``user,course[name,duration]`` as a structured value.

Grammar (Bindbee: "relation names comma separated without spaces; required fields in []")::

    expand    := "" | relation ("," relation)*
    relation  := name ("[" name ("," name)* "]")?
    name      := [A-Za-z0-9_]+

A name must be a relation of the model (completions: user, course, content; enrollments:
user, course, completion; courses: categories, contents, skills, instructors; contents:
categories, skills, courses; users, categories and skills have none), named once; a selected
field must be a field of the related model (any name for ``instructors``, which has no
model), selected once. The empty text means "expand nothing".

Every problem is a :class:`~lms_schema.ValidationError` issue at ``query.expand`` (the 422
``loc`` of the parameter) whose message gives the 0-based character position and what was
expected there::

    >>> from lms_schema import Completion, format_expand, parse_expand
    >>> expand = parse_expand("user[first_name],course", Completion)
    >>> expand.get("user")
    Expansion(name='user', fields=('first_name',))
    >>> format_expand(expand)
    'user[first_name],course'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import attrs

from .._models.relations import model_of, relations
from .._values.issues import Issue, ValidationError
from .._values.leaf import json_type_name

__all__ = ["EXPAND_PATH", "Expand", "Expansion", "format_expand", "parse_expand", "read_expand"]

#: Where expand problems are reported: the 422 ``loc`` ``["query", "expand"]``.
EXPAND_PATH = "query.expand"

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _optional_tuple(fields: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if fields is None else tuple(fields)


@attrs.frozen
class Expansion:
    """One expanded relation: its ``name`` and the selected ``fields`` (None: the whole object).

    >>> str(Expansion("user", ("id", "first_name")))
    'user[id,first_name]'
    """

    name: str
    fields: tuple[str, ...] | None = attrs.field(default=None, converter=_optional_tuple)

    def __str__(self) -> str:
        if self.fields is None:
            return self.name
        return f"{self.name}[{','.join(self.fields)}]"


def _expansions(items: Iterable[Expansion]) -> tuple[Expansion, ...]:
    return tuple(items)


@attrs.frozen
class Expand:
    """The parsed ``expand`` parameter: the expanded relations, in the order written.

    Behaves like a read-only collection of relation names::

        expand = parse_expand("user[first_name],course", Completion)
        "user" in expand                 # True
        expand.get("user").fields        # ('first_name',)
        expand.get("content")            # None: content stays a UUID
        str(expand)                      # 'user[first_name],course'
    """

    expansions: tuple[Expansion, ...] = attrs.field(default=(), converter=_expansions)

    def get(self, name: str) -> Expansion | None:
        """The expansion of relation ``name``, or None when it is not expanded."""
        for expansion in self.expansions:
            if expansion.name == name:
                return expansion
        return None

    @property
    def names(self) -> tuple[str, ...]:
        """The expanded relation names."""
        return tuple(e.name for e in self.expansions)

    def __contains__(self, name: object) -> bool:
        return any(e.name == name for e in self.expansions)

    def __iter__(self) -> Iterator[Expansion]:
        return iter(self.expansions)

    def __len__(self) -> int:
        return len(self.expansions)

    def __str__(self) -> str:
        return format_expand(self)


def format_expand(expand: Expand) -> str:
    """The ``expand`` text of a value; ``parse_expand(format_expand(e), cls) == e``."""
    return ",".join(map(str, expand.expansions))


def parse_expand(text: str, cls: Any) -> Expand:
    """Parse ``expand`` text for a model (``Completion``, ``PartialCompletion`` or
    ``Page[Completion]``); raise :class:`~lms_schema.ValidationError` on any problem."""
    if type(text) is not str:
        raise ValidationError(
            [Issue(EXPAND_PATH, "wrong_type", f"expected a string, got {json_type_name(text)}")]
        )
    return _parse(text, model_of(cls))


def _show(found: str) -> str:
    if found == "":
        return "the end"
    if found == " ":
        return "a space (relation names are comma separated without spaces)"
    if found.isspace():
        return f"whitespace {found!r}"
    return repr(found)


def _plural(model: type) -> str:
    name = model.__name__.removeprefix("Partial").lower()
    return name[:-1] + "ies" if name.endswith("y") else name + "s"


def _singular(model: type) -> str:
    return model.__name__.removeprefix("Partial").lower()


class _ExpandSyntaxError(Exception):
    def __init__(self, position: int, expected: str, found: str, note: str = "") -> None:
        super().__init__()
        self.message = f"expected {expected} at position {position}, found {_show(found)}{note}"


@lru_cache(maxsize=1024)
def _parse(text: str, model: type) -> Expand:
    expand, issues = _read(text, model)
    if issues:
        raise ValidationError(issues)
    return expand


def read_expand(text: str, cls: Any) -> tuple[Expand, tuple[Issue, ...]]:
    """Parse ``expand`` text without raising: ``(what was understood, issues)``.

    The value keeps every relation read before a syntax error (``invalid_expand``), the first
    of a repeated relation, and of a bracket selection only the known fields, each once (no
    known field left: the whole object); unknown relations are left out. Used where the text
    is only linted (Bindbee's server reads it as a plain string)."""
    if type(text) is not str:
        return Expand(), (
            Issue(EXPAND_PATH, "wrong_type", f"expected a string, got {json_type_name(text)}"),
        )
    return _read_cached(text, model_of(cls))


@lru_cache(maxsize=1024)
def _read_cached(text: str, model: type) -> tuple[Expand, tuple[Issue, ...]]:
    expand, issues = _read(text, model)
    return expand, tuple(issues)


def _read(text: str, model: type) -> tuple[Expand, list[Issue]]:
    table = relations(model)
    issues: list[Issue] = []
    expansions: list[Expansion] = []
    seen: dict[str, int] = {}
    size = len(text)
    pos = 0

    def name_at(start: int, what: str, note: str = "") -> tuple[str, int]:
        end = start
        while end < size and text[end] in _NAME_CHARS:
            end += 1
        if end == start:
            raise _ExpandSyntaxError(start, what, text[start : start + 1], note)
        return text[start:end], end

    try:
        while size:  # the empty text expands nothing
            start = pos
            name, pos = name_at(pos, "a relation name")
            fields: tuple[str, ...] | None = None
            if pos < size and text[pos] == "[":
                fields, pos = _selection(text, pos, name_at)
            if pos < size and text[pos] != ",":
                expected = "',' or the end" if fields is not None else "',', '[' or the end"
                raise _ExpandSyntaxError(pos, expected, text[pos])
            relation = table.get(name)
            if relation is None:
                issues.append(_unknown_relation(name, start, model, table))
            elif name in seen:
                issues.append(
                    Issue(
                        EXPAND_PATH,
                        "duplicate_relation",
                        f"relation {name!r} at position {start} is already expanded at "
                        f"position {seen[name]}",
                    )
                )
            else:
                seen[name] = start
                if fields is not None:
                    found = list(_field_issues(text, start, fields, relation.target))
                    if found:
                        issues.extend(found)
                        fields = _known_fields(fields, relation.target)
                expansions.append(Expansion(name, fields))
            if pos == size:
                break
            pos += 1
            if pos == size:
                raise _ExpandSyntaxError(pos, "a relation name after ','", "")
    except _ExpandSyntaxError as problem:
        issues.append(Issue(EXPAND_PATH, "invalid_expand", problem.message))
    return Expand(tuple(expansions)), issues


def _known_fields(fields: tuple[str, ...], target: type | None) -> tuple[str, ...] | None:
    """A selection without unknown and repeated fields; None when nothing known is left."""
    known = None if target is None else {a.name for a in attrs.fields(target)}
    kept = tuple(dict.fromkeys(f for f in fields if known is None or f in known))
    return kept or None


def _selection(text: str, pos: int, name_at: Any) -> tuple[tuple[str, ...], int]:
    """Read ``[a,b]`` starting at the ``[``; return the field names and the position after."""
    opened = pos
    note = f" (the '[' at position {opened} is not closed)"
    fields: list[str] = []
    pos += 1
    while True:
        field, pos = name_at(pos, "a field name", note if pos == len(text) else "")
        fields.append(field)
        if pos == len(text):
            raise _ExpandSyntaxError(pos, "',' or ']'", "", note)
        if text[pos] == "]":
            return tuple(fields), pos + 1
        if text[pos] != ",":
            raise _ExpandSyntaxError(pos, "',' or ']'", text[pos])
        pos += 1


def _unknown_relation(name: str, start: int, model: type, table: dict[str, Any]) -> Issue:
    if not table:
        message = (
            f"{_plural(model)} have no relations to expand; found {name!r} at position {start}"
        )
    else:
        message = (
            f"{name!r} at position {start} is not a relation of {_plural(model)} "
            f"(expected one of {', '.join(table)})"
        )
    return Issue(EXPAND_PATH, "unknown_relation", message)


def _field_issues(
    text: str, start: int, fields: tuple[str, ...], target: type | None
) -> Iterator[Issue]:
    """Unknown and repeated fields of a selection (any name goes for ``instructors``)."""
    known = None if target is None else [a.name for a in attrs.fields(target)]
    where: dict[str, int] = {}
    pos = start + text[start:].index("[") + 1
    for field in fields:
        if known is not None and field not in known:
            assert target is not None
            yield Issue(
                EXPAND_PATH,
                "unknown_field",
                f"{field!r} at position {pos} is not a field of {_singular(target)} "
                f"(expected one of {', '.join(known)})",
            )
        elif field in where:
            yield Issue(
                EXPAND_PATH,
                "duplicate_field",
                f"field {field!r} at position {pos} is already selected at position {where[field]}",
            )
        else:
            where[field] = pos
        pos += len(field) + 1
