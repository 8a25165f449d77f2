"""The explain path: generated functions that list every problem of an invalid payload.

When the fast path (:mod:`lms_schema._gen.fast`) declines, :func:`~lms_schema.validate` and
:func:`~lms_schema.structure` need every problem of the payload, each with its JSONPath,
code and message, in the order the cattrs path gives them. That path builds cattrs'
exception groups and takes them apart again (about three times what a valid record costs).
The function generated here per model, from the same field analysis, walks the payload once
and appends :class:`~lms_schema.Issue` objects to a list instead, building no value::

    explain = explainer(Completion, forbid_unknown_keys=False)
    issues = explain(payload)    # the cattrs path's issues, or None: the cattrs path decides

Its answer is the cattrs path's by construction: a value that a cheap test does not accept
(the tests of the fast path: exact JSON type, UUID shape, the leaf parsers themselves) is
handed to the converter's own field hook, built by :func:`~lms_schema._convert.converter.
field_hook` for the same field, and what that hook raises becomes issues through
:func:`~lms_schema._convert.converter.issues_from_cattrs`, at the field's path. Only the
walk through the models (fields in ``attrs.fields`` order, missing required keys, unknown
keys after the fields, expanded objects and the elements of lists) is generated, following
what cattrs' generated structure functions do. It declines (returns None) when it finds no
problem (the cattrs path then builds the value), past :data:`~lms_schema._gen.fast.
FAST_MAX_DEPTH` nested expansions, and on anything unexpected.
``tests/test_explain_path.py`` checks that it gives the cattrs path's issues exactly.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from .._convert.converter import (
    _element_hook,
    converter,
    field_hook,
    issues_from_cattrs,
    strict_converter,
    wrong_type_message,
)
from .._models.fields import FieldInfo, Kind, fields_of, is_model
from .._values import match_uuid_text as _uuid_shape
from .._values.datetimes import is_naive_text, parse_datetime
from .._values.durations import DurationError, parse_duration
from .._values.issues import Issue, PathPart, format_path
from .._values.jsonvalue import check_json_object, check_json_value
from .._values.leaf import FieldError
from .._values.locales import LANGUAGE_FIELDS, LOCALES
from .declines import note_decline
from .fast import FAST_MAX_DEPTH, Declined, DepthBuilder, _title, compile_source, supported

__all__ = [
    "EXPLAINERS",
    "Explain",
    "ExplainBuilder",
    "Hook",
    "explain_issues",
    "explainer",
    "leaf_parts",
]

Hook = Callable[[Any, Any], Any]
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_MISSING = object()


#: The leaf parsers' errors, which the cattrs path reports as they are (code and message).
_LEAF_ERRORS = (FieldError, DurationError)


def _collect(
    hook: Callable[[Any, Any], Any], value: Any, path: tuple[PathPart, ...], out: list[Issue]
) -> None:
    """Run a field hook of the cattrs path on ``value``; what it raises becomes issues at
    ``path``, as the cattrs path reports it."""
    try:
        hook(value, None)
    except RecursionError:  # the cattrs path meets it at another stack depth: it decides
        raise Declined("nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - every failure of the hook is reported
        if type(exc) in _LEAF_ERRORS:  # what issues_from_cattrs makes of it, quicker
            error = typing.cast(FieldError, exc)
            out.append(Issue(format_path(path), error.code, error.message))
        else:
            out.extend(issues_from_cattrs(exc, path))


def _failed(
    exc: Exception,
    hook: Callable[[Any, Any], Any],
    expected: str | None,
    value: Any,
    path: tuple[PathPart, ...],
    out: list[Issue],
) -> None:
    """The leaf that a field's ``hook`` calls (its element hook, or the parser that calls)
    raised ``exc`` on ``value``: the issue the hook gives. A nullable field's hook (whose
    ``expected`` words are given) words a ``wrong_type`` error again; the hook itself is asked
    about anything but the leaves' own errors."""
    if type(exc) in _LEAF_ERRORS:
        error = typing.cast(FieldError, exc)
        message = error.message
        if expected is not None and error.code == "wrong_type":
            message = wrong_type_message(expected, value)
        out.append(Issue(format_path(path), error.code, message))
    else:
        _collect(hook, value, path, out)


def _explain(
    inner: Callable[[Any, Any], Any],
    hook: Callable[[Any, Any], Any],
    expected: str | None,
    rejected: frozenset[type] | None,
    value: Any,
    path: tuple[PathPart, ...],
    out: list[Issue],
) -> None:
    """The issues of a (non-null) value of a field: its element hook ``inner`` is run,
    what it raises becomes the issue ``hook`` (the field's hook) would give. A value of a
    JSON type the element hook rejects (``rejected``) in a nullable field is the nullable
    hook's ``wrong_type`` error, whatever words the element hook has: no hook is run."""
    if expected is not None and rejected is not None and type(value) in rejected:
        out.append(Issue(format_path(path), "wrong_type", wrong_type_message(expected, value)))
        return
    try:
        inner(value, None)
    except Exception as exc:  # noqa: BLE001 - every failure of the hook is reported
        _failed(exc, hook, expected, value, path, out)


def _missing(path: tuple[PathPart, ...], name: str) -> Issue:
    """A required key ``name`` absent from the object at ``path``."""
    return Issue(format_path((*path, name)), "missing_key", f"required key {name!r} is missing")


def _unknown(
    d: dict[Any, Any], known: frozenset[str], path: tuple[PathPart, ...], out: list[Issue]
) -> None:
    """The unknown keys of an object, as cattrs' ``ForbiddenExtraKeysError`` gives them (the
    same set, sorted the same way)."""
    for key in sorted(set(d.keys()) - known, key=str):
        out.append(Issue(format_path((*path, str(key))), "unknown_key", f"unknown key {key!r}"))


_TEXT = frozenset({int, float, bool, list, dict})
#: Per kind, the JSON types (other than null) whose values the element hook of a field of
#: that kind rejects with a ``wrong_type`` error.
_REJECTED: dict[Kind, frozenset[type]] = {
    Kind.STRING: _TEXT,
    Kind.OPEN_ENUM: _TEXT,
    Kind.UUID: _TEXT,
    Kind.DATETIME: _TEXT,
    Kind.DURATION: _TEXT,
    Kind.INT64: frozenset({str, float, bool, list, dict}),
    Kind.STRING_OR_INT: frozenset({float, bool, list, dict}),
    Kind.JSON_OBJECT: frozenset({str, int, float, bool, list}),
    Kind.JSON_VALUE: frozenset(),
    Kind.RELATION: frozenset({int, float, bool, list}),
    Kind.OBJECT: frozenset({str, int, float, bool, list}),
}


def leaf_parts(
    field: FieldInfo, conv: Any
) -> tuple[Hook, Hook, str | None, frozenset[type] | None]:
    """What explains a non-null value of a (non-list) field: its element hook (what the
    field's hook calls on it), the field's hook, and, for a nullable field, the words its
    hook gives a ``wrong_type`` error of the element hook and the JSON types the element hook
    certainly rejects so (``None`` both otherwise: the element hook's words are kept)."""
    inner, hook = _element_hook(field, conv), field_hook(field, conv)
    if not field.nullable:
        return inner, hook, None, None
    return inner, hook, field.expected, _REJECTED[field.kind]


class ExplainBuilder(DepthBuilder):
    """Generates the explain functions of a model and of the models it expands:
    ``explain_X(d, p, out, w)`` appends the issues of the object ``d`` at path ``p`` to
    ``out``, and (with unknown keys allowed) a flag to ``w`` when ``d`` holds something
    ``validate()`` warns about."""

    def __init__(self, forbid_unknown_keys: bool) -> None:
        super().__init__("explain")
        self.forbid = forbid_unknown_keys
        self.conv = strict_converter if forbid_unknown_keys else converter
        self.namespace.update(
            _DeclinedError=Declined,
            _MISSING=_MISSING,
            _collect=_collect,
            _failed=_failed,
            _LEAF_ERRORS=_LEAF_ERRORS,
            _explain=_explain,
            _fromisoformat=datetime.fromisoformat,
            _missing=_missing,
            _unknown=_unknown,
            _uuid_shape=_uuid_shape,
            _datetime=parse_datetime,
            _duration=parse_duration,
            _json_object=check_json_object,
            _json_value=check_json_value,
            _naive=is_naive_text,
            _locales=LOCALES,
        )

    def source(self, key: Any) -> str:
        cls, self.depth = key
        name = self.name_of(cls)
        if self.depth > FAST_MAX_DEPTH:
            reason = f"expanded objects nest deeper than {FAST_MAX_DEPTH} levels"
            return f"def {name}(d, p, out, w):\n    raise _DeclinedError({reason!r})"
        analysed = fields_of(cls)
        lines = ["get = d.get", f"n = {len(analysed.declared)}"]
        for field in analysed.declared:
            lines += self.field_lines(field)
        if self.forbid:
            known = self.const(analysed.names)
            lines += ["if n != len(d):", f"    _unknown(d, {known}, p, out)"]
        else:
            lines += ["if n != len(d):", "    w.append('unknown key')"]
        return self.function(name, "d, p, out, w", lines)

    def field_lines(self, field: FieldInfo) -> list[str]:
        """The statements for one field: missing, null, accepted at once, or explained."""
        name = field.name
        var = f"f_{name}"
        lines = [f"{var} = get({name!r}, _MISSING)", *self.flag_language(field, var)]
        lines.append(f"if {var} is _MISSING:")
        if field.required:
            lines.append(f"    out.append(_missing(p, {name!r}))")
        lines.append("    n -= 1")
        return lines + self.present(field, var)

    def flag_language(self, field: FieldInfo, var: str) -> list[str]:
        """What validate()'s clean check flags in a languages field (an unknown code)."""
        if field.name not in LANGUAGE_FIELDS:
            return []
        return [
            f"if type({var}) is list and not _locales.issuperset({var}):",
            "    w.append('language')",
        ]

    def present(self, field: FieldInfo, var: str) -> list[str]:
        """The ``elif``/``else`` branches that explain a value ``var`` of ``field`` that is
        present in its object."""
        name = field.name
        lines = [f"elif {var} is None:", "    pass"] if field.nullable else []
        hook = self.const(field_hook(field, self.conv))
        where = f"(*p, {name!r})"
        target = field.target
        if field.many:
            if field.kind in (Kind.RELATION, Kind.OBJECT) and target is not None:
                return lines + self.model_list(var, field, hook, where)
            flag = []
            if field.element is not None and field.element.kind is Kind.DATETIME:
                flag = [  # as validate()'s clean check
                    f"    if type({var}) is list and any(type(x) is str and x[-1:] not in"
                    f" ('Z', 'z') and _naive(x) for x in {var}):",
                    "        w.append('naive date-time')",
                ]
            return [*lines, "else:", *flag, f"    _collect({hook}, {var}, {where}, out)"]
        inner, expected, rejected = self.leaf(field)
        explain = f"_explain({inner}, {hook}, {expected}, {rejected}, {var}, {where}, out)"
        if field.kind in (Kind.RELATION, Kind.OBJECT) and target is not None:
            function = self.nested(target)
            lines += [f"elif type({var}) is dict:", f"    {function}({var}, {where}, out, w)"]
            if field.kind is Kind.OBJECT:
                return [*lines, "else:", f"    {explain}"]
        accept = self.accept(var, field)
        if isinstance(accept, str):
            return [*lines, f"elif not ({accept}):", f"    {explain}"]
        lines.append("else:")
        if field.kind is Kind.DATETIME:  # as validate()'s clean check
            lines += [
                f"    if type({var}) is str and {var}[-1:] not in ('Z', 'z') and _naive({var}):",
                "        w.append('naive date-time')",
            ]
        return [
            *lines,
            "    try:",
            *(f"        {line}" for line in accept),
            "    except Exception as e:",
            "        if type(e) in _LEAF_ERRORS:  # the leaf parser's own error",
            f"            _failed(e, {hook}, {expected}, {var}, {where}, out)",
            "        else:  # (from a shortcut, as fromisoformat's): the element hook decides",
            f"            {explain}",
        ]

    def leaf(self, field: FieldInfo) -> tuple[str, str, str]:
        """Names for :func:`leaf_parts` of a (non-list) field in the generated code."""
        inner, _, expected, rejected = leaf_parts(field, self.conv)
        if expected is None or rejected is None:
            return self.const(inner), "None", "None"
        return self.const(inner), repr(expected), self.const(rejected)

    def field_functions(self, cls: Any) -> dict[str, Callable[..., Any]]:
        """Per field of ``cls``, a function ``explain(value, p, out, w)`` that explains a
        value present in the object at ``p`` (as the walk of ``cls`` does)."""
        self.depth = 0
        base = getattr(cls, "__origin__", cls)
        names, sources = {}, []
        for field in fields_of(cls).declared:
            var = f"f_{field.name}"
            name = names[field.name] = f"explain_{base.__name__}_{field.name}"
            body = [
                *self.flag_language(field, var),
                f"if {var} is _MISSING:  # (never: the caller has a value)",
                "    return",
                *self.present(field, var),
            ]
            sources.append(self.function(name, f"{var}, p, out, w", body))
        while self.pending:
            sources.append(self.source(self.pending.pop()))
        compile_source("\n\n".join(sources), f"explain {base.__name__} fields", self.namespace)
        return {field: self.namespace[name] for field, name in names.items()}

    def accept(self, var: str, field: FieldInfo) -> str | list[str]:
        """A test that holds only for a (non-null) value the field's hook accepts, or
        statements that raise for any value the hook rejects (and maybe for others): the
        leaf parser the hook calls, or what the fast path does in its place."""
        kind = field.kind
        if kind is Kind.STRING or kind is Kind.OPEN_ENUM:
            return f"type({var}) is str"
        if kind is Kind.INT64:
            return f"type({var}) is int and {_INT64_MIN} <= {var} <= {_INT64_MAX}"
        if kind is Kind.STRING_OR_INT:
            return (
                f"type({var}) is str or type({var}) is int"
                f" and {_INT64_MIN} <= {var} <= {_INT64_MAX}"
            )
        if kind is Kind.UUID or kind is Kind.RELATION:  # (a relation to any JSON object)
            return f"type({var}) is str and _uuid_shape({var}) is not None"
        if kind is Kind.DATETIME:  # the fast path's shortcut for the commonest shape
            return [
                f"if type({var}) is str and len({var}) == 20 and {var}[4::3] == '--T::Z':",
                f"    _fromisoformat({var})",
                "else:",
                f"    _datetime({var})",
            ]
        if kind is Kind.DURATION:
            return [f"_duration({var})"]
        if kind is Kind.JSON_OBJECT:
            return [f"_json_object({var})"]
        if kind is Kind.JSON_VALUE:
            return [f"_json_value({var})"]
        if kind is Kind.OBJECT:  # pragma: no cover - an object of any class: no cheap test
            return "False"
        typing.assert_never(kind)

    def model_list(self, var: str, field: FieldInfo, hook: str, where: str) -> list[str]:
        """A list of expanded objects of a model (or of relations to it): the objects are
        walked by their own function, the other elements explained by the element hook."""
        function = self.nested(field.target)
        element = self.const(_element_hook(field, self.conv))
        lines = [
            f"elif type({var}) is list:",
            f"    q = {where}",
            f"    for i, x in enumerate({var}):",
            "        if type(x) is dict:",
            f"            {function}(x, (*q, i), out, w)  # {var}[i] in enumerate({var})",
        ]
        if field.kind is Kind.RELATION:
            lines.append(f"        elif not ({self.accept('x', field)}):")
        else:
            lines.append("        else:")
        return [
            *lines,
            f"            _explain({element}, {element}, None, None, x, (*q, i), out)",
            "else:",
            f"    _collect({hook}, {var}, {where}, out)",
        ]


def _explainable(cls: Any) -> bool:
    """True when every class the walk can reach is structured by cattrs from all of its
    attributes (an ``init=False`` attribute, which cattrs leaves out, is never met in the
    models; a user's class with one takes the cattrs path)."""
    seen: set[Any] = set()
    pending = [cls]
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        base = getattr(model, "__origin__", model)
        if not all(a.init for a in attrs.fields(base)):
            return False
        for field in fields_of(model).declared:
            if field.kind in (Kind.RELATION, Kind.OBJECT) and field.target is not None:
                if not is_model(field.target):
                    return False
                pending.append(field.target)
    return True


#: ``explain(d, path, issues, found)``
Explain = Callable[[Any, tuple[PathPart, ...], list[Issue], list[str]], Any]
_EXPLAINERS: dict[tuple[Any, bool], Explain | None] = {}
#: The functions :func:`explainer` built, by (class, forbid_unknown_keys) (None: none).
EXPLAINERS = _EXPLAINERS


def explainer(cls: Any, forbid_unknown_keys: bool = False) -> Explain | None:
    """The generated explain function of a model or ``Page[model]`` (None otherwise):
    ``explain(d, (), out, found)`` appends to ``out`` the issues of the dict ``d`` (and to
    ``found`` what :func:`explain_issues` says); it raises (any exception) when the cattrs
    path must decide."""
    key = (cls, forbid_unknown_keys)
    try:
        return _EXPLAINERS[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable type argument
        return None
    fn = None
    try:
        if supported(cls) and _explainable(cls):
            built = ExplainBuilder(forbid_unknown_keys).build(cls)
            fn = typing.cast(Explain, built)
    except TypeError:  # a field of a type no layer supports: the cattrs path says so
        fn = None
    _EXPLAINERS[key] = fn
    return fn


def explain_issues(
    payload: Any, cls: Any, forbid_unknown_keys: bool, found: list[str] | None = None
) -> list[Issue] | None:
    """Every problem of ``payload`` as ``cls``, as the cattrs path lists them; None when the
    cattrs path must decide (no problem found: the value is needed; or the walk declined).

    The walk also appends to ``found`` (when given) if the payload holds anything
    ``validate()``'s clean check would flag (a date-time without an offset, an unknown
    language code, and with ``forbid_unknown_keys`` off an unknown key), as the generated
    checker does.
    """
    try:
        fn = _EXPLAINERS[cls, forbid_unknown_keys]
    except KeyError:
        if type(forbid_unknown_keys) is not bool:
            return None
        fn = explainer(cls, forbid_unknown_keys)
    except TypeError:  # an unhashable type argument
        return None
    if fn is None or type(payload) is not dict:
        return None
    out: list[Issue] = []
    try:
        fn(payload, (), out, [] if found is None else found)
    except Exception as exc:  # noqa: BLE001 - any doubt: the cattrs path decides
        note_decline(cls, "explain", exc)
        return None
    if not out:
        note_decline(cls, "explain", Declined(f"{_title(cls)}: no problem found"))
        return None
    return out
