"""The generated function of ``validate()``: the checker, and the errors when there are any.

The checker (:class:`~lms_schema._gen.fast.StructureBuilder` tracking warnings) builds the
value of a valid payload in one walk and declines at the first problem; ``validate()`` then
needed the cattrs path to list the errors. The function generated here is that checker with
each field of the top-level object checked inside its own ``try``. A field whose check
raises is explained on the spot: by the leaf parser's own error when that is what the check
raised (a bad date-time is parsed once), else by the explain walk of
:mod:`lms_schema._gen.explain` for that one value; the next fields are checked as before,
and the unknown keys come last. One walk of the payload gives the value of a valid payload,
or every error of an invalid one in the cattrs path's order and words::

    validate_fast = validator(Completion, forbid_unknown_keys=False)
    found = []
    try:
        value = validate_fast(payload, found)
    except Exception:
        ...  # the cattrs path decides
    if value is INVALID:
        errors = found.pop()  # the issues come last in the list of flags

``try`` costs almost nothing in CPython 3.11 until something is raised, so a valid payload
takes the checker's path. The errors come back at the end of the list of flags (a raised
exception would cost an invalid payload half a microsecond, a list of its own a valid one
an allocation). The function raises when the cattrs path must decide: a field that failed
but where the explain walk found no problem, expansions nested deeper than the generated
functions go, anything unexpected. ``tests/test_explain_path.py`` checks that
``validate()`` gives the issues of the cattrs path.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

import attrs

from .._convert.converter import wrong_type_message
from .._models.fields import FieldInfo, Kind, fields_of
from .._values.issues import Issue, PathPart, format_path
from . import native as _native
from .declines import _state as _declines_state
from .declines import note_decline
from .explain import (
    _LEAF_ERRORS,
    ExplainBuilder,
    _explain,
    _explainable,
    _failed,
    _missing,
    _unknown,
    leaf_parts,
)
from .fast import Declined, StructureBuilder, supported

__all__ = ["INVALID", "VALIDATORS", "ValidateBuilder", "validator"]

#: What a generated validate function returns for a payload with errors (appended, as a
#: list of issues, to its list of flags).
INVALID: Any = object()

if _native.module() is not None:  # the quick recoveries of the native builders (_Field.quick)
    _native.module().configure_issues(Issue, _LEAF_ERRORS, _declines_state)


@attrs.frozen
class _Field:
    """What :func:`_recover` needs to explain one top-level field."""

    cls: Any
    name: str
    where: str
    #: the explain walk of the field's value (lists, expanded objects), or None: ``leaf``
    explain: Callable[[Any, tuple[PathPart, ...], list[Issue], list[str]], Any] | None
    #: :func:`~lms_schema._gen.explain.leaf_parts` of a leaf field
    leaf: tuple[Any, Any, str | None, frozenset[type] | None] | None
    #: for the native builders, which make a leaf field's commonest issues without calling
    #: :func:`_recover` (``quick_recovery`` in ``_native.c``): (its path, its ``wrong_type``
    #: issue for each JSON type its element hook rejects, whether its hook words a leaf's
    #: ``wrong_type`` error again, its element hook); None for the other fields
    quick: tuple[str, dict[type, Issue], bool, Any] | None = attrs.field(init=False)

    @quick.default
    def _quick(self) -> tuple[str, dict[type, Issue], bool, Any] | None:
        """What :func:`_recover` gives a leaf field's value of a JSON type its element hook
        rejects (the same issue whatever the check raised), made once per type."""
        if self.leaf is None:
            return None
        path = format_path((self.name,))
        inner, _, expected, rejected = self.leaf
        wrong: dict[type, Issue] = {}
        if expected is not None and rejected is not None:
            for tp in rejected:
                message = wrong_type_message(expected, _SAMPLES[tp])
                wrong[tp] = Issue(path, "wrong_type", message)
        return path, wrong, expected is not None, inner


#: A value of each JSON type (what a ``wrong_type`` message names is its type).
_SAMPLES: dict[type, Any] = {str: "", int: 0, float: 0.0, bool: False, list: [], dict: {}}


def _recover(
    field: _Field, exc: Exception, d: dict[Any, Any], out: list[Issue] | None, w: list[str]
) -> list[Issue]:
    """Explain a field of the top-level object ``d`` whose check raised ``exc``: the issues
    list (``out``, or a new one) with the field's issues appended. Raises ``Declined`` when
    there are none (the cattrs path decides)."""
    note_decline(field.cls, "dict", exc)
    issues = [] if out is None else out
    count = len(issues)
    value = d.get(field.name)  # the value as it was (the check may have replaced it)
    leaf = field.leaf
    if leaf is None:
        assert field.explain is not None
        field.explain(value, (), issues, w)
    elif type(exc) in _LEAF_ERRORS:  # the leaf parser's own error: what its hook raises
        _failed(exc, leaf[1], leaf[2], value, (field.name,), issues)
    else:
        _explain(*leaf, value, (field.name,), issues)
    if len(issues) == count:
        raise Declined(f"{field.where}: no problem found") from exc
    return issues


def _missing_key(out: list[Issue] | None, name: str) -> list[Issue]:
    """The issues list (``out``, or a new one) with a missing top-level key appended."""
    issues = [] if out is None else out
    issues.append(_missing((), name))
    return issues


def _unknown_keys(d: dict[Any, Any], known: frozenset[str], out: list[Issue] | None) -> list[Issue]:
    """The issues list (``out``, or a new one) with the top-level unknown keys appended."""
    issues = [] if out is None else out
    _unknown(d, known, (), issues)
    return issues


class ValidateBuilder(StructureBuilder):
    """The checker (``StructureBuilder`` tracking warnings) whose top-level function explains
    each field that fails instead of declining."""

    def __init__(self, forbid_unknown_keys: bool, native: bool | None = None) -> None:
        super().__init__(forbid_unknown_keys, track_warnings=True, native=native)
        self.explainer = ExplainBuilder(forbid_unknown_keys)
        self.fields: list[_Field] = []
        self.namespace.update(
            _INVALID=INVALID,
            _F=self.fields,
            _recover=_recover,
            _missing_key=_missing_key,
            _unknown_keys=_unknown_keys,
        )

    def build(self, root: Any) -> Callable[[Any], Any]:
        self.root = root
        self.at_root = False
        self.explains = self.explainer.field_functions(root)
        return super().build(root)

    def source(self, key: Any) -> str:
        # The checker's functions, the top-level one with each field's check in a try (the
        # hooks below, active for it alone).
        self.at_root = key == (self.root, 0)
        return super().source(key)

    def prologue(self) -> list[str]:
        return ["out = None"] if self.at_root else []

    def native_recovery(self, cls: Any) -> tuple[Any, ...] | None:
        if not self.at_root:
            return None
        return (_recover, _missing_key, _unknown_keys, fields_of(cls).names, INVALID)

    def native_rescue(self, cls: Any, field: FieldInfo) -> Any:
        return self.recovery(cls, field) if self.at_root else None

    def missing(self, var: str, field: FieldInfo, title: str, count: bool) -> list[str]:
        if self.at_root and field.required:
            return [f"out = _missing_key(out, {field.name!r})", "n -= 1"]
        return super().missing(var, field, title, count)

    def present(self, cls: Any, field: FieldInfo, body: list[str]) -> list[str]:
        if not self.at_root:
            return body
        recover = f"out = _recover(_F[{len(self.fields)}], e, d, out, w)"
        self.fields.append(self.recovery(cls, field))
        return [
            "try:",
            *("    " + line for line in body),
            "except Exception as e:",
            f"    {recover}",
        ]

    def after_fields(self, names: frozenset[str], title: str) -> list[str]:
        if not self.at_root:
            return super().after_fields(names, title)
        if self.forbid:
            unknown = ["if n != len(d):", f"    out = _unknown_keys(d, {self.const(names)}, out)"]
        else:
            unknown = ["if n != len(d):", "    w.append('unknown key')"]
        return [*unknown, "if out is not None:", "    w.append(out)", "    return _INVALID"]

    def recovery(self, cls: Any, field: FieldInfo) -> _Field:
        """How :func:`_recover` explains a value of ``field`` on which the check raised:
        a leaf field's check raises only its leaf parser's errors of the value (or its own
        declines); the others are walked again."""
        if field.many or (field.kind in (Kind.RELATION, Kind.OBJECT) and field.target):
            return _Field(cls, field.name, self.where, self.explains[field.name], None)
        return _Field(cls, field.name, self.where, None, leaf_parts(field, self.explainer.conv))


_VALIDATORS: dict[tuple[Any, bool], Callable[[Any, list[Any]], Any] | None] = {}
#: The functions :func:`validator` built, by (class, forbid_unknown_keys) (None: none).
VALIDATORS = _VALIDATORS


def validator(
    cls: Any, forbid_unknown_keys: bool = False
) -> Callable[[Any, list[Any]], Any] | None:
    """The generated function of ``validate()`` for a model or ``Page[model]`` (None
    otherwise): ``validate(payload, found)`` returns the value, flagging in ``found`` what
    the checker flags, or :data:`INVALID`, with the issues of the cattrs path appended to
    ``found`` (a list); it raises (any exception) when the cattrs path must decide."""
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
        fn = typing.cast(Callable[[Any, list[Any]], Any], built)
    _VALIDATORS[key] = fn
    return fn
