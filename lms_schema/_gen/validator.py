"""The generated function of ``validate()``: the checker, and the errors when there are any.

The checker of :mod:`lms_schema._gen.fast` builds the value of a valid payload in one walk
and declines at the first problem. The function generated here is that checker with each
field of the top-level object checked inside its own ``try``: a field that fails is
explained on the spot, by the explain walk of :mod:`lms_schema._gen.explain` for that one
value (the leaf parser's own error when the checker's exception is one, so a bad date-time is
parsed once), and the next fields are checked as before. One walk of the payload then gives
the value of a valid payload or every error of an invalid one, in the cattrs path's order and
words::

    validate_fast = validator(Completion, forbid_unknown_keys=False)
    found, errors = [], []
    value = validate_fast(payload, found, errors)  # INVALID when ``errors`` has the issues

``try`` costs nothing in CPython 3.11 until something is raised, so a valid payload takes
the checker's path. The function raises (any exception) when the cattrs path must decide: a
field that failed but whose explanation found no problem, expansions nested deeper than the
generated functions go, anything unexpected. ``tests/test_explain_path.py`` checks that
``validate()`` gives the issues of the cattrs path.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

from .._models.fields import FieldInfo, Kind, fields_of, item_of
from .._models.models import Page
from .._values.issues import Issue, PathPart
from .declines import note_decline
from .explain import (
    _LEAF_ERRORS,
    ExplainBuilder,
    _explain,
    _explainable,
    _failed,
    _missing,
    leaf_parts,
)
from .explain import _unknown as _unknown_keys
from .fast import StructureBuilder, _title, supported

__all__ = ["INVALID", "VALIDATORS", "ValidateBuilder", "validator"]

#: What a generated validate function returns for a payload with errors.
INVALID: Any = object()


def _retry(
    exc: Exception,
    inner: Callable[[Any, Any], Any],
    hook: Callable[[Any, Any], Any],
    expected: str | None,
    rejected: frozenset[type] | None,
    value: Any,
    path: tuple[PathPart, ...],
    out: list[Issue],
) -> None:
    """The issue of a value of a (non-list) leaf field on which the checker raised ``exc``:
    a leaf parser's error is the one the field's element hook raises (the checker calls the
    same parser); for anything else the value is explained again."""
    if type(exc) in _LEAF_ERRORS:
        _failed(exc, hook, expected, value, path, out)
    else:
        _explain(inner, hook, expected, rejected, value, path, out)


class ValidateBuilder(StructureBuilder):
    """The checker (``StructureBuilder`` tracking warnings) whose top-level function explains
    each field that fails instead of declining."""

    def __init__(self, forbid_unknown_keys: bool) -> None:
        super().__init__(forbid_unknown_keys, track_warnings=True)
        self.explainer = ExplainBuilder(forbid_unknown_keys)
        self.namespace.update(
            _INVALID=INVALID,
            _note=note_decline,
            _missing=_missing,
            _unknown=_unknown_keys,
            _retry=_retry,
        )

    def build(self, root: Any) -> Callable[[Any], Any]:
        self.root = root
        self.explains = self.explainer.field_functions(root)
        return super().build(root)

    def source(self, key: Any) -> str:
        cls, depth = key
        if cls is not self.root or depth:
            return super().source(key)
        self.depth = 0
        analysed = fields_of(cls)
        title = _title(cls)
        lines = [
            "if type(d) is not dict:",
            f"    raise _DeclinedError({title + ': not an object'!r})",
            "get = d.get",
            f"n = {len(analysed.declared)}",
        ]
        for field in analysed.declared:
            var = f"f_{field.name}"
            lines += [f"{var} = get({field.name!r}, _MISSING)", f"if {var} is _MISSING:"]
            if field.required:
                lines.append(f"    out.append(_missing((), {field.name!r}))")
            else:
                lines.append(f"    {var} = ABSENT")
            lines.append("    n -= 1")
            self.where = f"{title}.{field.name}"
            self.slot = field.name
            body = self.check(var, field)
            self.slot = None
            if body:
                lines += [
                    "else:",
                    "    try:",
                    *("        " + line for line in body),
                    "    except Exception as e:",
                    *("        " + line for line in self.recover(cls, field)),
                ]
        if self.forbid:
            known = self.const(analysed.names)
            lines += ["if n != len(d):", f"    _unknown(d, {known}, (), out)"]
        else:
            lines += ["if n != len(d):", "    w.append('unknown key')"]
        lines += ["if out:", "    return _INVALID"]
        target = Page if item_of(cls) is not None else cls
        lines += self.construct(target, [f.name for f in analysed.declared])
        return self.function(self.name_of(cls), "d, w, out", lines)

    def recover(self, cls: Any, field: FieldInfo) -> list[str]:
        """The statements that explain a value of ``field`` on which the check raised ``e``
        (recorded as a decline, as when the checker declines)."""
        name = field.name
        value = f"get({name!r})"  # the value as it was (the check may have replaced it)
        lines = [f"_note({self.const(cls)}, 'dict', e)", "k = len(out)"]
        models = field.kind in (Kind.RELATION, Kind.OBJECT) and field.target is not None
        if field.many or models:
            explain = self.const(self.explains[name])
            lines.append(f"{explain}({value}, (), out, w)")
        else:
            inner, hook, expected, rejected = leaf_parts(field, self.explainer.conv)
            known = "None" if rejected is None else self.const(rejected)
            arguments = f"{self.const(inner)}, {self.const(hook)}, {expected!r}, {known}"
            lines.append(f"_retry(e, {arguments}, {value}, ({name!r},), out)")
        why = f"{self.where}: no problem found"
        return [*lines, "if len(out) == k:", f"    raise _DeclinedError({why!r})"]


_VALIDATORS: dict[tuple[Any, bool], Callable[[Any, list[str], list[Issue]], Any] | None] = {}
#: The functions :func:`validator` built, by (class, forbid_unknown_keys) (None: none).
VALIDATORS = _VALIDATORS


def validator(
    cls: Any, forbid_unknown_keys: bool = False
) -> Callable[[Any, list[str], list[Issue]], Any] | None:
    """The generated function of ``validate()`` for a model or ``Page[model]`` (None
    otherwise): ``validate(payload, found, errors)`` returns the value (flagging in ``found``
    what the checker flags) or :data:`INVALID` with the issues in ``errors``; it raises
    (any exception) when the cattrs path must decide."""
    key = (cls, forbid_unknown_keys)
    try:
        return _VALIDATORS[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable type argument
        return None
    fn = None
    if supported(cls) and _explainable(cls):
        built = ValidateBuilder(forbid_unknown_keys).build(cls)
        fn = typing.cast(Callable[[Any, list[str], list[Issue]], Any], built)
    _VALIDATORS[key] = fn
    return fn
