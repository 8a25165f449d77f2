"""The command line's lane loop in C (``lms_schema._capture._lane``) against the Python it
stands for.

``Lane.run`` does, for a list of lines, what ``quiet_lines``'s Python does for one line;
``tests/test_cli_quiet.py`` compares whole runs of files with it, with the Python lane and
without any lane. Here: its two steps made in C without a call, each against the Python
that decides otherwise (the repeated-key scan against ``duplicate_keys``; the completion's
interval rule against ``_completion_warnings``), the bounds and arguments of ``run``, and
the errors it passes on or turns into "not sure".
"""

from __future__ import annotations

import importlib
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lms_schema import Completion, structure
from lms_schema._gen.mirror import mirror_checker
from lms_schema._validate import (
    COMPLETION_INTERVAL,
    _completion_warnings,
    quiet_interval,
    quiet_warnings,
)
from lms_schema._values.durations import Duration, parse_duration
from lms_schema._values.jsonvalue import duplicate_keys

#: Imported directly: the environment switch turns the lane off for the command line only.
_lane: Any = importlib.import_module("lms_schema._capture._lane")

VALID = orjson.loads(
    b'{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","remote_id":"c-1",'
    b'"modified_at":"2025-08-01T10:00:00Z","custom_fields":null,'
    b'"user":"c80bb384-cdc9-4883-a5fc-06e7d0410b94","score":95,'
    b'"started_at":"2025-08-01T09:00:00Z","completed_at":"2025-08-01T10:00:00Z",'
    b'"time_duration":"PT30M"}'
)


def _completion_lane(repeats: bool = True, interval: bool = True) -> Any:
    mirror = mirror_checker(Completion)
    assert mirror is not None
    return _lane.Lane(
        mirror.unguarded,
        mirror.decode,
        mirror.max_depth,
        mirror.encode if repeats else None,
        mirror.check,
        quiet_warnings(Completion),
        quiet_interval(Completion) if interval else None,
    )


def _line(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload) + b"\n"


# -- repeated keys ---------------------------------------------------------------------------

#: Key text that looks like JSON structure (no backslash: the scan is for text without one).
_KEYS = st.sampled_from(["a", "b", "a:", ":", "{", "}", "[", "]", ",", " a", "", "é", "a b"])
_SPACE = st.sampled_from(["", " ", "\n", "\t ", "\r\n"])


@st.composite
def _json_text(draw: st.DrawFn, depth: int = 0) -> str:
    """JSON text whose objects may repeat keys (written from pairs, not dicts)."""
    choice = draw(st.integers(0, 3 if depth < 4 else 1))
    if choice == 0:
        return draw(st.sampled_from(['"x"', '":{"', "1", "null", "true", '"a:1"', "[]", "{}"]))
    if choice == 1:
        return f'"{draw(_KEYS)}"'
    space = draw(_SPACE)
    if choice == 2:
        items = draw(st.lists(_json_text(depth + 1), max_size=4))
        return "[" + space + ("," + space).join(items) + "]"
    pairs = draw(st.lists(st.tuples(_KEYS, _json_text(depth + 1)), max_size=5))
    body = ("," + space).join(f'"{key}"{space}:{draw(_SPACE)}{value}' for key, value in pairs)
    return "{" + space + body + draw(_SPACE) + "}"


@given(text=_json_text())
@example(text='{"a":1,"b":{"a":2},"c":[{"x":1},{"x":2}]}')
@example(text='{"a":1,"b":{"a":2}, "a" :3}')
@example(text='{"a:":"a","a":1}')
@example(text='[{"a":1},{"a":1}]')
@example(text='{"a":{"b":1},"b":2}')
@example(text='{"a":[{"b":1},{"b":2}],"b":[]}')
def test_repeated_keys_are_found_as_duplicate_keys_finds_them(text: str) -> None:
    data = text.encode()
    orjson.loads(data)  # well-formed: the scan's condition (the decoder read the text first)
    assert _lane.repeated_key(data) is bool(duplicate_keys(data))


def test_repeated_key_bounds() -> None:
    wide = "{" + ",".join(f'"k{i}":{i}' for i in range(64)) + "}"
    assert _lane.repeated_key(wide.encode()) is False  # 64 keys: scanned
    wider = "{" + ",".join(f'"k{i}":{i}' for i in range(65)) + "}"
    assert _lane.repeated_key(wider.encode()) is None  # 65: not sure (the encoder decides)
    assert _lane.repeated_key(b'{"a":1,' + wider.encode()[1:]) is None
    deep = '{"a":' * 64 + "1" + "}" * 64
    assert _lane.repeated_key(deep.encode()) is False
    deeper = '{"a":' * 65 + "1" + "}" * 65
    assert _lane.repeated_key(deeper.encode()) is None
    assert _lane.repeated_key(b'{"a":1,"a":') is True  # a repeat before the text ends
    assert _lane.repeated_key(b'{"a') is None  # not JSON: not sure
    assert _lane.repeated_key(b'"a":1') is None  # a key outside any object
    assert _lane.repeated_key(b"}") is None
    with pytest.raises(ValueError, match="backslash"):
        _lane.repeated_key(b'{"a\\u0062":1}')
    with pytest.raises(TypeError, match="expected bytes"):
        _lane.repeated_key('{"a":1}')


def test_wide_objects_are_re_encoded() -> None:
    """A line the scan is not sure of is decided by the mirror's encoding (as the Python)."""
    lane = _completion_lane()
    fields = {f"k{i}": i for i in range(70)}
    line = _line({**VALID, "custom_fields": fields})
    assert lane.run([line], 0) == 1
    repeated = line.replace(b'"k0":0', b'"k0":0,"k0":0')
    assert lane.run([repeated], 0) == 0
    assert lane.run([line.replace(b'"k0":0', b'"k0" : 0')], 0) == 1  # spaced: colons counted


# -- the interval rule -----------------------------------------------------------------------

_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
)


def _duration_text(microseconds: int) -> str:
    seconds, fraction = divmod(microseconds, 1_000_000)
    return f"PT{seconds}.{fraction:06d}S" if fraction else f"PT{seconds}S"


@st.composite
def _interval_payloads(draw: st.DrawFn) -> dict[str, Any]:
    """Completions around the boundaries of the interval rule: an end equal to the start,
    a microsecond either side; a duration of the interval, a microsecond either side, of
    months, of a fraction of a month; negative, zero and absent scores."""
    start = draw(st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1), timezones=_ZONES))
    hour = 3_600_000_000
    gap = draw(st.sampled_from([0, 1, -1, hour, -hour]) | st.integers(-(10**12), 10**12))
    end = (start + timedelta(microseconds=gap)).astimezone(draw(_ZONES))
    payload = {
        **VALID,
        "started_at": start.isoformat(),
        "completed_at": end.isoformat(),
        "score": draw(st.sampled_from([-1, 0, 1, 95, None, -(2**63), 2**63 - 1])),
    }
    near = max(gap, 0) + draw(st.sampled_from([-1, 0, 1]))
    duration = draw(
        st.sampled_from(["P1M", "P0.5M", "P1Y", "PT0S", "P400D", None, "absent"])
        | st.just(_duration_text(max(near, 0)))
    )
    if duration == "absent":
        del payload["time_duration"]
    else:
        payload["time_duration"] = duration
    if draw(st.booleans()):
        payload["started_at"] = draw(st.sampled_from([None, "absent"]))
        if payload["started_at"] == "absent":
            del payload["started_at"]
    return payload


@given(payload=_interval_payloads())
def test_the_interval_rule_agrees_with_the_completion_warnings(payload: dict[str, Any]) -> None:
    """Quiet by the rule only when the Python has no warning; and quiet by the rule whenever
    the Python has none and the value is of the shape the rule reads (else the C saves
    nothing)."""
    lane = _completion_lane()
    value = structure(payload, Completion)
    warnings = _completion_warnings(value)
    quiet = lane.interval_quiet(value)
    if quiet:
        assert warnings == []
    started, completed, duration = value.started_at, value.completed_at, value.time_duration
    readable = (
        isinstance(started, datetime)
        and isinstance(completed, datetime)
        and (not isinstance(duration, Duration) or duration._months == 0)
    ) or not (isinstance(started, datetime) and isinstance(completed, datetime))
    if not warnings and readable:
        assert quiet
    line = _line(payload)
    assert lane.run([line], 0) == (0 if warnings else 1)


def test_interval_rule_cases() -> None:
    lane = _completion_lane()

    def quiet(**changes: Any) -> bool:
        return bool(lane.interval_quiet(structure({**VALID, **changes}, Completion)))

    assert quiet()
    assert not quiet(score=-1)
    assert quiet(score=0)
    assert not quiet(completed_at="2025-08-01T08:59:59.999999Z")  # before the start
    assert quiet(completed_at="2025-08-01T09:00:00Z", time_duration="PT0S")
    assert quiet(time_duration="PT1H")  # exactly the interval
    assert not quiet(time_duration="PT1H0.000001S")
    assert quiet(completed_at="2025-08-01T12:00:00+02:00", time_duration="PT1H")  # 10:00Z
    assert not quiet(time_duration="P1M")  # months: the Python reads the calendar
    assert quiet(started_at=None)
    assert quiet(time_duration=None)
    assert not quiet(time_duration="P999999999D")  # past 64 bits of microseconds: asked
    assert COMPLETION_INTERVAL[4] is Duration
    assert quiet_interval(Completion) is COMPLETION_INTERVAL
    assert quiet_interval(dict) is None


def test_interval_rule_declines_what_it_cannot_read() -> None:
    """Attributes missing or of other types: asked of the Python, never an error."""
    lane = _completion_lane()

    class Odd:
        score = 1
        started_at = datetime(2025, 1, 1, tzinfo=UTC)
        completed_at = datetime(2025, 1, 2, tzinfo=UTC)
        time_duration: Any = parse_duration("PT1H")

    assert lane.interval_quiet(Odd()) is True
    odd = Odd()
    odd.time_duration = "PT1H"  # not a Duration: no duration warning
    assert lane.interval_quiet(odd) is True
    odd.completed_at = datetime(2025, 1, 2)  # naive: comparing raises, the Python decides
    assert lane.interval_quiet(odd) is False
    del Odd.score
    assert lane.interval_quiet(Odd()) is False
    with pytest.raises(TypeError, match="no interval rule"):
        _completion_lane(interval=False).interval_quiet(Odd())


# -- run -------------------------------------------------------------------------------------


def test_run_stops_at_the_first_line_with_something_to_say() -> None:
    lane = _completion_lane()
    good = _line(VALID)
    lines = [
        good,
        good,
        _line({**VALID, "score": -1}),  # a warning
        good,
        _line({**VALID, "score": "95"}),  # an error
        good,
        good[:-2] + b',"score":95}\n',  # a repeated key
        b"   \n",
        "not bytes",
        good.replace(b'"c-1"', b'"c\\u002d1"'),  # an escape: the Python's lane decides
        _line({**VALID, "colour": "red"}),  # an unknown key: msgspec refuses it
        _line({**VALID, "started_at": "2025-08-01T09:00:00"}),  # naive: flagged
        good,
    ]
    stops = []
    start = 0
    while start < len(lines):
        stop = lane.run(lines, start)
        stops.append(stop)
        start = stop + 1
    assert stops == [2, 4, 6, 7, 8, 9, 10, 11, 13]
    assert lane.run(lines, 12) == 13
    assert lane.run(lines, 13) == 13
    assert lane.run(lines, 99) == 13
    assert lane.run([], 0) == 0
    assert _completion_lane(repeats=False).run(lines, 5) == 7  # keys may repeat: not asked


def test_run_arguments() -> None:
    lane = _completion_lane()
    with pytest.raises(TypeError, match="list of bytes"):
        lane.run((b"{}",), 0)
    with pytest.raises(TypeError, match="must be an int"):
        lane.run([], "0")
    with pytest.raises(TypeError, match="2 arguments"):
        lane.run([])
    with pytest.raises(ValueError, match="negative"):
        lane.run([], -1)
    with pytest.raises(TypeError, match="callables"):
        _lane.Lane(None, len, 1, None, len, len)
    with pytest.raises(TypeError, match="callables"):
        _lane.Lane(len, len, 1, 5, len, len)
    with pytest.raises(TypeError, match="tuple of 7"):
        _lane.Lane(len, len, 1, None, len, len, ("score",))
    with pytest.raises(TypeError, match="the names str"):
        _lane.Lane(len, len, 1, None, len, len, ("a", "b", "c", "d", "e", "f", "g"))


class _Stop(BaseException):
    """Not an Exception: like KeyboardInterrupt, it must not be taken for a decline."""


def _scripted(**parts: Any) -> Any:
    def decode(line: bytes) -> Any:
        return parts.get("document", {"line": line})

    def check(document: Any, found: list[str]) -> Any:
        return parts.get("check", lambda d, f: d)(document, found)

    return _lane.Lane(
        parts.get("decode", decode),
        parts.get("guarded", decode),
        parts.get("max_depth", 10**6),
        parts.get("encode"),
        check,
        parts.get("warnings", lambda value: ()),
    )


def test_run_declines_exceptions_and_passes_on_the_rest() -> None:
    lines = [b"{}", b"{}"]
    assert _scripted().run(lines, 0) == 2

    def refuse(line: bytes) -> Any:
        raise ValueError("refused")

    assert _scripted(decode=refuse).run(lines, 0) == 0

    def flag(document: Any, found: list[str]) -> Any:
        found.append("x")
        return document

    flagging = _scripted(check=flag)
    assert flagging.run(lines, 0) == 0
    assert flagging.run(lines, 1) == 1  # the list is emptied: the next line is asked again

    def flag_then_fail(document: Any, found: list[str]) -> Any:
        found.append("x")
        raise ValueError("declined")

    assert _scripted(check=flag_then_fail).run(lines, 0) == 0
    assert _scripted(warnings=lambda value: ["w"]).run(lines, 0) == 0

    def stop(*args: Any) -> Any:
        raise _Stop

    for part in ("decode", "check", "warnings"):
        with pytest.raises(_Stop):
            _scripted(**{part: stop}).run(lines, 0)
    with pytest.raises(ZeroDivisionError):  # the warnings function is not the lane's to judge
        _scripted(warnings=lambda value: 1 / 0).run(lines, 0)
    wide = b"{" + b",".join(b'"k%d":1' % i for i in range(70)) + b"}"
    with pytest.raises(TypeError, match="not bytes"):
        _scripted(encode=lambda document: "text").run([wide], 0)
    with pytest.raises(ZeroDivisionError):
        _scripted(encode=lambda document: 1 / 0).run([wide], 0)


def test_the_guard_is_used_above_the_depth_orjson_reads() -> None:
    calls: list[str] = []

    def named(name: str) -> Any:
        def decode(line: bytes) -> Any:
            calls.append(name)
            return {}

        return decode

    lane = _scripted(decode=named("plain"), guarded=named("guarded"), max_depth=1024)
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(1000)
        lane.run([b"{}"], 0)
        sys.setrecursionlimit(2000)
        lane.run([b"{}"], 0)
    finally:
        sys.setrecursionlimit(limit)
    assert calls == ["plain", "guarded"]


def test_a_list_changed_by_a_callable_is_read_as_it_is() -> None:
    lines: list[Any] = [b"{}", b"{}", b"{}"]

    def shrink(document: Any, found: list[str]) -> Any:
        del lines[1:]
        return document

    assert _scripted(check=shrink).run(lines, 0) == 1
