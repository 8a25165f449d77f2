"""The fuzz inputs: one Hypothesis strategy per input kind, and the body of one fuzz run.

Every kind draws an input for a target class and names the oracle function that checks it::

    >>> sorted(KINDS)[:3]
    ['bytes', 'error-body', 'exchange']
    >>> KINDS["bytes"].check is check_text
    True

:func:`fuzz_body` draws a target, a kind and an input, counts them in :data:`COUNTS`, and
runs the checks. A failure while drawing or in the oracle code (outside the calls into
lms-schema) is a :class:`HarnessError`, never a finding.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any, get_args

import attrs
import orjson
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from .. import strategies
from .._models.errorbodies import ERROR_BODIES
from .._models.fields import fields_of
from .._models.models import MODELS, Page
from . import choices as choices_
from .choices import Choices, DrawChoices, RandomChoices
from .oracles import (
    Finding,
    HarnessError,
    check_error_body,
    check_exchange,
    check_payload,
    check_policy,
    check_query,
    check_request,
    check_text,
)
from .walk import count_nodes, get_at, nth_path, set_at, stringify

__all__ = [
    "COUNTS",
    "EXTRA_ORACLES",
    "KINDS",
    "LIMIT",
    "PER_BASE",
    "TARGETS",
    "Counts",
    "Kind",
    "Limit",
    "mutate_bytes",
    "mutate_payload",
    "repeat_keys",
    "seeded_rng",
    "fuzz_body",
    "run_checks",
    "target_name",
]

TARGETS: tuple[Any, ...] = (
    *MODELS,
    *strategies.PARTIAL_MODELS,
    *(Page[cls] for cls in MODELS),  # type: ignore[valid-type]
)


def target_name(cls: Any) -> str:
    """``Completion``, ``PartialUser``, ``Page[Course]``."""
    args = get_args(cls)
    return f"Page[{args[0].__name__}]" if args else str(cls.__name__)


TARGET_BY_NAME: dict[str, Any] = {target_name(cls): cls for cls in (*TARGETS, *ERROR_BODIES)}


@attrs.define
class Counts:
    """What one process tried: inputs, per kind and per target class, and findings;
    ``examples`` are the Hypothesis examples they came from (a seeded kind makes many inputs
    of one example)."""

    inputs: int = 0
    examples: int = 0
    kinds: Counter[str] = attrs.field(factory=Counter)
    targets: Counter[str] = attrs.field(factory=Counter)
    findings: int = 0
    started: float = attrs.field(factory=time.monotonic)
    cpu_started: float = attrs.field(factory=time.process_time)

    def add(self, kind: str, cls: Any) -> None:
        """Count one input."""
        self.inputs += 1
        self.kinds[kind] += 1
        self.targets[target_name(cls)] += 1

    def reset(self) -> None:
        """Start counting from zero, now."""
        self.inputs = self.examples = self.findings = 0
        self.kinds.clear()
        self.targets.clear()
        self.started = time.monotonic()
        self.cpu_started = time.process_time()

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {
            "inputs": self.inputs,
            "examples": self.examples,
            "kinds": dict(self.kinds),
            "targets": dict(self.targets),
            "findings": self.findings,
            "seconds": time.monotonic() - self.started,
            "cpu_seconds": time.process_time() - self.cpu_started,
        }


#: The counts of this process (the harness reports them).
COUNTS = Counts()

#: Oracles added for a run (``--oracle module:function``): each is called as
#: ``oracle(kind, cls, value)`` after the built-in checks; an AssertionError is a finding.
EXTRA_ORACLES: list[Callable[[str, Any, Any], None]] = []

#: Called with :data:`COUNTS` after every input (the campaign reports progress with it).
PROGRESS: list[Callable[[Counts], None]] = []


# -- mutations ------------------------------------------------------------------------------------
#
# Each operator takes a Choices (.choices): drawn from Hypothesis for the Hypothesis kinds,
# from a seeded random.Random for the seeded kinds, so both stages mutate the same ways.

deep = choices_.deep

#: Strategies are built once per target class: building one costs more than drawing from it.
_payloads = cache(strategies.payloads)


def _field_names(cls: Any) -> list[str]:
    item = get_args(cls)[0] if get_args(cls) else cls
    return ["cursor", "page_size", "items", *(f.name for f in fields_of(item).declared)]


def mutate_payload(choices: Choices, payload: Any, names: list[str]) -> Any:
    """One to three mutations of ``payload``: a value replaced, deleted, added (under one of
    ``names`` or a random key), wrapped in a list or turned into its ``str()``. Every walk
    is iterative: mutations may nest values thousands of levels deep. ``payload`` itself is
    not changed (only the containers along a path are copied)."""
    for _ in range(choices.integer(1, 3)):
        path = nth_path(payload, choices.integer(0, count_nodes(payload) - 1))
        action = choices.choice(_PAYLOAD_ACTIONS)
        if action == "delete" and path:
            payload = set_at(payload, path, None, delete=True)
        elif action == "add":
            target = get_at(payload, path)
            if type(target) is dict:
                added = dict(target)
                added[choices.key(names)] = choices.value()
                payload = set_at(payload, path, added)
            else:
                payload = set_at(payload, path, choices.value())
        elif action == "wrap":
            payload = set_at(payload, path, [get_at(payload, path)])
        elif action == "stringify":
            payload = set_at(payload, path, stringify(get_at(payload, path)))
        else:
            payload = set_at(payload, path, choices.value())
    return payload


_PAYLOAD_ACTIONS = ("replace", "delete", "add", "wrap", "stringify")
_BYTE_ACTIONS = ("flip", "insert", "cut", "copy")
_INSERTS = (b"0", b"-", b"9" * 400, b"[", b"{", b'"', b"\\", b"e-", b".5", b"null", b",", b":")


def mutate_bytes(choices: Choices, data: bytes) -> bytes:
    """One to four byte mutations: a byte flipped, a token inserted, up to 8 bytes cut, or
    a slice of the text copied elsewhere."""
    out = bytearray(data)
    for _ in range(choices.integer(1, 4)):
        pos = choices.integer(0, len(out))
        action = choices.choice(_BYTE_ACTIONS)
        if action == "insert":
            out[pos:pos] = choices.choice(_INSERTS)
        elif action == "cut":
            del out[pos : pos + choices.integer(1, 8)]
        elif action == "copy":
            start = choices.integer(0, len(out))
            out[pos:pos] = out[start : start + choices.integer(1, 32)]
        elif pos < len(out):
            out[pos] = choices.integer(0, 255)
    return bytes(out)


_MEMBER_VALUES = (b"null", b"1", b'"x"', b"[]", b"{}", b'"\\":"')


def repeat_keys(choices: Choices, data: bytes, names: list[str]) -> bytes:
    """After one to three ``{`` of ``data`` a member is inserted whose key is a field name,
    sometimes spelled with ``\\u`` escapes, so that it may repeat a key of that object."""
    starts = [i for i, byte in enumerate(data) if byte == 0x7B]  # "{"
    if not starts:
        return data
    chosen = {choices.choice(starts) for _ in range(choices.integer(1, 3))}
    for start in sorted(chosen, reverse=True):
        name = choices.choice(names)
        if name and choices.boolean():
            name = f"\\u{ord(name[0]):04x}{name[1:]}"
        member = b'"' + name.encode() + b'":' + choices.choice(_MEMBER_VALUES)
        tail = data[start + 1 :]
        data = data[: start + 1] + member + (b"," if tail[:1] != b"}" else b"") + tail
    return data


@st.composite
def mutated_payload(draw: st.DrawFn, cls: Any) -> Any:
    """A valid payload with one to three mutations (:func:`mutate_payload`)."""
    return mutate_payload(DrawChoices(draw), draw(_payloads(cls)), _field_names(cls))


@st.composite
def mutated_bytes(draw: st.DrawFn, cls: Any) -> bytes:
    """The JSON bytes of a valid payload with bytes flipped, inserted, cut or copied."""
    return mutate_bytes(DrawChoices(draw), orjson.dumps(draw(_payloads(cls))))


@st.composite
def repeated_keys(draw: st.DrawFn, cls: Any) -> bytes:
    """The JSON text of a valid payload with keys repeated (:func:`repeat_keys`); the text
    is then read with the last value winning."""
    data = _json_bytes(draw(_payloads(cls)))
    return repeat_keys(DrawChoices(draw), data, _field_names(cls))


def _invalid(cls: Any) -> st.SearchStrategy[Any]:
    return strategies.invalid_payloads(cls).map(lambda case: case[0])


# Kinds added after a coverage run showed whole rules unreached by the five above: the
# request-aware checks, query parameters and expand text, exchanges and HTTP archives, the
# normalization policy's options, and the error bodies.

_FULL_MODEL: dict[Any, type] = {
    **{model: model for model in MODELS},
    **dict(zip(strategies.PARTIAL_MODELS, MODELS, strict=True)),
}


def _model_of(cls: Any) -> type:
    """The full model behind a target: ``Page[Course]`` and ``PartialCourse`` -> ``Course``."""
    args = get_args(cls)
    return _FULL_MODEL[args[0] if args else cls]


_EXPAND_ALPHABET = "usercoontentcategoriesskillsinstructorsfirst_name,[],, _-Xé"


@cache
def _expand_texts(cls: Any) -> st.SearchStrategy[str | None]:
    """Valid expand text for ``cls`` (when it has relations and is not a Partial form)."""
    if cls in strategies.PARTIAL_MODELS:
        return st.none()
    try:
        return st.one_of(st.none(), strategies.expands(_model_of(cls)))
    except Exception:  # noqa: BLE001 - InvalidArgument: no relations to expand
        return st.none()


@st.composite
def request_case(draw: st.DrawFn, cls: Any) -> tuple[Any, str | None, Any, Any, bool]:
    """``(payload, expand, include_raw_data, include_custom_fields, matching)``: a payload
    drawn for the request (``matching``), or a valid/mutated payload with another request,
    whose expand text may be junk."""
    expand = draw(_expand_texts(cls))
    raw = draw(st.sampled_from((None, True, False)))
    custom = draw(st.sampled_from((None, True, False)))
    if draw(st.booleans()):
        drawn = strategies.payloads(
            cls, expand=expand, include_raw_data=raw, include_custom_fields=custom
        )
        return draw(drawn), expand, raw, custom, True
    payload = draw(st.one_of(_payloads(cls), mutated_payload(cls)))
    if draw(st.booleans()):
        expand = draw(st.text(_EXPAND_ALPHABET, max_size=30))
    return payload, expand, raw, custom, False


_QUERY_VALUES = (
    "",
    "1",
    "0",
    "true",
    "false",
    "True",
    "200",
    "201",
    "-1",
    "1e3",
    "٣",
    "abc",
    "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "3C90C3CC-0D44-4B50-8888-8DD25736052A,018b18ef-c487-703c-afd9-0ca478ccd9d6",
    "3c90c3cc-0d44-4b50-8888-8dd25736052a,,",
    "2025-08-01T10:00:00Z",
    "2025-08-01T10:00:00%2B02:00",
    "2025-08-01T10:00:00+02:00",
    "2025-13-01T10:00:00Z",
    "en,de",
    "PASS",
    "ACTIVE",
    "user[first_name],course",
    "user[",
    "%",
    "%zz",
    "a=b",
)


@cache
def _query_strategy(cls: Any) -> st.SearchStrategy[tuple[Any, Any, str]]:
    from .._request.query import QUERIES

    query_classes = QUERIES[_model_of(cls)]
    names = sorted({a.name for q in query_classes for a in attrs.fields(q)} | {"x", "page"})
    value = st.one_of(st.sampled_from(_QUERY_VALUES), st.text(max_size=12))
    pairs = st.lists(st.tuples(st.sampled_from(names), value), max_size=6)
    as_text = pairs.map(lambda items: "&".join(f"{n}={v}" for n, v in items))
    as_mapping = st.dictionaries(
        st.sampled_from(names), st.one_of(value, st.lists(value, max_size=3)), max_size=5
    )
    prefix = st.sampled_from(("", "?"))
    query = st.one_of(st.tuples(prefix, as_text).map("".join), as_mapping)
    return st.tuples(st.sampled_from(query_classes), query, st.text(_EXPAND_ALPHABET, max_size=40))


def query_case(cls: Any) -> st.SearchStrategy[tuple[Any, Any, str]]:
    """``(query class, query string or mapping, expand text)`` for the endpoints of ``cls``."""
    return _query_strategy(cls)


def _page_of(cls: Any) -> Any:
    return Page[_model_of(cls)]  # type: ignore[misc]


_COLLECTION_NAMES = (
    "users",
    "courses",
    "contents",
    "categories",
    "skills",
    "enrollments",
    "completions",
    "nope",
)


@st.composite
def exchange_case(draw: st.DrawFn, cls: Any) -> tuple[str, str, int, Any, bytes]:
    """``(method, url, status, body, har)``: an exchange on one of the endpoints (or none),
    with a body that fits it or not, and an HTTP archive around it (maybe damaged)."""
    import base64

    from .._exchange import PREFIX
    from .._values.absent import ABSENT

    collection = draw(st.sampled_from(_COLLECTION_NAMES))
    tail = draw(st.sampled_from(("", "/3c90c3cc-0d44-4b50-8888-8dd25736052a", "/42", "/", "/a/b")))
    _, query, _ = draw(_query_strategy(cls))
    query_text = query if isinstance(query, str) else ""
    host = draw(st.sampled_from(("", "https://api.example.test", "http://h:1")))
    url = f"{host}{PREFIX}{collection}{tail}{'?' if query_text[:1] != '?' else ''}{query_text}"
    if draw(st.integers(0, 9)) == 0:
        url = draw(st.text(max_size=30))
    method = draw(st.sampled_from(("GET", "GET", "POST", "get")))
    status = draw(st.sampled_from((200, 200, 201, 204, 401, 403, 404, 422, 429, 500, 0, 999)))
    body_value = draw(
        st.one_of(
            _payloads(cls),
            _payloads(_page_of(cls)),
            mutated_payload(cls),
            error_body(draw(st.sampled_from(ERROR_BODIES))),
        )
    )
    shape = draw(st.sampled_from(("value", "bytes", "str", "absent", "mutated-bytes")))
    body: Any = body_value
    if shape == "bytes":
        body = _json_bytes(body_value)
    elif shape == "str":
        body = _json_bytes(body_value).decode()
    elif shape == "absent":
        body = ABSENT
    elif shape == "mutated-bytes":
        body = draw(mutated_bytes(cls))
    text = body if isinstance(body, str) else None
    content: dict[str, Any] = {"mimeType": "application/json"}
    if isinstance(body, bytes):
        if draw(st.booleans()):
            content.update(text=base64.b64encode(body).decode(), encoding="base64")
        else:
            content["text"] = body.decode("utf-8", "replace")
    elif text is not None:
        content["text"] = text
    entry: Any = {
        "request": {"method": method, "url": url},
        "response": {"status": status, "content": content},
    }
    document: Any = {"log": {"version": "1.2", "entries": [entry, entry]}}
    if draw(st.booleans()):
        names = ["log", "entries", "request", "response", "text"]
        document = mutate_payload(DrawChoices(draw), document, names)
    return method, url, status, body, _json_bytes(document)


def _json_bytes(value: Any) -> bytes:
    """JSON bytes of any input value: what orjson cannot write (huge integers, sets, deep
    nesting) is written as the value's ``str()`` in a JSON string, and lone surrogates (which
    no UTF-8 text can hold) as ``\\udXXX`` escapes."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return json.dumps(stringify(value), allow_nan=False).encode("ascii")


_ZONES = ("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati")


@st.composite
def policy_case(draw: st.DrawFn, cls: Any) -> tuple[Any, Any]:
    """``(payload, policy)``: a messy payload for a random normalization policy (every
    option: disabled rules, units, time zones, rounding, synonyms), maybe mutated."""
    from .._lenient.policy import RULES, NormalizationPolicy

    policy = NormalizationPolicy(
        disabled=draw(st.frozensets(st.sampled_from(sorted(RULES)), max_size=4)),
        duration_unit=draw(st.sampled_from((None, "ms", "s", "min", "h"))),
        epoch_unit=draw(st.sampled_from((None, "s", "ms"))),
        naive_timezone=draw(st.sampled_from(_ZONES)),
        rounding=draw(st.sampled_from(("error", "half_even", "floor"))),
        grade_synonyms=draw(st.sampled_from(({}, {"bestanden": "PASS", "nope": "FAIL"}))),
        status_synonyms=draw(st.sampled_from(({}, {"live": "ACTIVE"}))),
    )
    payload = draw(strategies.messy_payloads(cls, policy=policy))
    if draw(st.integers(0, 3)) == 0:
        payload = mutate_payload(DrawChoices(draw), payload, _field_names(cls))
    return payload, policy


_json_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**64 - 1), st.floats(allow_nan=False,
    allow_infinity=False), st.text(max_size=8)
)  # fmt: skip
_json = st.recursive(
    _json_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@cache
def error_body(cls: Any) -> st.SearchStrategy[Any]:
    """A valid wire body of an error model (``ErrorDetail``, ``HTTPValidationError``,
    ``ErrorResponse``)."""
    detail = st.fixed_dictionaries(
        {
            "loc": st.lists(st.one_of(st.text(max_size=8), st.integers(0, 5)), max_size=4),
            "msg": st.text(max_size=20),
            "type": st.sampled_from(("missing", "int_parsing", "uuid_parsing", "x")),
        },
        optional={"input": _json, "ctx": st.dictionaries(st.text(max_size=4), _json)},
    )
    name = cls.__name__
    if name == "ErrorDetail":
        return detail
    if name == "HTTPValidationError":
        return st.fixed_dictionaries({"detail": st.lists(detail, max_size=3)})
    return st.fixed_dictionaries({"detail": st.text(max_size=30)})


@st.composite
def error_case(draw: st.DrawFn, cls: Any) -> Any:
    """An error body, often mutated (``detail`` null, a ``loc`` of floats, ...)."""
    payload = draw(error_body(cls))
    if draw(st.booleans()):
        names = ["detail", "loc", "msg", "type", "input", "ctx"]
        payload = mutate_payload(DrawChoices(draw), payload, names)
    return payload


# -- the kinds ------------------------------------------------------------------------------------


@attrs.frozen
class Kind:
    """One kind of input: how to draw it for a target class, the oracle that checks it, and
    the target classes it is drawn for (None: :data:`TARGETS`).

    A seeded kind has ``mutate``: ``draw`` then gives a *base* (drawn by Hypothesis once),
    and each of the :data:`PER_BASE` inputs made from it is ``mutate(choices, base, cls)``
    with :class:`RandomChoices` over ``random.Random(seed + index)``, checked and counted
    on its own.
    """

    draw: Callable[[Any], st.SearchStrategy[Any]]
    check: Callable[[Any, Any], None]
    targets: tuple[Any, ...] | None = None
    mutate: Callable[[Choices, Any, Any], Any] | None = None


def _json_base(cls: Any) -> st.SearchStrategy[bytes]:
    return _payloads(cls).map(_json_bytes)


def _payload_base(cls: Any) -> st.SearchStrategy[Any]:
    return st.one_of(_payloads(cls), strategies.messy_payloads(cls))


def _seeded_bytes(choices: Choices, base: bytes, cls: Any) -> bytes:
    return mutate_bytes(choices, base)


def _seeded_payload(choices: Choices, base: Any, cls: Any) -> Any:
    return mutate_payload(choices, base, _field_names(cls))


def _seeded_keys(choices: Choices, base: bytes, cls: Any) -> bytes:
    data = repeat_keys(choices, base, _field_names(cls))
    return mutate_bytes(choices, data) if choices.integer(0, 3) == 0 else data


KINDS: dict[str, Kind] = {
    "bytes": Kind(lambda cls: st.binary(max_size=512), check_text),
    "mutated-bytes": Kind(mutated_bytes, check_text),
    "mutated-payload": Kind(mutated_payload, check_payload),
    "invalid": Kind(_invalid, check_payload),
    "messy": Kind(strategies.messy_payloads, check_payload),
    "repeated-keys": Kind(repeated_keys, check_text),
    "request": Kind(request_case, check_request),
    "query": Kind(query_case, check_query),
    "exchange": Kind(exchange_case, check_exchange),
    "policy": Kind(policy_case, check_policy),
    "error-body": Kind(error_case, check_error_body, ERROR_BODIES),
    # the seeded stage: one base from Hypothesis, PER_BASE cheap seeded mutations of it
    "seeded-bytes": Kind(_json_base, check_text, mutate=_seeded_bytes),
    "seeded-payload": Kind(_payload_base, check_payload, mutate=_seeded_payload),
    "seeded-keys": Kind(_json_base, check_text, mutate=_seeded_keys),
}

#: Inputs made from one base by a seeded kind (``--per-base``).
PER_BASE = 200


@attrs.define
class Limit:
    """Where a run stops: a time (``time.monotonic()``) and a number of inputs; the seeded
    loop stops there too, so a run does not overshoot by a whole base."""

    deadline: float | None = None
    budget: int | None = None

    def reached(self) -> bool:
        """True when the time or the input budget is used up."""
        if self.budget is not None and COUNTS.inputs >= self.budget:
            return True
        return self.deadline is not None and time.monotonic() >= self.deadline

    def lift(self) -> None:
        """No limit any more: after a finding, Hypothesis must be able to rerun and shrink
        it whatever the time (the finding ends the run anyway)."""
        self.deadline = self.budget = None


#: The limit of the run in progress (none outside a campaign).
LIMIT = Limit()


#: The kinds a run draws from (``--kinds``); empty means all of them.
CHOSEN_KINDS: list[str] = []


@attrs.frozen(repr=False)
class _Boxed:
    """An input in a box whose repr is short: Hypothesis prints the draws of a failing run,
    and its printer recurses over the depth of a value."""

    value: Any

    def __repr__(self) -> str:
        return f"<{type(self.value).__name__} input>"


@cache
def _boxed(kind: str, cls: Any) -> st.SearchStrategy[_Boxed]:
    return KINDS[kind].draw(cls).map(_Boxed)


#: The last input that failed an oracle, ``(kind, cls, value, finding, origin)``; after
#: Hypothesis shrinks a failure it runs the smallest failing input last, so that is what is
#: left here. ``origin`` is ``{"seed": s, "index": i}`` for a seeded input, else None.
LAST_FAILURE: list[Any] = []


def seeded_rng(seed: int, index: int) -> random.Random:
    """The generator of input ``index`` made from a base with ``seed``."""
    return random.Random(seed * 1_000_003 + index)


def fuzz_body(data: st.DataObject) -> None:
    """One fuzz example: a target class, a kind and an input of that kind, checked; for a
    seeded kind, a base and a seed, and up to :data:`PER_BASE` inputs made from them.

    Wrap it with ``given(st.data())`` to run it (``fuzz_one`` is that, without a database,
    for fuzzers).
    """
    COUNTS.examples += 1
    kind = "?"
    try:
        kind = data.draw(st.sampled_from(CHOSEN_KINDS or tuple(KINDS)), label="kind")
        cls = data.draw(st.sampled_from(KINDS[kind].targets or TARGETS), label="cls")
        value = data.draw(_boxed(kind, cls), label="input").value
        seed = data.draw(st.integers(0, 2**32 - 1), label="seed") if KINDS[kind].mutate else 0
    except HypothesisException:
        raise
    except Exception as exc:
        raise HarnessError(f"drawing a {kind!r} input failed: {exc!r}") from exc
    if LIMIT.reached():  # the batch outlived the run (the draws above keep the data consistent)
        return
    mutate = KINDS[kind].mutate
    if mutate is None:
        _count(kind, cls)
        run_checks(kind, cls, value)
        return
    for index in range(PER_BASE):
        if LIMIT.reached():
            return
        try:
            mutant = mutate(RandomChoices(seeded_rng(seed, index)), value, cls)
        except Exception as exc:
            raise HarnessError(f"mutating a {kind!r} base failed: {exc!r}") from exc
        _count(kind, cls)
        run_checks(kind, cls, mutant, {"seed": seed, "index": index})


def _count(kind: str, cls: Any) -> None:
    COUNTS.add(kind, cls)
    for progress in PROGRESS:
        progress(COUNTS)


def run_checks(kind: str, cls: Any, value: Any, origin: dict[str, int] | None = None) -> None:
    """The oracles of ``kind`` and the extra ones; remembers a failing input."""
    try:
        KINDS[kind].check(value, cls)
        for oracle in EXTRA_ORACLES:
            try:
                oracle(kind, cls, value)
            except Finding:
                raise
            except AssertionError as exc:
                name = f"{oracle.__module__}.{oracle.__qualname__}"
                raise Finding(name, str(exc)) from exc
    except Finding as finding:
        LAST_FAILURE[:] = [kind, cls, value, finding, origin]
        LIMIT.lift()
        raise
    except HypothesisException:
        raise
    except Exception as exc:
        raise HarnessError(f"checking a {kind!r} input failed: {exc!r}") from exc
