"""JSON text in and out, the check that a verbatim object (``raw_data``) really is JSON, and
the search for keys repeated in one object of JSON text (which parsers resolve differently)::

    >>> duplicate_keys(b'{"score": "x", "user": {"id": 1, "\\u0069d": 2}, "score": 95}')
    [(('user', 'id'), 2), (('score',), 2)]
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

from .absent import ABSENT
from .issues import Issue, format_path
from .leaf import FieldError, json_type_name

__all__ = [
    "MAX_DEPTH",
    "check_json_object",
    "check_json_value",
    "decode",
    "decode_with_issues",
    "duplicate_key_issue",
    "duplicate_keys",
    "encode",
    "may_hold_wide_integer",
]

#: The deepest nesting accepted inside a verbatim object (``raw_data``, ``custom_fields``),
#: counting the object itself as 1. Deeper values cannot be written back out by common JSON
#: encoders (orjson stops at 254 levels for the whole document), so they are rejected.
MAX_DEPTH = 200
#: Integers inside verbatim objects must fit a 64-bit JSON number: signed or unsigned.
_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1


def check_json_object(value: object) -> dict[str, Any]:
    """Return ``value`` itself (no copy) if it is a JSON object; raise FieldError otherwise.

    Strings keys only, finite numbers, no sets or other Python objects, at most
    :data:`MAX_DEPTH` levels. The walk is iterative: deep input cannot exhaust the stack.
    """
    if type(value) is not dict:
        raise FieldError("wrong_type", f"expected an object or null, got {json_type_name(value)}")
    if _scan_dict(value, _SCAN_LEVELS):
        return value
    return _check_tree(value)  # type: ignore[return-value]


#: Levels below a verbatim object that the quick recursive scan looks into (far fewer than
#: MAX_DEPTH, so it cannot find a value too deep, nor exhaust the stack); anything deeper,
#: and anything it does not accept, is decided (and explained) by the iterative walk.
_SCAN_LEVELS = 6


def _scan_dict(node: dict[Any, Any], levels: int) -> bool:
    """True if ``node`` is a JSON object nested at most ``levels`` more levels; False means
    "not shown": :func:`_check_tree` decides."""
    for key, item in node.items():
        kind = type(item)
        if type(key) is not str:
            return False
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if not _INT_MIN <= item <= _INT_MAX:
                return False
        elif kind is dict:
            if not levels or not _scan_dict(item, levels - 1):
                return False
        elif kind is list:
            if not levels or not _scan_list(item, levels - 1):
                return False
        elif kind is not float or item - item != 0.0:  # inf - inf and nan - nan are nan
            return False
    return True


def _scan_list(node: list[Any], levels: int) -> bool:
    """:func:`_scan_dict` for an array. (One function over ``items()`` and
    ``zip(repeat(""), array)`` pairs was measured 40 % slower on ``raw_data``.)"""
    for item in node:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if not _INT_MIN <= item <= _INT_MAX:
                return False
        elif kind is dict:
            if not levels or not _scan_dict(item, levels - 1):
                return False
        elif kind is list:
            if not levels or not _scan_list(item, levels - 1):
                return False
        elif kind is not float or item - item != 0.0:
            return False
    return True


def check_json_value(value: object) -> object:
    """Return ``value`` itself if it is any JSON value (the rules of :func:`check_json_object`)."""
    if type(value) is dict and _scan_dict(value, _SCAN_LEVELS):
        return value
    if type(value) is list and _scan_list(value, _SCAN_LEVELS):
        return value
    if type(value) in _CONTAINERS:
        return _check_tree(value)
    if type(value) not in _SCALARS:
        _check_scalar(value)
    return value


def _check_tree(value: object) -> object:
    stack: list[tuple[object, int]] = [(value, 1)]
    pop = stack.pop
    push = stack.append
    while stack:
        node, depth = pop()
        node_type = type(node)
        if node_type is dict:
            if depth > MAX_DEPTH:
                raise FieldError("too_deep", f"nested more than {MAX_DEPTH} levels deep")
            for key, item in node.items():  # type: ignore[attr-defined]
                if type(key) is not str:
                    raise FieldError(
                        "not_json", f"object keys must be strings, got {json_type_name(key)}"
                    )
                if type(item) in _CONTAINERS:
                    push((item, depth + 1))
                elif type(item) not in _SCALARS:
                    _check_scalar(item)
        elif node_type is list:
            if depth > MAX_DEPTH:
                raise FieldError("too_deep", f"nested more than {MAX_DEPTH} levels deep")
            for item in node:  # type: ignore[attr-defined]
                if type(item) in _CONTAINERS:
                    push((item, depth + 1))
                elif type(item) not in _SCALARS:
                    _check_scalar(item)
    return value


_CONTAINERS = frozenset({dict, list})
_SCALARS = frozenset({str, bool, type(None)})


def _check_scalar(item: object) -> None:
    if type(item) is int:
        if not _INT_MIN <= item <= _INT_MAX:
            raise FieldError("out_of_range", "integers must fit in 64 bits")
        return
    if type(item) is float:
        if not math.isfinite(item):
            raise FieldError("not_json", f"{item!r} is not a JSON number")
        return
    raise FieldError("not_json", f"a {json_type_name(item)} is not a JSON value")


# orjson reads an integer literal wider than 64 bits as a float (123456789012345678901234567890
# becomes 1.2345678901234568e+29, -9223372036854775809 becomes -9.223372036854776e+18): data
# changed silently, and a check that would say out_of_range says nothing or wrong_type. Such
# a literal has at least 19 digits, so a document with a run of 19 ASCII digits anywhere (in
# a number or in a string) is read again by the standard library, whose integers are exact.
# Looking for the run: digits -> "0", everything else -> " ", then a substring search
# (1.7 µs on a 768-byte record where orjson takes 2.7 µs, measured; a regular expression
# took 17 µs).
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_WIDE_RUN = b"0" * 19


def may_hold_wide_integer(data: bytes | bytearray | memoryview | str) -> bool:
    """True when ``data`` has 19 ASCII digits in a row (a wide integer literal needs them)."""
    if isinstance(data, str):
        raw: bytes | bytearray = data.encode("utf-8", "surrogatepass")
    elif isinstance(data, memoryview):
        raw = data.tobytes()
    else:
        raw = data
    return _WIDE_RUN in raw.translate(_DIGITS_AS_ZERO)


def decode(data: bytes | bytearray | memoryview | str) -> Any:
    """Parse one JSON document (orjson); raise FieldError('invalid_json') on bad input.

    A lone surrogate escape (``"\\ud800"``, which :func:`encode` writes for a string holding
    one) is grammatical JSON that orjson refuses; such documents are read by the standard
    library instead, so that ``decode(encode(x)) == x``. Bytes must still be UTF-8.
    A document that may hold an integer wider than 64 bits, which orjson would turn into a
    float, is read by the standard library too, so every integer stays exact (and the
    checks reject it as ``out_of_range``, as ``structure()`` does the same data).
    """
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "surrogate in string" in str(exc):
            return _decode_stdlib(data)
        raise FieldError("invalid_json", f"not valid JSON: {exc}") from None
    except TypeError:
        raise FieldError(
            "invalid_json", f"expected bytes or str, got {type(data).__name__}"
        ) from None
    if may_hold_wide_integer(data):
        try:
            return _decode_stdlib(data)
        except FieldError:  # orjson read it: only the depth can be too much for json
            raise FieldError("too_deep", "nested too deeply to read its integers exactly") from None
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


#: orjson's nesting limit; the standard-library fallback enforces it too, so that both paths
#: agree on every Python (3.13's json no longer runs out of recursion at 5000 levels).
_MAX_NESTING = 1024


def _decode_stdlib(data: bytes | bytearray | memoryview | str) -> Any:
    try:
        text = data if isinstance(data, str) else bytes(data).decode("utf-8")
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise FieldError("invalid_json", f"not valid JSON: {exc}") from None
    if _nesting(value) > _MAX_NESTING:
        raise FieldError(
            "invalid_json", f"not valid JSON: nested deeper than {_MAX_NESTING} levels"
        )
    return value


def _nesting(value: Any) -> int:
    """How many arrays and objects deep a decoded document goes (iteratively)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend((child, depth) for child in item)
    return deepest


def encode(value: Any) -> bytes:
    """Compact UTF-8 JSON. orjson refuses strings with lone surrogates, which UTF-8 cannot
    carry; those are written with the standard library as ``\\uXXXX`` escapes (valid UTF-8,
    read back by :func:`decode`)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
            "utf-8", "backslashreplace"
        )


# -- repeated keys ------------------------------------------------------------------------------

#: A key's closing quote and its colon. Inside a string a quote is always escaped, so every key
#: of the text ends in a match; a string value containing ``\\":`` adds one more. So when the
#: matches are as many as the keys of the decoded value, no key repeats.
_KEY_END = re.compile(rb'"[ \t\n\r]*:')
_KEY_END_STR = re.compile(r'"[ \t\n\r]*:')
#: The tokens the exact scan needs: strings (an unrolled loop, no backtracking) and brackets,
#: commas, colons. Numbers, literals and whitespace are skipped by ``finditer``.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]')


def duplicate_keys(
    data: bytes | bytearray | memoryview | str, decoded: Any = None
) -> list[tuple[tuple[str | int, ...], int]]:
    """Every key repeated within one object of the JSON text ``data``, in text order.

    Each repetition is one entry ``(path, occurrence)``: the path parts of the key
    (``("items", 3, "score")``) and which occurrence it is (2 for the first repeat). Keys
    compare after unescaping, so ``"a"`` and ``"\\u0061"`` are the same key. Parsers
    disagree on such text (orjson, msgspec and the standard library keep the last value,
    others the first), which is why it is worth a warning.

    ``decoded`` is the value the text decodes to, if the caller has it: when the text has no
    more key ends than that value has keys, nothing can repeat and the exact scan is skipped
    (the common case). The scan is iterative (any nesting depth) and never raises: on text
    that is not JSON it reports what it can.
    """
    if isinstance(data, memoryview | bytearray):
        data = bytes(data)
    if decoded is not None:
        if _same_colons(data, decoded):
            return []
        pattern = _KEY_END_STR if isinstance(data, str) else _KEY_END
        if len(pattern.findall(data)) <= _count_keys(decoded):  # type: ignore[arg-type]
            return []
    if not isinstance(data, str):
        data = data.decode("utf-8", "replace")
    return _scan_duplicates(data)


def _same_colons(data: bytes | str, decoded: Any) -> bool:
    """True when ``data`` has no backslash and as many colons as ``decoded`` written by
    orjson: then no key repeats (the quick check of the common case, 1 µs where counting
    keys takes 3.5, measured on a 456-byte record).

    Why: without a backslash the text has no escapes, so every string of it is written
    byte for byte the same by orjson, and outside strings a colon only follows a key. With
    no repeated key, the decoded value holds every key and string of the text, so the counts
    are equal; a repeated key drops one key and value at least, and with them one colon at
    least. (A backslash could hide a colon in an escape, ``\\u003a``: such text is left to
    the checks below.)"""
    if isinstance(data, str):
        if "\\" in data:
            return False
        colons = data.count(":")
    else:
        if b"\\" in data:
            return False
        colons = data.count(b":")
    try:
        again = orjson.dumps(decoded)
    except TypeError:  # not orjson's to write (an integer wider than 64 bits, say)
        return False
    return colons == again.count(b":")


def decode_with_issues(
    data: bytes | bytearray | memoryview | str, check_duplicate_keys: bool = True
) -> tuple[Any, tuple[Issue, ...]]:
    """Decode JSON text for :func:`~lms_schema.validate`: ``(value, duplicate_key warnings)``,
    or ``(ABSENT, (invalid_json error,))`` when it is not one JSON document. Never raises.
    """
    try:
        value = decode(data)
    except FieldError as exc:
        return ABSENT, (Issue("$", exc.code, exc.message),)
    if not check_duplicate_keys:
        return value, ()
    return value, tuple(duplicate_key_issue(path, n) for path, n in duplicate_keys(data, value))


def duplicate_key_issue(path: tuple[str | int, ...], occurrence: int) -> Issue:
    """The ``duplicate_key`` warning for one entry of :func:`duplicate_keys`."""
    return Issue(
        format_path(path),
        "duplicate_key",
        f"key {path[-1]!r} repeated in one object (occurrence {occurrence}); parsers disagree "
        "on which value counts (orjson, msgspec and the json module keep the last)",
        severity="warning",
    )


def _count_keys(value: Any) -> int:
    """The number of keys of every object in a decoded JSON value (iterative)."""
    count = 0
    stack = [value] if type(value) is dict or type(value) is list else []
    pop = stack.pop
    push = stack.append
    while stack:
        node = pop()
        items: Any = node
        if type(node) is dict:
            count += len(node)
            items = node.values()
        for item in items:
            kind = type(item)
            if kind is dict or kind is list:
                push(item)
    return count


def _key_text(token: str) -> str:
    if "\\" not in token:
        return token[1:-1]
    try:
        return str(json.loads(token))
    except ValueError:  # a bad escape: not JSON; compare the raw text
        return token[1:-1]


def _scan_duplicates(text: str) -> list[tuple[tuple[str | int, ...], int]]:
    # One frame per open container: [keys seen so far with their count (None for an array),
    # the current key or index]. The path is built only for a repeated key, from the frames.
    found: list[tuple[tuple[str | int, ...], int]] = []
    frames: list[list[Any]] = []
    expect_key = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            if expect_key:
                frame = frames[-1]
                key = _key_text(token)
                seen: dict[str, int] = frame[0]
                seen[key] = occurrence = seen.get(key, 0) + 1
                frame[1] = key
                if occurrence > 1:
                    parents = tuple(f[1] for f in frames[:-1] if f[1] is not None)
                    found.append(((*parents, key), occurrence))
                expect_key = False
        elif first == "{":
            frames.append([{}, None])
            expect_key = True
        elif first == "[":
            frames.append([None, 0])
            expect_key = False
        elif first == "}" or first == "]":
            if frames:
                frames.pop()
            expect_key = False
        elif first == "," and frames:
            frame = frames[-1]
            if frame[0] is None:
                frame[1] += 1
            else:
                expect_key = True
    return found
