"""The native builders: generated model functions as rows of a C interpreter.

:class:`~lms_schema._gen.fast.StructureBuilder` generates, per model, a Python function that
checks every field and builds the instance. When the compiled module ``_native`` is there
(built from ``_native.c`` at install time; a machine without a C compiler installs without it
and keeps the Python), the same function is instead one :class:`Builder`: a row per field of
the field analysis (:func:`~lms_schema._models.fields.fields_of`), saying what to read (a dict
key or a mirror's attribute), the operation of its kind, and the slot to store the result
in. The rows are derived here from ``FieldInfo`` alone; the C code runs the same checks, the
same shortcuts for the commonest id and date-time shapes, the same Python leaf parsers for
every other shape, and builds the same instance. Like the Python it replaces it only ever
declines: the caller takes the cattrs path. ``tests/test_native.py`` runs both on the same
payloads::

    from lms_schema._gen.fast import StructureBuilder
    python = StructureBuilder(False, native=False).build(Completion)
    native = StructureBuilder(False, native=True).build(Completion)
    assert native(payload) == python(payload)      # or both raise

``LMS_SCHEMA_PURE_PYTHON=1`` in the environment turns the native builders off (the Python
functions are generated as before); :data:`AVAILABLE` says whether they are on.
"""

from __future__ import annotations

import importlib
import os
import types
import uuid
from datetime import UTC
from typing import Any

from .._models.fields import FieldInfo, Kind

__all__ = [
    "AVAILABLE",
    "OPERATIONS",
    "Row",
    "builder",
    "compiled",
    "descriptor",
    "module",
    "operation",
    "writer",
]

_native: Any
try:
    _native = importlib.import_module(f"{__package__}._native")
except ImportError:  # pragma: no cover - built without a C compiler
    _native = None

#: The environment turns native code off (``LMS_SCHEMA_PURE_PYTHON=1``).
_TURNED_OFF = bool(os.environ.get("LMS_SCHEMA_PURE_PYTHON"))
#: The native builders are used (the module is built and not turned off by the environment).
AVAILABLE: bool = _native is not None and not _TURNED_OFF

#: (key, where, operation, flags, callable, extra1, extra2, slot descriptor, recovery): one
#: field (recovery: what validate()'s top level explains a failure of the field with).
Row = tuple[str, str, int, int, Any, Any, Any, Any, Any]


def module() -> Any:
    """The compiled module (None when it is not built)."""
    return _native


def compiled(name: str) -> Any:
    """Another compiled module of the package (``lms_schema._capture._lane``), when it is
    built and the environment does not turn native code off (as :data:`AVAILABLE`); else
    None (its callers keep their Python)."""
    if _TURNED_OFF:
        return None
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - built without a C compiler
        return None


def configure(declined: type[Exception], absent: object) -> None:
    """Give the C module the objects the generated code shares (once, at import)."""
    if _native is not None:
        _native.configure(declined, absent, uuid.UUID, uuid.SafeUUID.unknown, UTC)


def configure_result(result: type, fix: type) -> None:
    """Let normalize()'s native builders return its result class (``Normalized``: slots
    ``value``, ``payload``, ``fixes``, ``errors``) and make its fixes (``Fix``: ``path``,
    ``rule``, ``before``, ``after``) themselves, as ``new_fix`` makes them."""
    if _native is not None:
        _native.configure_result(result, fix)


#: The operation of the C interpreter (its constant's name) for one value of each kind.
OPERATIONS: dict[Kind, str] = {
    Kind.STRING: "OP_STRING",
    Kind.INT64: "OP_INT64",
    Kind.UUID: "OP_UUID",
    Kind.DATETIME: "OP_DATETIME",
    Kind.DURATION: "OP_CALL",  # value = the leaf parser(value)
    Kind.OPEN_ENUM: "OP_ENUM",
    Kind.JSON_OBJECT: "OP_CHECK",  # checked, kept as it is
    Kind.JSON_VALUE: "OP_CHECK",
    Kind.RELATION: "OP_RELATION",
    Kind.OBJECT: "OP_OBJECT",
    Kind.STRING_OR_INT: "OP_STRING_OR_INT",
}


def operation(kind: Kind) -> int:
    """The operation of the C interpreter for one value of ``kind``."""
    return int(getattr(_native, OPERATIONS[kind]))


def descriptor(cls: type, name: str) -> Any:
    """The member descriptor of slot ``name`` of ``cls`` (None when it is not a plain slot)."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            found = klass.__dict__[name]
            return found if type(found) is types.MemberDescriptorType else None
    return None


def flags(field: FieldInfo, nested_tracks: bool, verbatim: bool = False) -> int:
    """The flags of ``field``'s row (``nested_tracks``: its callable takes the warnings;
    ``verbatim``: its callable checks a JSON object kept as it is, not a model's)."""
    n = _native
    return (
        (n.F_REQUIRED if field.required else 0)
        | (n.F_NULLABLE if field.nullable else 0)
        | (n.F_MANY if field.many else 0)
        | (n.F_NESTED_TRACKS if nested_tracks else 0)
        | (n.F_VERBATIM if verbatim else 0)
    )


def builder(
    target: type,
    rows: list[Row],
    typed: bool,
    forbid: bool,
    track: bool,
    title: str,
    recovery: tuple[Any, ...] | None = None,
    mode: int = 0,
    values: Any = None,
) -> Any:
    """A native builder of ``target`` from its ``rows``; ``recovery``: (recover,
    missing_key, unknown_keys, field names, INVALID) for validate()'s top level, whose failing
    fields are explained (:mod:`lms_schema._gen.validator`) instead of declined, or
    (new_fix,) for normalize()'s (``mode`` B_CANONICAL | B_REPAIR, :mod:`.canonical`);
    ``values``: for a mirror, a callable giving its values in the rows' order as a tuple
    (``msgspec.structs.astuple``), read at once instead of attribute by attribute."""
    n = _native
    mode |= (
        (n.B_TYPED if typed else 0) | (n.B_FORBID if forbid else 0) | (n.B_TRACK if track else 0)
    )
    if recovery is not None and not mode & n.B_REPAIR:
        mode |= n.B_RECOVER
    return n.Builder(target, tuple(rows), mode, title, recovery, values)


def writer(
    target: type,
    columns: list[tuple[str, int, int, Any, Any]],
    for_json: bool,
    title: str,
    generic: Any,
) -> Any:
    """A native writer (an unstructure function) of the ``columns`` (name, operation, flags,
    the model's writer, extra) of model ``target``; ``for_json``: for orjson (dumps);
    ``generic``: the function for a value that is not of its field's declared type. The
    slots of an instance of ``target`` itself are read through their member descriptors, a
    Duration's text through its cache slot."""
    n = _native
    full = []
    for name, op, flags, fn, extra in columns:
        text = descriptor(extra, "_text") if op == n.OP_CALL and isinstance(extra, type) else None
        full.append((name, op, flags, fn, extra, descriptor(target, name), text))
    return n.Writer(target, tuple(full), n.W_JSON if for_json else 0, title, generic)
