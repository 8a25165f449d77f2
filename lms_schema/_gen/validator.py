"""The generated function of ``validate()``: the checker, and the errors when there are any.

The checker of :mod:`lms_schema._gen.fast` builds the value of a valid payload in one walk
and declines at the first problem; ``validate()`` then needed the cattrs path to list the
errors. The function generated here is that checker with the fields of the top-level object
checked inside one ``try``. When the check of a field raises, the fields before it have
passed (the checker accepts exactly what the cattrs path accepts), so the errors are the
failing field's, found by the explain walk of :mod:`lms_schema._gen.explain` (or, for a leaf
parser's error, taken from the exception itself: a bad date-time is parsed once), then those
of the fields after it and the unknown keys, in the cattrs path's order and words. The field
is read off the line of the generated function that raised::

    validate_fast = validator(Completion, forbid_unknown_keys=False)
    found = []
    try:
        value = validate_fast(payload, found)
    except Invalid as invalid:
        errors = invalid.issues
    except Exception:
        ...  # the cattrs path decides

``try`` costs nothing in CPython 3.11 until something is raised, so a valid payload takes
the checker's path. It raises another exception when the cattrs path must decide:
a field that failed but where the explain walk found no problem, expansions nested deeper
than the generated functions go, anything unexpected. ``tests/test_explain_path.py`` checks
that ``validate()`` gives the issues of the cattrs path.
"""

from __future__ import annotations

import bisect
import typing
from collections.abc import Callable
from typing import Any, NoReturn

import attrs

from .._models.fields import FieldInfo, Kind, fields_of, item_of
from .._models.models import Page
from .._values.issues import Issue, PathPart
from .declines import note_decline
from .explain import (
    _LEAF_ERRORS,
    ExplainBuilder,
    _explainable,
    _failed,
    leaf_parts,
)
from .fast import Declined, StructureBuilder, _title, supported

__all__ = ["VALIDATORS", "Invalid", "ValidateBuilder", "validator"]


class Invalid(Exception):  # noqa: N818 - the answer for a payload with errors
    """Raised by a generated validate function for a payload with errors: ``.issues``, the
    cattrs path's issues."""

    def __init__(self, issues: list[Issue]) -> None:  # (no message: nobody prints it)
        self.issues = issues


@attrs.frozen
class _Top:
    """What :func:`_rest` needs to explain the top-level object of a class."""

    cls: Any
    title: str
    #: the names of the fields, in ``attrs.fields`` order
    names: tuple[str, ...]
    #: per field, the body line of the generated function its check starts on; then the
    #: line the check for unknown keys starts on
    starts: tuple[int, ...]
    #: the explain walk of the object from a given field on, unknown keys included
    rest: Callable[[Any, tuple[PathPart, ...], list[Issue], list[str], int, int], Any]
    #: per field, :func:`~lms_schema._gen.explain.leaf_parts` of a leaf field (else None);
    #: then None for the unknown keys
    leaves: tuple[tuple[Any, Any, str | None, frozenset[type] | None] | None, ...]
    #: the bytecode offsets where the check of a field (``owners``) starts in the generated
    #: function, filled in once it is compiled (a traceback's line number costs microseconds
    #: in a long function; its instruction offset does not)
    offsets: list[int] = attrs.field(factory=list)
    owners: list[int] = attrs.field(factory=list)

    def locate(self, function: Callable[..., Any]) -> None:
        """Fill in :attr:`offsets` and :attr:`owners` from the compiled ``function``."""
        code = function.__code__
        for start, _, line in code.co_lines():
            if line is None:
                continue
            owner = bisect.bisect_right(self.starts, line - code.co_firstlineno - 1) - 1
            if not self.owners or self.owners[-1] != owner:
                self.offsets.append(start)
                self.owners.append(owner)


def _rest(top: _Top, exc: Exception, d: dict[Any, Any], w: list[str], n: int) -> NoReturn:
    """Explain the top-level object ``d`` after the check of one of its fields raised
    ``exc`` (``n``: the checker's count of fields less the missing ones so far): raise
    :class:`Invalid` with its issues, or ``Declined`` when there are none."""
    note_decline(top.cls, "dict", exc)
    tb = exc.__traceback__
    assert tb is not None  # the generated function's own frame comes first
    first = top.owners[bisect.bisect_right(top.offsets, tb.tb_lasti) - 1]
    out: list[Issue] = []
    leaf = top.leaves[first]
    if leaf is not None and type(exc) in _LEAF_ERRORS:  # the leaf parser's own error
        name = top.names[first]
        _failed(exc, leaf[1], leaf[2], d[name], (name,), out)
        first += 1
    top.rest(d, (), out, w, first, n)  # (the field that raised too, if not done)
    if not out:
        raise Declined(f"{top.title}: no problem found") from exc
    raise Invalid(out)


class ValidateBuilder(StructureBuilder):
    """The checker (``StructureBuilder`` tracking warnings) whose top-level function explains
    the payload when a field fails, instead of declining."""

    def __init__(self, forbid_unknown_keys: bool) -> None:
        super().__init__(forbid_unknown_keys, track_warnings=True)
        self.explainer = ExplainBuilder(forbid_unknown_keys)
        self.namespace.update(_rest=_rest)

    def build(self, root: Any) -> Callable[[Any], Any]:
        self.root = root
        function = super().build(root)
        self.top.locate(function)
        return function

    def source(self, key: Any) -> str:
        cls, depth = key
        if cls is not self.root or depth:
            return super().source(key)
        # The checker's top-level function (as StructureBuilder.source writes it), its
        # fields inside one try.
        self.depth = 0
        analysed = fields_of(cls)
        title = _title(cls)
        lines = [
            "if type(d) is not dict:",
            f"    raise _DeclinedError({title + ': not an object'!r})",
            "get = d.get",
            f"n = {len(analysed.declared)}",
            "try:",
        ]
        starts = []
        for field in analysed.declared:
            starts.append(len(lines))
            var = f"f_{field.name}"
            body = [f"{var} = get({field.name!r}, _MISSING)", f"if {var} is _MISSING:"]
            if field.required:
                missing = f"{title}.{field.name}: missing"
                body.append(f"    raise _DeclinedError({missing!r})")
            else:
                body.append(f"    {var} = ABSENT")
            body.append("    n -= 1")
            self.where = f"{title}.{field.name}"
            self.slot = field.name
            check = self.check(var, field)
            self.slot = None
            if check:
                body += ["else:", *("    " + line for line in check)]
            lines += ["    " + line for line in body]
        starts.append(len(lines))  # the unknown keys, after every field
        if self.forbid:
            unknown = f"{title}: unknown keys"
            lines += ["    if n != len(d):", f"        raise _DeclinedError({unknown!r})"]
        else:
            lines += ["    if n != len(d):", "        w.append('unknown key')"]
        top = _Top(
            cls,
            title,
            tuple(f.name for f in analysed.declared),
            tuple(starts),
            self.explainer.tail_function(cls),
            (*(self.leaf(f) for f in analysed.declared), None),
        )
        self.top = top
        lines += ["except Exception as e:", f"    _rest({self.const(top)}, e, d, w, n)"]
        target = Page if item_of(cls) is not None else cls
        lines += self.construct(target, [f.name for f in analysed.declared])
        return self.function(self.name_of(cls), "d, w", lines)

    def leaf(self, field: FieldInfo) -> tuple[Any, Any, str | None, frozenset[type] | None] | None:
        """:func:`~lms_schema._gen.explain.leaf_parts` of a field whose check raises only
        the leaf parser's errors of its value (or its own), None for the others."""
        if field.many or (field.kind in (Kind.RELATION, Kind.OBJECT) and field.target):
            return None
        return leaf_parts(field, self.explainer.conv)


_VALIDATORS: dict[tuple[Any, bool], Callable[[Any, list[str]], Any] | None] = {}
#: The functions :func:`validator` built, by (class, forbid_unknown_keys) (None: none).
VALIDATORS = _VALIDATORS


def validator(
    cls: Any, forbid_unknown_keys: bool = False
) -> Callable[[Any, list[str]], Any] | None:
    """The generated function of ``validate()`` for a model or ``Page[model]`` (None
    otherwise): ``validate(payload, found)`` returns the value, flagging in ``found`` what
    the checker flags, or raises :class:`Invalid` with the issues of the cattrs path; any
    other exception means that the cattrs path must decide."""
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
        fn = typing.cast(Callable[[Any, list[str]], Any], built)
    _VALIDATORS[key] = fn
    return fn
