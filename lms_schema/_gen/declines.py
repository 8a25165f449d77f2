"""Why a fast path declined: recorded on request, for debugging and for tests.

The generated functions of :mod:`lms_schema._gen.fast` and :mod:`lms_schema._gen.mirror` only
ever *decline* (the cattrs path then gives the answer); a decline on valid data is a silent
fall-back to the slow path. :func:`record_declines` (public as
``lms_schema.debug.record_declines``) collects every decline in its ``with`` block::

    with record_declines() as declines:
        lms_schema.loads(data, lms_schema.Page[lms_schema.Completion])
    for decline in declines:
        print(decline)   # Page[Completion] (bytes) at $.items[*].score: not a 64-bit integer

Nothing is recorded, and nothing costs anything, outside such a block: the entry points call
:func:`note_decline` only after a fast path has declined.
"""

from __future__ import annotations

import linecache
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Literal

import attrs

from .._models.fields import item_of

__all__ = ["Decline", "note_decline", "record_declines"]


class _State(threading.local):
    #: the list of the innermost ``record_declines`` block of this thread, or None (a class
    #: attribute: looking it up costs no AttributeError, 0.07 µs instead of 0.7 µs a decline)
    declines: list[Decline] | None = None


_state = _State()
_GENERATED = "<lms_schema generated"
_FIELD = re.compile(r"\bf_(\w+)\b")


@attrs.frozen
class Decline:
    """One decline of a fast path: for which class (``model``), on which route (``"dict"``:
    :func:`~lms_schema.structure` and :func:`~lms_schema.validate`; ``"bytes"``: the msgspec
    mirrors of :func:`~lms_schema.loads`; ``"normalize"``: the canonical-payload path of
    :func:`~lms_schema.normalize`, which declines a payload needing a repair it does not
    make itself: in expanded objects and lists, a missing key; ``"explain"``: the generated
    walk that lists the problems of a payload the other routes declined,
    :mod:`lms_schema._gen.explain`, which declines when it finds none), where
    in the payload (a JSONPath; ``[*]`` stands for a list index) and why."""

    model: str
    route: Literal["dict", "bytes", "normalize", "explain"]
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.model} ({self.route}) at {self.path}: {self.reason}"


@contextmanager
def record_declines() -> Iterator[list[Decline]]:
    """Record every decline of the fast paths in this thread, in a list given by ``with``."""
    previous = _state.declines
    declines: list[Decline] = []
    _state.declines = declines
    try:
        yield declines
    finally:
        _state.declines = previous


def note_decline(
    cls: Any, route: Literal["dict", "bytes", "normalize", "explain"], exc: BaseException
) -> None:
    """Record a decline when :func:`record_declines` is active (else do nothing)."""
    declines = _state.declines
    if declines is None:
        return
    item = item_of(cls)
    name = f"Page[{item.__name__}]" if item is not None else getattr(cls, "__name__", repr(cls))
    path, reason = _explain(exc)
    declines.append(Decline(name, route, path, reason))


def _explain(exc: BaseException) -> tuple[str, str]:
    """(JSONPath, reason) of an exception raised in generated code, read off its traceback:
    each generated frame's current line names the field it was checking."""
    frames: list[tuple[str, str]] = []
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith(_GENERATED) and code.co_name != "<listcomp>":
            frames.append((code.co_name, linecache.getline(code.co_filename, tb.tb_lineno)))
        tb = tb.tb_next
    parts: list[str] = []
    for index, (_, line) in enumerate(frames):
        innermost = index == len(frames) - 1
        if innermost and type(exc).__name__ == "Declined" and exc.args:
            break  # its message names the field
        match = _FIELD.search(line)
        if match is not None:
            parts.append("." + match.group(1))
        if "for x in" in line or "in enumerate(" in line:
            parts.append("[*]")
    if type(exc).__name__ == "Declined" and exc.args:
        where, _, why = str(exc.args[0]).partition(": ")
        field = where.rpartition(".")[2] if "." in where.split("[")[-1] else ""
        if field:
            parts.append("." + field)
        return "$" + "".join(parts), why
    message = getattr(exc, "message", None) or str(exc)
    return "$" + "".join(parts), f"{type(exc).__name__}: {message}"
