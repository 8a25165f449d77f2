"""Reading captured inputs record by record, each record with its position in its file.

An input is a path (a file or a directory, walked recursively) or ``-`` for standard input.
:func:`plan` turns the command line's paths into :class:`Unit` objects (a file, standard
input, or a byte range of a large JSON Lines file) and the problems met on the way (a missing
path, files skipped in directories); :func:`read_unit` yields the unit's :class:`Record`
objects one at a time::

    planned = plan(["captures/", "-"], ReadOptions(input_format="jsonl"))
    for item in planned.items:
        if isinstance(item, Unit):
            for record in read_unit(item, ReadOptions()):
                print(record.file, record.line, format_path(record.position), record.kind)

Every input may be gzip-compressed (by the ``.gz`` suffix or the magic bytes), ``.zhar``
archives are zlib-compressed (mitmproxy), a UTF-8 byte-order mark is skipped (a ``bom``
warning) and UTF-16 text (with a byte-order mark, or told by its zero bytes) is read as such.
A JSON document larger than :attr:`ReadOptions.stream_threshold` is read with ijson, one
array element or page item at a time, so memory does not grow with the file. Everything here
is a module-level function or an attrs class, so units and records pickle (``--jobs``).
"""

from __future__ import annotations

import gzip
import io
import itertools
import os
import re
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Literal, Protocol, cast

import attrs
import ijson  # type: ignore[import-untyped]
from ijson.common import ObjectBuilder  # type: ignore[import-untyped]

from .._request.har import HarExchange, read_har
from .._values.issues import Issue, PathPart
from .._values.jsonvalue import decode, duplicate_key_issue, duplicate_keys
from .._values.leaf import FieldError

__all__ = [
    "FORMATS",
    "Known",
    "Lane",
    "Missing",
    "QUIET",
    "Plan",
    "ReadOptions",
    "Record",
    "Unit",
    "document_records",
    "format_of",
    "line_records",
    "plan",
    "read_unit",
    "value_records",
]

Format = Literal["json", "jsonl", "har"]
#: The formats ``--input-format`` accepts.
FORMATS: tuple[Format, ...] = ("json", "jsonl", "har")
_SUFFIXES: dict[str, Format] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".har": "har",
    ".zhar": "har",
}
_BOM = b"\xef\xbb\xbf"
_MiB = 1 << 20


@attrs.frozen
class ReadOptions:
    """How inputs are read: the format of standard input and oddly named files (None: told
    by the content), the size above which a JSON document is streamed, and the size of the
    chunks a large JSON Lines file is split into for ``--jobs`` (0: never split).
    ``duplicate_keys``: every key repeated in one object of the text is a ``duplicate_key``
    warning in the ``extra`` issues of the record it belongs to (the command line's
    ``validate`` turns it on)."""

    input_format: Format | None = None
    stream_threshold: int = 16 * _MiB
    chunk_bytes: int = 0
    duplicate_keys: bool = False


@attrs.frozen
class Unit:
    """One piece of work: a file, standard input (``path == "-"``) or the byte range
    ``[start, end)`` of a JSON Lines file (``chunk`` counts the file's chunks from 0)."""

    path: str
    format: Format | None
    start: int = 0
    end: int | None = None
    chunk: int = 0

    @property
    def display(self) -> str:
        """The name problems are reported under."""
        return "<stdin>" if self.path == "-" else self.path


@attrs.frozen
class Missing:
    """A path that cannot be read (missing, unreadable): reported, and the run goes on."""

    path: str
    message: str


@attrs.frozen
class Plan:
    """The units and problems of a run, in the order of the paths given; the files skipped
    in directories, by suffix (``"(none)"`` for names without one)."""

    items: tuple[Unit | Missing, ...]
    skipped: dict[str, int]
    total_bytes: int


RecordKind = Literal[
    "record", "element", "item", "envelope", "exchange", "notice", "quiet", "known"
]


@attrs.frozen
class Record:
    """One record of a file, or a notice about the file.

    ``kind`` says what it is: ``record`` (a whole document or a JSON Lines line),
    ``element`` (of a top-level array), ``item`` (of a page), ``envelope`` (a page without
    its items, read after them), ``exchange`` (a HAR entry: ``payload`` is a
    :class:`~lms_schema._request.har.HarExchange`, or an :class:`Issue` when the entry cannot
    be read) or ``notice`` (a problem of the file itself: ``payload`` is an :class:`Issue`).
    ``payload`` is the decoded JSON value, or a :class:`FieldError` when it is not JSON.
    ``position`` is the record's path in its file (``("items", 3)``; ``()`` for a whole
    document or a JSON Lines line), ``line`` the JSON Lines line (None elsewhere).
    ``extra`` holds issues the reader found (repeated ids across a page's items; the
    envelope's ``page_size`` against the number of items).

    Two kinds come from a :class:`Lane` only: ``quiet`` (lines with nothing to say:
    ``payload`` is how many; no file or line is kept) and ``known`` (a JSON Lines line whose
    issues the lane told: ``payload`` is the record's ``id`` when it is a string, else None,
    and ``extra`` its issues).
    """

    file: str
    line: int | None
    position: tuple[PathPart, ...]
    kind: RecordKind
    payload: Any
    extra: tuple[Issue, ...] = ()


#: What a :class:`Lane` knows of a line: the record's ``id`` (when a string) and every issue
#: its checks would give (warnings only; none: nothing to say).
Known = tuple[str | None, tuple[Issue, ...]]


class Lane(Protocol):
    """A quick lane for the JSON Lines lines of one model: a line it takes needs no
    :class:`Record` of its own (no decoded dict, no issue objects) because its checks would
    find nothing to say about it, or only what the lane already knows. Lines are bytes, each
    with its newline (the last may lack it)."""

    def run(self, lines: list[bytes], start: int) -> int:
        """The index of the first of ``lines[start:]`` that has something to say or that the
        lane is not sure of (``len(lines)``: none)."""
        ...

    def known(self, line: bytes) -> Known | None:
        """What the checks of one line's record would say, when the lane can tell; None:
        read and check it as usual."""
        ...


#: What :func:`read_unit` yields for a line its lane took: a record with nothing to say
#: (kind ``quiet``; its file, line and payload are not kept). Runs of such lines are one
#: record whose payload is how many.
QUIET = Record("", None, (), "quiet", 1)


def format_of(path: str) -> Format | None:
    """The format a file name says (``.gz`` is looked through), or None."""
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return _SUFFIXES.get(os.path.splitext(name)[1])


def _suffix(name: str) -> str:
    return "".join(Path(name).suffixes[-2:]).lower() or "(none)"


def plan(paths: Sequence[str], options: ReadOptions, formats: Sequence[Format] = FORMATS) -> Plan:
    """The units of ``paths`` in order: a directory is walked recursively (sorted) and
    yields its files with a known suffix (others are counted in ``skipped``); a named file is
    read whatever its name; a JSON Lines file larger than ``options.chunk_bytes`` is split
    into chunks at line boundaries. Files of other ``formats`` are skipped in directories."""
    items: list[Unit | Missing] = []
    skipped: dict[str, int] = {}
    total = 0
    for raw in paths:
        if raw == "-":
            items.append(Unit("-", options.input_format))
            continue
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    child = os.path.join(root, name)
                    fmt = format_of(name)
                    if fmt is None or fmt not in formats:
                        suffix = _suffix(name)
                        skipped[suffix] = skipped.get(suffix, 0) + 1
                        continue
                    size = _size(child)
                    total += size
                    items.extend(_split(child, fmt, size, options))
            continue
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            items.append(Missing(raw, exc.strerror or str(exc)))
            continue
        size = _size(raw)
        total += size
        items.extend(_split(raw, format_of(raw) or options.input_format, size, options))
    return Plan(tuple(items), skipped, total)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _split(path: str, fmt: Format | None, size: int, options: ReadOptions) -> list[Unit]:
    """A plain (not compressed) JSON Lines file larger than ``chunk_bytes``: byte ranges
    that start right after a newline."""
    step = options.chunk_bytes
    if fmt != "jsonl" or step <= 0 or size <= step or path.lower().endswith(".gz"):
        return [Unit(path, fmt)]
    try:
        with open(path, "rb") as handle:
            if handle.read(2) == b"\x1f\x8b":
                return [Unit(path, fmt)]
            bounds = [0]
            while bounds[-1] + step < size:
                handle.seek(bounds[-1] + step)
                handle.readline()  # to the end of the line the guess fell in
                where = handle.tell()
                if where >= size:
                    break
                bounds.append(where)
    except OSError:
        return [Unit(path, fmt)]
    bounds.append(size)
    return [
        Unit(path, fmt, start, end, chunk)
        for chunk, (start, end) in enumerate(itertools.pairwise(bounds))
    ]


# -- opening: compression, byte-order marks, UTF-16 ------------------------------------------


class _Chain(io.RawIOBase):
    """``prefix`` followed by what is left of ``source``."""

    def __init__(self, prefix: bytes, source: IO[bytes]) -> None:
        self._prefix = memoryview(prefix)
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        read = getattr(self._source, "read1", self._source.read)  # no waiting for more
        data = read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _chain(prefix: bytes, source: IO[bytes]) -> IO[bytes]:
    return io.BufferedReader(_Chain(prefix, source), 1 << 16)


def _read_head(stream: IO[bytes], n: int) -> bytes:
    head = b""
    read = getattr(stream, "read1", stream.read)
    while len(head) < n:
        more = read(n - len(head))
        if not more:
            break
        head += more
    return head


def _is_zlib(head: bytes) -> bool:
    return len(head) >= 2 and head[0] == 0x78 and ((head[0] << 8) | head[1]) % 31 == 0


def _utf16(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) >= 2 and head[0] != 0 and head[1] == 0:
        return "utf-16-le"
    if len(head) >= 2 and head[0] == 0 and head[1] != 0:
        return "utf-16-be"
    return None


def _decoded(raw: IO[bytes], unit: Unit, notices: list[Issue]) -> IO[bytes]:
    """The input's bytes as UTF-8 JSON text: decompressed, without a byte-order mark."""
    head = _read_head(raw, 4)
    stream: IO[bytes] = _chain(head, raw)
    if head[:2] == b"\x1f\x8b":
        stream = _chain(b"", gzip.GzipFile(fileobj=stream, mode="rb"))  # type: ignore[arg-type]
    elif _is_zlib(head) and unit.format in ("har", None):
        try:
            stream = io.BytesIO(zlib.decompress(stream.read()))
        except zlib.error as exc:
            raise _UnreadableError(f"not valid zlib data ({exc})") from None
    head = _read_head(stream, 4)
    if head.startswith(_BOM):
        notices.append(
            Issue(
                "$",
                "bom",
                "the file starts with a UTF-8 byte-order mark (ignored)",
                severity="warning",
            )
        )
        return _chain(head[3:], stream)
    encoding = _utf16(head)
    if encoding is not None:
        data = head + stream.read()
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _UnreadableError(f"not valid {encoding.upper()} text ({exc.reason})") from None
        if text.startswith("\ufeff"):
            notices.append(
                Issue(
                    "$",
                    "bom",
                    f"the file is {encoding.upper()} text with a byte-order mark (read as such)",
                    severity="warning",
                )
            )
            text = text[1:]
        return io.BytesIO(text.encode("utf-8", "surrogatepass"))
    return _chain(head, stream)


class _UnreadableError(Exception):
    """An input whose bytes cannot be turned into JSON text (bad gzip, bad UTF-16)."""


def _unreadable(unit: Unit, message: str) -> Record:
    issue = Issue("$", "unreadable", message)
    return Record(unit.display, None, (), "notice", issue)


# -- reading -----------------------------------------------------------------------------------


def read_unit(unit: Unit, options: ReadOptions, lane: Lane | None = None) -> Iterator[Record]:
    """The records of ``unit`` in file order (notices about the file first). Never raises
    for bad input: a file that cannot be read or decompressed is one ``unreadable`` notice
    (an error), bytes that are not JSON an ``invalid_json`` record.

    ``lane`` (see :class:`Lane`): JSON Lines lines it takes are ``quiet`` records (one per
    run of lines) or ``known`` ones instead of their own. Standard input is handed to it a
    line at a time (so that a slow writer's records are reported as they come), files in
    blocks of lines."""
    import sys

    notices: list[Issue] = []
    try:
        if unit.path == "-":
            raw: IO[bytes] = sys.stdin.buffer
            handle: IO[bytes] | None = None
        else:
            handle = raw = open(unit.path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        yield _unreadable(unit, exc.strerror or str(exc))
        return
    try:
        if unit.start or unit.end is not None:
            yield from _jsonl_range(raw, unit, options, lane)
            return
        try:
            stream = _decoded(raw, unit, notices)
            fmt = unit.format
            if fmt is None:
                head = _read_head(stream, 65536)
                fmt = _sniff(head)
                stream = _chain(head, stream)
            for issue in notices:
                yield Record(unit.display, None, (), "notice", issue)
            if fmt == "jsonl":
                yield from _jsonl(stream, unit.display, options, lane, unit.path == "-")
            elif fmt == "har":
                yield from _har(stream.read(), unit.display, options)
            else:
                yield from _json(stream, unit.display, options)
        except (_UnreadableError, OSError, EOFError, zlib.error) as exc:
            message = str(exc) if isinstance(exc, _UnreadableError) else _io_message(exc)
            yield _unreadable(unit, message)
    finally:
        if handle is not None:
            handle.close()


def _io_message(exc: BaseException) -> str:
    if isinstance(exc, gzip.BadGzipFile):
        return f"not valid gzip data ({exc})"
    if isinstance(exc, EOFError):
        return "the compressed data is cut off (truncated file)"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


_FIRST_LINE = re.compile(rb"[^\r\n]*")


def _sniff(head: bytes) -> Format:
    """Tell JSON Lines (two or more lines, the first a whole document), a HAR document (a
    ``log`` key near the start) and JSON apart."""
    text = head.lstrip()
    first = _FIRST_LINE.match(text)
    line = first.group() if first else b""
    rest = text[len(line) :].strip()
    if rest and line.strip():
        try:
            decode(line)
        except FieldError:
            pass
        else:
            return "jsonl"
    if text.startswith(b"{") and re.match(rb'\{\s*"log"\s*:', text):
        return "har"
    return "json"


def _decode(data: bytes) -> Any:
    try:
        return decode(data)
    except FieldError as exc:
        return _truncated(exc, data)


_CHAR = re.compile(r"\(char (\d+)\)")


def _truncated(exc: FieldError, data: bytes) -> FieldError:
    """Say so when the document ends before the JSON does (a cut-off file)."""
    found = _CHAR.search(exc.message)
    stripped = len(data.rstrip())
    if stripped and found is not None and int(found.group(1)) >= stripped - 1:
        return FieldError(exc.code, f"{exc.message} (the document is cut off: truncated?)")
    if "EOF" in exc.message or "end of data" in exc.message:
        return FieldError(exc.code, f"{exc.message} (the document is cut off: truncated?)")
    return exc


#: How many bytes of lines a lane is handed at a time (about a hundred records).
_BLOCK = 1 << 16


def _jsonl(
    stream: IO[bytes], display: str, options: ReadOptions, lane: Lane | None, interactive: bool
) -> Iterator[Record]:
    number = 0
    blocks: Iterator[list[bytes]]
    if interactive:
        blocks = ([line] for line in stream)
    else:
        blocks = iter(lambda: stream.readlines(_BLOCK), [])
    for lines in blocks:
        yield from _lines_records(display, number, lines, options, lane)
        number += len(lines)


def _lines_records(
    display: str, number: int, lines: list[bytes], options: ReadOptions, lane: Lane | None
) -> Iterator[Record]:
    """The records of consecutive JSON Lines ``lines``, the first of them line
    ``number + 1``: through ``lane`` when there is one."""
    if lane is None:
        for line in lines:
            number += 1
            if not line.isspace():
                yield from line_records(display, number, line, options)
        return
    start, end = 0, len(lines)
    while start < end:
        stop = lane.run(lines, start)
        if stop > start:
            yield QUIET if stop == start + 1 else Record("", None, (), "quiet", stop - start)
        if stop >= end:
            return
        line = lines[stop]
        known = lane.known(line)
        if known is None:
            if not line.isspace():
                yield from line_records(display, number + stop + 1, line, options)
        elif known[1]:
            yield Record(display, number + stop + 1, (), "known", known[0], known[1])
        else:
            yield QUIET
        start = stop + 1


def line_records(
    display: str, number: int | None, line: bytes, options: ReadOptions | None = None
) -> Iterator[Record]:
    """A JSON Lines line: one record, or a page's items and envelope (at that line). With
    ``options.duplicate_keys``, the keys repeated in the line are warnings on their records."""
    document = _decode(line)
    repeats = _Repeats.of(line, document, options) if options is not None else None
    return document_records(display, number, document, repeats)


def document_records(
    display: str, number: int | None, document: Any, repeats: _Repeats | None = None
) -> Iterator[Record]:
    """A decoded JSON Lines line (or a record of a Dask bag or Spark column): one record, or
    a page's items and envelope. ``document`` is not changed. ``repeats``: the keys repeated
    in its text, each told on its record."""
    repeats = repeats or _Repeats()
    if _is_page(document):
        document = dict(document)
        items = document.pop("items")
        yield from _page(display, iter(items), lambda: document, lambda: None, number, repeats)
    else:
        yield Record(display, number, (), "record", document, repeats.under(()))


class _Repeats:
    """The keys repeated in one document (:func:`duplicate_keys`), handed out to the records
    they belong to: the warnings under a path prefix, with paths relative to it, each once."""

    def __init__(self, found: list[tuple[tuple[PathPart, ...], int]] | None = None) -> None:
        self.found = found if found is not None else []
        self._used: set[int] = set()
        self._groups: dict[int, dict[tuple[PathPart, ...], list[int]]] = {}

    @classmethod
    def of(cls, data: bytes, document: Any, options: ReadOptions) -> _Repeats:
        """The repeats in ``data`` (decoded to ``document``), if the options ask for them."""
        if not options.duplicate_keys or isinstance(document, FieldError):
            return cls()
        return cls(duplicate_keys(data, document))

    def add(self, path: tuple[PathPart, ...], occurrence: int) -> None:
        """One more repeat (found while streaming)."""
        self.found.append((path, occurrence))
        self._groups.clear()

    def under(self, prefix: tuple[PathPart, ...]) -> tuple[Issue, ...]:
        """The warnings under ``prefix`` not handed out yet (``()``: all that are left)."""
        if not self.found:
            return ()
        size = len(prefix)
        if size == 0:
            picks = [i for i in range(len(self.found)) if i not in self._used]
        else:
            groups = self._groups.get(size)
            if groups is None:
                groups = self._groups[size] = {}
                for i, (path, _) in enumerate(self.found):
                    if len(path) > size:
                        groups.setdefault(path[:size], []).append(i)
            picks = [i for i in groups.pop(prefix, ()) if i not in self._used]
        self._used.update(picks)
        return tuple(duplicate_key_issue(self.found[i][0][size:], self.found[i][1]) for i in picks)


class _KeyTracker(_Repeats):
    """:class:`_Repeats` of a document read as ijson events (a streamed document): the
    events pass through :meth:`watch`, which keeps the path and the keys of each open object
    (memory grows with the nesting, not the size)."""

    def __init__(self) -> None:
        super().__init__()
        self._stack: list[list[Any]] = []  # [keys seen (None: an array), key or index]

    def watch(self, events: Iterator[tuple[str, str, Any]]) -> Iterator[tuple[str, str, Any]]:
        """Pass the events on, noting every repeated key."""
        stack = self._stack
        for event in events:
            kind = event[1]
            if stack and stack[-1][0] is None and kind != "end_array":
                stack[-1][1] += 1  # the next element of an array
            if kind == "map_key":
                frame = stack[-1]
                seen = frame[0]
                count = seen.get(event[2], 0) + 1
                seen[event[2]] = count
                frame[1] = event[2]
                if count > 1:
                    self.add(tuple(f[1] for f in stack), count)
            elif kind == "start_map":
                stack.append([{}, None])
            elif kind == "start_array":
                stack.append([None, -1])
            elif kind == "end_map" or kind == "end_array":
                stack.pop()
            yield event


def value_records(
    display: str,
    number: int | None,
    value: Any,
    options: ReadOptions | None = None,
    lane: Lane | None = None,
) -> Iterator[Record]:
    """A record that arrives as a value (a Dask bag's element, a Spark column's cell): JSON
    text (str or bytes) is read as a JSON Lines line (a blank one is no record; with
    ``options.duplicate_keys`` its repeated keys are warnings), anything else as a decoded
    document (whose repeated keys, if it had any, are gone already). JSON text that ``lane``
    takes is one record of kind ``quiet`` or ``known`` at its place."""
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes | bytearray):
        if not value or value.isspace():
            return
        line = bytes(value) if value.endswith(b"\n") else bytes(value) + b"\n"
        if lane is not None:
            known = (None, ()) if lane.run([line], 0) else lane.known(line)
            if known is not None:
                if known[1]:
                    yield Record(display, number, (), "known", known[0], known[1])
                else:
                    yield Record(display, number, (), "quiet", 1)
                return
        yield from line_records(display, number, line, options)  # messages as in a file
    else:
        yield from document_records(display, number, value)


def _jsonl_range(
    raw: IO[bytes], unit: Unit, options: ReadOptions, lane: Lane | None
) -> Iterator[Record]:
    """The lines of ``[unit.start, unit.end)`` (line numbers counted from the chunk's first
    line; the caller adds the lines of the chunks before). A line-count record ends it."""
    raw.seek(unit.start)
    left = (unit.end or 0) - unit.start
    number = 0
    while left > 0:
        lines = raw.readlines(min(left, _BLOCK))
        if not lines:
            break
        size = sum(map(len, lines))
        if size >= left:  # the range ends within these lines: keep those it holds
            kept = 0
            while left > 0 and kept < len(lines):
                left -= len(lines[kept])
                kept += 1
            del lines[kept:]
        else:
            left -= size
        yield from _lines_records(unit.display, number, lines, options, lane)
        number += len(lines)


def _json(stream: IO[bytes], display: str, options: ReadOptions) -> Iterator[Record]:
    head = _read_head(stream, options.stream_threshold + 1)
    if len(head) <= options.stream_threshold:
        document = _decode(head)
        repeats = _Repeats.of(head, document, options)
        if isinstance(document, FieldError):
            yield Record(display, None, (), "record", document)
        elif type(document) is list:
            for index, element in enumerate(document):
                yield Record(display, None, (index,), "element", element, repeats.under((index,)))
        elif _is_page(document):
            items = document.pop("items")
            yield from _page(display, iter(items), lambda: document, lambda: None, None, repeats)
        else:
            yield Record(display, None, (), "record", document, repeats.under(()))
        return
    yield from _json_stream(_chain(head, stream), display, options)


def _is_page(document: Any) -> bool:
    return type(document) is dict and type(document.get("items")) is list and "id" not in document


def _page(
    display: str,
    items: Iterator[Any],
    envelope: Callable[[], dict[str, Any] | None],
    error: Callable[[], FieldError | None],
    line: int | None = None,
    repeats: _Repeats | None = None,
) -> Iterator[Record]:
    """The items of a page one by one (repeated ids flagged on the later item), then the
    envelope (known once the items are read) with ``page_size`` checked against the number
    of items. ``envelope()`` None: the document was no page after all, and is one record.
    ``repeats``: the keys repeated in the page's text, each told on its item or the
    envelope."""
    repeats = repeats or _Repeats()
    seen = _SeenIds()
    count = 0
    for index, item in enumerate(items):
        count = index + 1
        extra: tuple[Issue, ...] = ()
        ident = item.get("id") if type(item) is dict else None
        if type(ident) is str:
            first = seen.first(ident.lower(), index)
            if first is not None:
                extra = (
                    Issue(
                        "$.id",
                        "duplicate_id",
                        f"id {ident} is also the id of $.items[{first}]",
                        severity="warning",
                    ),
                )
        extra += repeats.under(("items", index))
        yield Record(display, line, ("items", index), "item", item, extra)
    failure = error()
    if failure is not None:
        yield Record(display, line, ("items", count), "item", failure)
        return
    document = envelope()
    if document is None:
        return
    checks: tuple[Issue, ...] = repeats.under(())
    page_size = document.get("page_size")
    if type(page_size) is int and page_size != count:
        plural = "s" if count != 1 else ""
        checks += (
            Issue(
                "$.page_size",
                "page_size_mismatch",
                f"page_size is {page_size} but the page has {count} item{plural}",
                severity="warning",
            ),
        )
    yield Record(display, line, (), "envelope", document, checks)


class _SeenIds:
    """The ids of a page's items so far, in 12 bytes each (a dict of id strings takes about
    170): a 64-bit fingerprint (the string's hash) and the first index, in open-addressing
    arrays. Two different ids share a fingerprint with a probability of about n**2 / 2**65
    (1 in 4 million for 3 million ids); that would report a repeated id that is not one."""

    def __init__(self) -> None:
        self._keys = array("q", bytes(8 * 1024))
        self._values = array("I", bytes(4 * 1024))
        self._used = 0

    def first(self, key: str, index: int) -> int | None:
        """The index ``key`` was first seen at, or None (and ``index`` is recorded)."""
        fingerprint = hash(key) or 1  # 0 marks an empty slot
        keys = self._keys
        mask = len(keys) - 1
        slot = fingerprint & mask
        while True:
            found = keys[slot]
            if found == 0:
                keys[slot] = fingerprint
                self._values[slot] = index
                self._used += 1
                if self._used * 4 > len(keys) * 3:
                    self._grow()
                return None
            if found == fingerprint:
                return int(self._values[slot])
            slot = (slot + 1) & mask

    def _grow(self) -> None:
        old_keys, old_values = self._keys, self._values
        size = len(old_keys) * 2
        keys = array("q", bytes(8 * size))
        values = array("I", bytes(4 * size))
        mask = size - 1
        for fingerprint, value in zip(old_keys, old_values, strict=True):
            if fingerprint:
                slot = fingerprint & mask
                while keys[slot]:
                    slot = (slot + 1) & mask
                keys[slot] = fingerprint
                values[slot] = value
        self._keys, self._values = keys, values


def _json_stream(stream: IO[bytes], display: str, options: ReadOptions) -> Iterator[Record]:
    """A large document, one array element or page item at a time (ijson)."""
    first = _read_head(stream, 1 << 12)
    stream = _chain(first, stream)
    start = first.lstrip()[:1]
    tracker = _KeyTracker()
    if start == b"[":
        index = -1
        elements = (
            ijson.items(tracker.watch(ijson.parse(stream, use_float=True)), "item")
            if options.duplicate_keys
            else ijson.items(stream, "item", use_float=True)
        )
        try:
            for index, element in enumerate(elements):
                extra = tracker.under((index,))
                yield Record(display, None, (index,), "element", element, extra)
        except ijson.JSONError as exc:
            yield Record(display, None, (index + 1,), "element", _stream_error(exc))
        return
    if start != b"{":
        data = stream.read()
        document = _decode(data)
        repeats = _Repeats.of(data, document, options).under(())
        yield Record(display, None, (), "record", document, repeats)
        return
    side = ObjectBuilder()
    failure: list[FieldError] = []

    def tap(events: Iterator[tuple[str, str, Any]]) -> Iterator[tuple[str, str, Any]]:
        for event in events:
            if not event[0].startswith("items.item"):
                side.event(event[1], event[2])
            yield event

    def items() -> Iterator[Any]:
        events = ijson.parse(stream, use_float=True)
        if options.duplicate_keys:
            events = tracker.watch(events)
        try:
            yield from ijson.items(tap(events), "items.item")
        except ijson.JSONError as exc:
            failure.append(_stream_error(exc))

    whole: list[Any] = []

    def envelope() -> dict[str, Any] | None:
        document = getattr(side, "value", None)
        if _is_page(document):
            page = cast(dict[str, Any], document)
            del page["items"]
            return page
        whole.append(document)  # an object without an items array: one record
        return None

    error = lambda: failure[0] if failure else None  # noqa: E731
    yield from _page(display, items(), envelope, error, None, tracker)
    if whole:
        yield Record(display, None, (), "record", whole[0], tracker.under(()))


def _stream_error(exc: Exception) -> FieldError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "premature eof" in text.lower() or "incomplete" in text.lower():
        return FieldError(
            "invalid_json", f"not valid JSON: {text} (the document is cut off: truncated?)"
        )
    return FieldError("invalid_json", f"not valid JSON: {text}")


def _har(data: bytes, display: str, options: ReadOptions) -> Iterator[Record]:
    for entry in read_har(data):
        if isinstance(entry, HarExchange):
            repeats: tuple[Issue, ...] = ()
            if options.duplicate_keys and entry.body:  # the keys repeated in the body
                repeats = _Repeats(duplicate_keys(entry.body)).under(())
            position = ("log", "entries", entry.index)
            yield Record(display, None, position, "exchange", entry, repeats)
        else:
            yield Record(display, None, (), "exchange", entry)
