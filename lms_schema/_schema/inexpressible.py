"""The one list of the contract's rules that the exported JSON Schema does not express.

Everything else the strict parsers check is in :func:`lms_schema.json_schema`'s output, and a
test runs three validators over generated payloads to show it. Each rule here names the issue
code lms-schema reports, where it applies (the field kinds, whose schema descriptions quote the
rule), why JSON Schema cannot say it, and a *witness*: a payload (or query text) that
lms-schema flags and the schema accepts. A test checks every witness, so a rule the schema
starts to express fails the test until it is taken off this list::

    >>> from lms_schema._schema.inexpressible import INEXPRESSIBLE
    >>> [r.name for r in INEXPRESSIBLE][:2]
    ['integral_float', 'duration_range']

``severity`` is that of the issue: warnings are legal payloads lms-schema comments on, so a
schema (which only says valid or invalid) must accept them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, Literal

import attrs

from .._models.fields import FieldInfo, Kind
from .._models.models import Completion, Course, Page
from .._request.query import CompletionQuery
from .._values.issues import Issue
from .grammars import DURATION_MAX_LENGTH, DURATION_PATTERN

__all__ = ["INEXPRESSIBLE", "Inexpressible", "inexpressible_rule"]

_ID: Final = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
_BASE: Final[dict[str, Any]] = {
    "id": _ID,
    "remote_id": None,
    "modified_at": "2025-08-01T10:00:00Z",
    "custom_fields": None,
}


def _deep(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {}
    for _ in range(levels - 1):
        node = {"x": node}
    return node


def _nested_courses(levels: int) -> dict[str, Any]:
    """A course whose contents expand courses whose contents expand ... ``levels`` deep."""

    def level(depth: int) -> dict[str, Any]:
        if depth > levels:
            return {"id": _ID}
        return {"id": _ID, ("courses" if depth % 2 else "contents"): [level(depth + 1)]}

    return {**_BASE, "contents": [level(1)]}


_DURATION_GRAMMAR: Final = re.compile(DURATION_PATTERN)
_VERBATIM: Final = (Kind.JSON_OBJECT, Kind.JSON_VALUE)


def _is_instructor(kind: FieldInfo) -> bool:
    return kind.kind is Kind.RELATION and kind.target is None


Predicate = Callable[[Issue, Any, FieldInfo], bool]


@attrs.frozen
class Inexpressible:
    """One rule the schema does not express.

    ``name``: stable identifier; ``codes``: the issue codes it concerns; ``severity``;
    ``kinds``: where it applies, whose schema descriptions quote ``text``: field kinds (the
    value of a :class:`~lms_schema._models.fields.Kind`, ``int64``), ``model``, ``page``,
    ``expand`` or a field name (``field:languages``);
    ``text``: what the rule is and why JSON Schema cannot say it; ``witness``: ``(model,
    payload)`` or ``(query class, parameter, text)`` that lms-schema flags and the schema
    accepts; ``matches``: for errors, whether an issue (with the value at its path and the
    kind of its field) falls under this rule.
    """

    name: str
    codes: tuple[str, ...]
    severity: Literal["error", "warning"]
    kinds: tuple[str, ...]
    text: str
    witness: tuple[Any, ...]
    matches: Predicate | None = attrs.field(default=None, eq=False, repr=False)


def _integral_float(issue: Issue, value: Any, kind: FieldInfo) -> bool:
    return (
        issue.code == "wrong_type"
        and kind.kind is Kind.INT64
        and type(value) is float
        and value.is_integer()
    )


def _duration_range(issue: Issue, value: Any, kind: FieldInfo) -> bool:
    return (
        issue.code == "duration_out_of_range"
        and type(value) is str
        and len(value) <= DURATION_MAX_LENGTH
        and _DURATION_GRAMMAR.search(value) is not None
    )


def _verbatim(code: str) -> Predicate:
    def matches(issue: Issue, value: Any, kind: FieldInfo) -> bool:
        return issue.code == code and (kind.kind in _VERBATIM or _is_instructor(kind))

    return matches


def _expansion_depth(issue: Issue, value: Any, kind: FieldInfo) -> bool:
    return issue.code == "too_deep" and kind.kind is Kind.RELATION and not _is_instructor(kind)


#: The rules, errors first. docs/schema.md renders this list (a test compares them).
INEXPRESSIBLE: Final[tuple[Inexpressible, ...]] = (
    Inexpressible(
        "integral_float",
        ("wrong_type",),
        "error",
        (Kind.INT64.value,),
        "A number written with a fraction or an exponent where an integer is required "
        "(`95.0`, `9.5e1`): lms-schema rejects it, JSON Schema's `integer` type accepts every "
        "number whose value is integral.",
        (Completion, {**_BASE, "score": 95.0}),
        _integral_float,
    ),
    Inexpressible(
        "duration_range",
        ("duration_out_of_range",),
        "error",
        (Kind.DURATION.value,),
        "A grammatical duration whose value is too large: years and months adding up to more "
        "than 999999999 years, or weeks to seconds adding up to more than "
        "`datetime.timedelta.max` (`P1000000000Y`, `PT99999999999999999999S`). A regular "
        "expression cannot add; the pattern does limit each number to 30 digits and the text "
        "to 200 characters.",
        (Completion, {**_BASE, "time_duration": "P1000000000Y"}),
        _duration_range,
    ),
    Inexpressible(
        "json_integer_range",
        ("out_of_range",),
        "error",
        (Kind.JSON_OBJECT.value, Kind.JSON_VALUE.value),
        "An integer inside verbatim JSON (`custom_fields`, `raw_data`, an expanded instructor, "
        "a 422 `input` or `ctx`) outside -2^63 .. 2^64-1: JSON Schema cannot tell the integer "
        "`18446744073709551616` from the number `1.8446744073709552e19`, which is legal.",
        (Completion, {**_BASE, "custom_fields": {"n": 2**64}}),
        _verbatim("out_of_range"),
    ),
    Inexpressible(
        "json_depth",
        ("too_deep",),
        "error",
        (Kind.JSON_OBJECT.value, Kind.JSON_VALUE.value),
        "Verbatim JSON nested more than 200 levels deep: JSON Schema has no depth limit (a "
        "schema 200 levels deep would be needed to say it).",
        (Completion, {**_BASE, "custom_fields": _deep(201)}),
        _verbatim("too_deep"),
    ),
    Inexpressible(
        "non_finite_number",
        ("not_json",),
        "error",
        (Kind.JSON_OBJECT.value, Kind.JSON_VALUE.value),
        "NaN or an infinity inside verbatim JSON of a payload built in Python: JSON text cannot "
        "carry them, and JSON Schema validators take a Python `float('nan')` for a number.",
        (Completion, {**_BASE, "custom_fields": {"x": float("nan")}}),
        _verbatim("not_json"),
    ),
    Inexpressible(
        "expansion_depth",
        ("too_deep",),
        "error",
        (Kind.RELATION.value,),
        "Expanded relations nested more than 32 levels deep (Bindbee does not nest them at "
        "all): the relation schemas are recursive, and a depth limit would need a copy of "
        "every model per level.",
        (Course, _nested_courses(33)),
        _expansion_depth,
    ),
    Inexpressible(
        "duplicate_in_expand",
        ("duplicate_relation", "duplicate_field"),
        "error",
        ("expand",),
        "A relation named twice in `expand`, or a field selected twice in one bracket "
        "(`user,user`, `user[id,id]`): the `expand` parameter's pattern spells out the names "
        "but cannot remember which it has seen.",
        (CompletionQuery, "expand", "user[id,id],user"),
    ),
    Inexpressible(
        "naive_datetime",
        ("naive_datetime",),
        "warning",
        (Kind.DATETIME.value,),
        "A date-time without an offset is legal (read as UTC) and warned about: JSON Schema "
        "has no warnings.",
        (Completion, {**_BASE, "modified_at": "2025-08-01T10:00:00"}),
    ),
    Inexpressible(
        "unknown_key",
        ("unknown_key",),
        "warning",
        ("model",),
        "A key the model does not define is ignored and warned about (an error only with "
        "`forbid_unknown_keys=True`); the schema allows additional properties.",
        (Completion, {**_BASE, "x-vendor": 1}),
    ),
    Inexpressible(
        "unknown_language",
        ("unknown_language",),
        "warning",
        ("field:languages",),
        "A `languages` entry outside the API document's 324 locale codes (`en_UK`) is legal "
        "and warned about.",
        (Course, {**_BASE, "languages": ["en_UK"]}),
    ),
    Inexpressible(
        "completion_cross_field",
        ("completed_before_started", "duration_exceeds_interval", "negative_score"),
        "warning",
        ("field:completed_at", "field:score"),
        "Completion checks across fields or on a value's sign: `completed_at` before "
        "`started_at`, a `time_duration` longer than the interval, a negative `score`. JSON "
        "Schema cannot compare two fields, and these are warnings.",
        (
            Completion,
            {
                **_BASE,
                "started_at": "2025-08-01T11:00:00Z",
                "completed_at": "2025-08-01T10:00:00Z",
                "score": -1,
            },
        ),
    ),
    Inexpressible(
        "page_consistency",
        ("page_size_mismatch", "duplicate_id"),
        "warning",
        ("page",),
        "A `page_size` that does not count the items, and one id on two items (compared "
        "ignoring case): JSON Schema cannot count items into another field, and "
        "`uniqueItems` compares whole items, case-sensitively.",
        (Page[Completion], {"cursor": None, "page_size": 3, "items": [_BASE, _BASE]}),
    ),
)


def inexpressible_rule(issue: Issue, value: Any, kind: FieldInfo) -> Inexpressible | None:
    """The rule of this list an error issue falls under (``value``: the value at the issue's
    path; ``kind``: its field), or None when the schema expresses it."""
    for rule in INEXPRESSIBLE:
        if rule.matches is not None and rule.matches(issue, value, kind):
            return rule
    return None
