"""The oracles of the fuzz harness: what must hold for every input, and who is to blame.

A violation is a :class:`Finding` (a bug in lms-schema): an oracle that does not hold, or an
exception escaping a call into lms-schema that must not raise it. Every call into the library
goes through :func:`call`, which turns a stray exception into a finding; so an exception
raised anywhere else (drawing the input, the oracle code itself) is a bug in the harness,
reported as :class:`HarnessError` and never counted as a finding::

    >>> from lms_schema import User
    >>> check_payload({"id": 1}, User)  # every oracle holds: returns None
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from .._api import dumps, loads, structure, structure_issues, unstructure
from .._capture.checks import CheckOptions, LineLane, quiet_lines
from .._capture.readers import ReadOptions
from .._exchange import validate_exchange
from .._lenient.policy import NormalizationPolicy
from .._models.fields import is_model
from .._normalize import normalize
from .._request.expand import format_expand, parse_expand
from .._request.har import HarExchange, read_har
from .._validate import validate
from .._values.absent import ABSENT
from .._values.issues import Issue, ValidationError
from .._values.jsonvalue import decode
from .._values.leaf import FieldError
from .walk import stringify

__all__ = [
    "TEXT_TYPES",
    "Finding",
    "HarnessError",
    "call",
    "check_bytes",
    "check_error_body",
    "check_exchange",
    "check_payload",
    "check_policy",
    "check_query",
    "check_request",
    "check_text",
    "expect",
]

T = TypeVar("T")

#: What ``validate()`` and ``loads()`` read as JSON text.
TEXT_TYPES = (bytes, bytearray, memoryview, str)

_MESSAGE_LIMIT = 2000


class Finding(AssertionError):  # noqa: N818 - a finding, not an error of the harness
    """A bug in lms-schema: ``oracle`` names what failed, the message says how."""

    def __init__(self, oracle: str, message: str) -> None:
        if len(message) > _MESSAGE_LIMIT:
            message = message[: _MESSAGE_LIMIT - 3] + "..."
        super().__init__(f"[{oracle}] {message}")
        self.oracle = oracle


class HarnessError(Exception):
    """A bug in the fuzz harness itself (not in lms-schema): drawing or checking an input
    failed outside the calls into the library. The cause is chained (``__cause__``)."""


def expect(condition: object, oracle: str, message: object = "") -> None:
    """Raise :class:`Finding` unless ``condition`` holds."""
    if not condition:
        fail(oracle, message)


def fail(oracle: str, message: object) -> NoReturn:
    """Raise a :class:`Finding`; ``message`` is shown with ``str()`` (shortened)."""
    text = message if isinstance(message, str) else _short(message)
    raise Finding(oracle, text)


def _short(value: object) -> str:
    return stringify(value)[:_MESSAGE_LIMIT]


def call(
    name: str,
    function: Callable[..., T],
    *args: Any,
    allowed: tuple[type[BaseException], ...] = (),
    **kwargs: Any,
) -> T:
    """``function(*args, **kwargs)``; an exception other than ``allowed`` is a finding."""
    try:
        return function(*args, **kwargs)
    except allowed:
        raise
    except Exception as exc:  # noqa: BLE001 - that is the point: anything escaping is a bug
        fail(f"{name} raised", f"{type(exc).__name__}: {_exception_text(exc)}")


def _exception_text(exc: BaseException) -> str:
    try:
        return str(exc)[:_MESSAGE_LIMIT]
    except Exception:  # noqa: BLE001 - a message that cannot even be shown
        return "<unprintable>"


# -- the oracles ----------------------------------------------------------------------------------


def check_payload(payload: Any, cls: Any) -> None:
    """Every oracle for one payload (JSON text goes to :func:`check_text`).

    ``normalize()`` and ``validate()`` raise nothing; ``structure()`` raises nothing but
    ValidationError, with exactly the errors of ``validate()``; what structures dumps and
    loads back equal.
    """
    if isinstance(payload, TEXT_TYPES):
        check_text(payload, cls)
        return
    check_normalize(payload, cls)
    report = call("validate()", validate, payload, cls)
    try:
        value = call("structure()", structure, payload, cls, allowed=(ValidationError,))
    except ValidationError as exc:
        expect(exc.issues, "structure() raised a ValidationError without issues")
        expect(
            exc.issues == report.errors,
            "validate() errors == structure() issues",
            (exc.issues, report.errors),
        )
        return
    expect(report.errors == (), "validate() errors == structure() issues", report.errors)
    check_value(value, cls)


def check_text(data: bytes | bytearray | memoryview | str, cls: Any) -> None:
    """The oracles for JSON text: ``loads()`` and ``validate()`` of the text agree, every
    repeated key is a ``duplicate_key`` warning (counted against the json module's view),
    and the decoded value passes :func:`check_payload`."""
    try:
        value = call("loads()", loads, data, cls, allowed=(ValidationError,))
        issues: tuple[Any, ...] = ()
    except ValidationError as exc:
        expect(exc.issues, "loads() raised a ValidationError without issues")
        value, issues = None, exc.issues
    report = call("validate()", validate, data, cls, check_duplicate_keys=True)
    expect(report.errors == issues, "validate(text) errors == loads() issues", (report, issues))
    try:
        payload = call("decode()", decode, data, allowed=(FieldError,))
    except FieldError:
        expect(value is None, "loads() accepted text that decode() refuses")
        return
    if isinstance(data, bytes):
        for lane in _quiet_lanes(cls):
            if call("the command line's quiet lane", lane, data):
                expect(
                    not report.errors and not report.warnings,
                    "a line the command line's quiet lane takes has nothing to say",
                    report,
                )
            if call("the command line's lane loop", lane.run, [data], 0):
                expect(
                    not report.errors and not report.warnings,
                    "a line the command line's lane loop takes has nothing to say",
                    report,
                )
            known = call("the command line's known lines", lane.known, data)
            if known is not None:
                expect(
                    not report.errors and tuple(report.warnings) == known[1],
                    "a line the command line's lane knows has the issues it knows",
                    (report, known),
                )
    repeated = [i for i in report.warnings if i.code == "duplicate_key"]
    reference = _reference_duplicates(data)
    if reference is not None:
        expect(len(repeated) == reference, "duplicate_key warnings", (repeated, reference))
    if value is not None:
        check_value(value, cls)
    if type(payload) is not str:  # a str is read as JSON text again
        check_normalize(payload, cls)


@functools.cache
def _quiet_lanes(cls: Any) -> tuple[LineLane, ...]:
    """The command line's quiet lanes for JSON Lines of ``cls`` (msgspec's and orjson's),
    repeated keys on: what they take, ``validate()`` must find nothing to say about."""
    lanes = []
    if is_model(cls):
        read = ReadOptions(duplicate_keys=True)
        for use_msgspec in (True, False):
            lane = quiet_lines(cls, CheckOptions(), read, use_msgspec=use_msgspec)
            if lane is not None:
                lanes.append(lane)
    return tuple(lanes)


def check_bytes(data: bytes, cls: Any) -> None:
    """:func:`check_text` (the older name)."""
    check_text(data, cls)


def _reference_duplicates(data: bytes | bytearray | memoryview | str) -> int | None:
    """How many repeated keys the json module's ``object_pairs_hook`` sees; None when the
    json module cannot read the text (nesting too deep for it, bytes that are not UTF-8)."""
    repeats = 0

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeats
        result = dict(pairs)
        repeats += len(pairs) - len(result)
        return result

    try:
        text = data if isinstance(data, str) else bytes(data).decode("utf-8")
        json.loads(text, object_pairs_hook=hook)
    except (ValueError, RecursionError):
        return None
    return repeats


def check_normalize(payload: Any, cls: Any, policy: NormalizationPolicy | None = None) -> None:
    """``normalize()`` never raises; what it returns is strictly valid and a fixed point."""
    result = call("normalize()", normalize, payload, cls, policy=policy)
    if result.errors:
        expect(
            result.value is None and result.payload is None,
            "normalize() with errors returns no value",
        )
        return
    again = call("structure(normalize().payload)", structure, result.payload, cls)
    expect(again == result.value, "structure(normalize().payload) == normalize().value")
    second = call("normalize()", normalize, result.payload, cls, policy=policy)
    expect(
        second.fixes == () and second.value == result.value,
        "normalize() is a fixed point",
        second.fixes,
    )


def check_value(value: Any, cls: Any) -> None:
    """A structured value dumps, and loads back equal (values and unstructured forms)."""
    data = call("dumps()", dumps, value)
    again = call("loads(dumps())", loads, data, cls)
    expect(again == value, "loads(dumps(value)) == value")
    expect(
        call("unstructure()", unstructure, again) == call("unstructure()", unstructure, value),
        "unstructure() round trip",
    )


# -- request-aware validation, query parameters, exchanges, policies, error bodies --------------


def check_request(case: tuple[Any, str | None, bool | None, bool | None, bool], cls: Any) -> None:
    """``validate()`` with the request's arguments: raises nothing; its errors start with
    exactly the issues of ``structure()``; a payload drawn for the request (``matching``) has
    no error at all."""
    payload, expand, raw, custom, matching = case
    try:
        report = call(
            "validate(request)",
            validate,
            payload,
            cls,
            expand=expand,
            include_raw_data=raw,
            include_custom_fields=custom,
            allowed=(ValidationError,),
        )
    except ValidationError as exc:  # the expand text itself is bad: the caller's argument
        expect(not matching, "validate() refused the expand it was drawn for", exc.issues)
        expect(all(i.path == "query.expand" for i in exc.issues), "expand issues path")
        return
    issues = _structure_issues(payload, cls)
    expect(
        report.errors[: len(issues)] == issues,
        "validate(request) errors start with the structure() issues",
        (report.errors, issues),
    )
    if matching:
        expect(report.errors == (), "a payload drawn for the request passes it", report.errors)


def check_query(case: tuple[Any, Any, str], cls: Any) -> None:
    """``Query.parse_issues()`` raises nothing, ``parse()`` only ValidationError; a parsed
    query writes out (``to_query_string``, ``to_params``) to text that parses back equal.
    ``parse_expand()`` of any text raises only ValidationError, and formats back."""
    query_class, query, expand_text = case
    value, _ = call("Query.parse_issues()", query_class.parse_issues, query)
    try:
        parsed = call("Query.parse()", query_class.parse, query, allowed=(ValidationError,))
    except ValidationError as exc:
        expect(value is None, "parse() raised where parse_issues() parsed", exc.issues)
        expect(exc.issues, "Query.parse() raised a ValidationError without issues")
    else:
        expect(parsed == value, "parse() == parse_issues()", (parsed, value))
        text = call("to_query_string()", parsed.to_query_string)
        expect(call("Query.parse()", query_class.parse, text) == parsed, "query string round trip")
        params = call("to_params()", parsed.to_params)
        expect(call("Query.parse()", query_class.parse, params) == parsed, "params round trip")
    try:
        expand = call("parse_expand()", parse_expand, expand_text, cls, allowed=(ValidationError,))
    except ValidationError as exc:
        expect(exc.issues, "parse_expand() raised a ValidationError without issues")
        return
    again = call("parse_expand()", parse_expand, format_expand(expand), cls)
    expect(again == expand, "parse_expand(format_expand(e)) == e", (expand_text, again))


def check_exchange(case: tuple[str, str, int, Any, bytes], cls: Any) -> None:
    """``validate_exchange()`` raises nothing; ``read_har()`` of an archive raises nothing,
    and every exchange read from it validates without raising."""
    method, url, status, body, har = case
    call("validate_exchange()", validate_exchange, method, url, status, body)
    for entry in call("read_har()", read_har, har):
        expect(isinstance(entry, HarExchange | Issue), "read_har() entries", entry)
        if isinstance(entry, HarExchange):
            body = ABSENT if entry.body is None else entry.body
            call(
                "validate_exchange()",
                validate_exchange,
                entry.method,
                entry.url,
                entry.status,
                body,
            )


def check_policy(case: tuple[Any, NormalizationPolicy], cls: Any) -> None:
    """``normalize()`` under a policy: raises nothing, returns a strictly valid fixed point."""
    payload, policy = case
    check_normalize(payload, cls, policy)


def check_error_body(payload: Any, cls: Any) -> None:
    """An error body (422/4xx): ``structure()`` and ``validate()`` agree, and what structures
    dumps and loads back equal (``normalize()`` does not take error bodies)."""
    report = call("validate()", validate, payload, cls)
    issues = _structure_issues(payload, cls)
    expect(report.errors == issues, "validate() errors == structure() issues", (report, issues))
    if not issues and not isinstance(payload, TEXT_TYPES):
        check_value(call("structure()", structure, payload, cls), cls)


def _structure_issues(payload: Any, cls: Any) -> tuple[Issue, ...]:
    """The errors ``validate(payload, cls)`` reports before any request check: those of
    ``structure()``, of the decoded text for JSON text."""
    if isinstance(payload, TEXT_TYPES):
        try:
            payload = call("decode()", decode, payload, allowed=(FieldError,))
        except FieldError as exc:
            return (Issue("$", exc.code, exc.message),)
    return tuple(call("structure_issues()", structure_issues, payload, cls)[1])
