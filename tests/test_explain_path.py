"""The explain path (generated walks that list every problem, ``lms_schema._gen.explain``)
against the cattrs path.

For any payload: when the explain walk answers, its issues are the cattrs path's, the same
paths, codes, severities and messages in the same order; it may only decline (the cattrs path
then answers), and only where it says it does (no problem found, expansions nested deeper
than the fast path's limit). Payloads come from the shared strategies of
:mod:`lms_schema.strategies` (valid, with one violation, messy) and the mutation layer of
``test_fast_path`` (one or two bad values anywhere), for every model class, their partial
forms, ``Page[...]`` and a user's own subclass, with ``forbid_unknown_keys`` on and off. The
public functions (``structure_issues``, ``structure``, ``validate``) give the same answers
with and without the walk. Hand-written payloads pin the exact issues of a few cases.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import test_fast_path
from hypothesis import given, note, settings
from hypothesis import strategies as st
from test_custom_model import CUSTOM, FULL, MyCompletion

import lms_schema
from lms_schema import Completion, Course, Page, PartialUser, User
from lms_schema import _validate as _validate_module
from lms_schema import strategies as lst
from lms_schema._api import explain_structure, structure_issues
from lms_schema._convert.converter import converter, issues_from_cattrs, strict_converter
from lms_schema._gen import explain as explain_module
from lms_schema._gen.explain import explain_issues, explainer
from lms_schema._gen.fast import FAST_MAX_DEPTH
from lms_schema._gen.validator import INVALID, validator
from lms_schema._models.models import MODELS
from lms_schema._validate import _is_clean
from lms_schema._values.issues import Issue
from lms_schema.debug import record_declines

_PARTIALS: list[Any] = [
    lms_schema.PartialCategory,
    lms_schema.PartialCompletion,
    lms_schema.PartialContent,
    lms_schema.PartialCourse,
    lms_schema.PartialEnrollment,
    lms_schema.PartialSkill,
    PartialUser,
]
_TARGETS: list[Any] = [
    *MODELS,
    *_PARTIALS,
    Page[Completion],
    Page[User],
    Page[lms_schema.PartialCourse],
    *CUSTOM,
]
_classes = st.sampled_from(_TARGETS)


def _with_class(strategy: Any) -> Any:
    return _classes.flatmap(lambda cls: strategy(cls).map(lambda payload: (cls, payload)))


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[Any, Any]:
    """A valid payload of any target class with one or two values spoiled (the mutation
    layer of test_fast_path, on this module's classes)."""
    cls, payload = draw(_with_class(lst.payloads))
    return test_fast_path._mutate(draw, cls, payload)


def _any_payload() -> st.SearchStrategy[tuple[Any, Any]]:
    """(class, payload): mutated, with one violation, messy or valid."""
    invalid = _with_class(lst.invalid_payloads).map(lambda case: (case[0], case[1][0]))
    return st.one_of(
        _mutated(), invalid, _with_class(lst.messy_payloads), _with_class(lst.payloads)
    )


def _rows(issues: list[Issue]) -> list[tuple[str, str, str, str]]:
    return [(i.path, i.code, i.severity, i.message) for i in issues]


def _cattrs_issues(payload: Any, cls: Any, forbid: bool) -> list[Issue]:
    """The reference: the cattrs converter's answer, every problem with its path."""
    conv = strict_converter if forbid else converter
    try:
        conv.structure(payload, cls)
    except Exception as exc:  # noqa: BLE001 - the reference behaviour, whatever it raises
        return issues_from_cattrs(exc)
    return []


#: Why the walk may decline: it found nothing (the value is needed), the expansions nest
#: deeper than the generated functions go, or a leaf ran out of stack.
_DECLINE_REASONS = {
    "no problem found",
    "",  # "expanded objects nest deeper than ... levels" (no ": " in the message)
    "nested too deeply",
}


def _assert_explains(cls: Any, payload: Any, forbid: bool) -> list[Issue] | None:
    expected = _cattrs_issues(payload, cls, forbid)
    with record_declines() as declines:
        got = explain_issues(payload, cls, forbid)
    note(f"cattrs: {expected!r}")
    note(f"explain: {got!r} {[str(d) for d in declines]}")
    if got is None:
        assert [d.route for d in declines] == ["explain"]
        assert declines[0].reason in _DECLINE_REASONS
        if not expected:
            assert declines[0].reason in ("no problem found", "")
    else:
        assert declines == []
        assert _rows(got) == _rows(expected)
    # The public functions give the cattrs path's issues, with the walk or without it.
    assert structure_issues(payload, cls, forbid_unknown_keys=forbid)[1] == expected
    assert explain_structure(payload, cls, forbid)[1] == expected
    return got


@given(_any_payload(), st.booleans())
def test_the_explain_walk_gives_the_cattrs_issues(case: tuple[Any, Any], forbid: bool) -> None:
    cls, payload = case
    _assert_explains(cls, payload, forbid)


@given(_with_class(lst.invalid_payloads), st.booleans())
def test_invalid_payloads_are_explained(case: tuple[Any, tuple[Any, str]], forbid: bool) -> None:
    """The strategies' payloads with one violation: explained by the walk (not declined)
    unless their expansions nest deeper than the generated functions go."""
    cls, (payload, path) = case
    got = _assert_explains(cls, payload, forbid)
    if got is None:
        assert _depth(payload) > FAST_MAX_DEPTH
    else:
        assert path in [issue.path for issue in got]


def _depth(payload: Any) -> int:
    """How deep dicts nest in a payload (a page and its items count)."""
    deepest, stack = 0, [(payload, 0)]
    while stack:
        node, level = stack.pop()
        if type(node) is dict:
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in node.values())
        elif type(node) is list:
            stack.extend((v, level) for v in node)
    return deepest


class _Patch:
    """Sets ``table[key]`` for a ``with`` block."""

    def __init__(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        self.table, self.key, self.value = table, key, value

    def __enter__(self) -> None:
        self.known = self.key in self.table
        self.saved = self.table.get(self.key)
        self.table[self.key] = self.value

    def __exit__(self, *_: object) -> None:
        if self.known:
            self.table[self.key] = self.saved
        else:
            del self.table[self.key]


def _reference(payload: Any, cls: Any, forbid: bool) -> tuple[lms_schema.Report, Any]:
    """validate() and structure()'s issues (None: no error) with the generated validate
    function and the explain walk off: the fast structure path, the cattrs path and the
    full warning walks."""
    with (
        _Patch(_validate_module._CHECKERS, (cls, forbid), None),
        _Patch(explain_module.EXPLAINERS, (cls, forbid), None),
    ):
        report = lms_schema.validate(payload, cls, forbid_unknown_keys=forbid)
        try:
            lms_schema.structure(payload, cls, forbid_unknown_keys=forbid)
        except lms_schema.ValidationError as exc:
            return report, exc.issues
    return report, None


@given(_any_payload(), st.booleans())
def test_validate_and_structure_agree_with_the_reference(
    case: tuple[Any, Any], forbid: bool
) -> None:
    """validate() (its generated function explains the fields that fail) and structure()
    (the explain walk after the fast path declines) against the cattrs path."""
    cls, payload = case
    expected, raised = _reference(payload, cls, forbid)
    got = lms_schema.validate(payload, cls, forbid_unknown_keys=forbid)
    note(f"expected: {expected}")
    assert _rows(list(got.errors)) == _rows(list(expected.errors))
    assert got.warnings == expected.warnings
    assert type(got.value) is type(expected.value)
    assert got.value == expected.value
    try:
        lms_schema.structure(payload, cls, forbid_unknown_keys=forbid)
    except lms_schema.ValidationError as exc:
        assert exc.issues == raised
    else:
        assert raised is None


@given(_any_payload(), st.booleans())
def test_the_validate_function_gives_the_cattrs_issues(case: tuple[Any, Any], forbid: bool) -> None:
    """The generated validate function alone: the value, or INVALID with the cattrs path's
    issues (at the end of its list of flags); what it flags covers what the clean check
    finds; it raises only where the explain walk declines (deep expansions) or where the
    payload has no error."""
    cls, payload = case
    expected = _cattrs_issues(payload, cls, forbid)
    fast = validator(cls, forbid)
    assert fast is not None
    found: list[Any] = []
    try:
        value = fast(payload, found)
    except Exception:  # noqa: BLE001 - declined: the cattrs path decides
        assert not expected or _depth(payload) > FAST_MAX_DEPTH or type(payload) is not dict
        return
    if value is INVALID:
        assert _rows(found.pop()) == _rows(expected)
        assert expected
    else:
        assert expected == []
        assert value == lms_schema.structure(payload, cls)
    if not found and not forbid:
        assert _is_clean(payload, cls)


@given(_with_class(lst.invalid_payloads), st.booleans())
def test_the_validate_function_explains_invalid_payloads(
    case: tuple[Any, tuple[Any, str]], forbid: bool
) -> None:
    """The strategies' payloads with one violation: the generated validate function gives
    their errors itself (the cattrs path is not run) unless their expansions nest deeper
    than the generated functions go."""
    cls, (payload, path) = case
    fast = validator(cls, forbid)
    assert fast is not None
    found: list[Any] = []
    try:
        value = fast(payload, found)
    except Exception:  # noqa: BLE001 - declined: only deep expansions may be
        assert _depth(payload) > FAST_MAX_DEPTH
        return
    assert value is INVALID
    issues = found.pop()
    assert _rows(issues) == _rows(_cattrs_issues(payload, cls, forbid))
    assert path in [issue.path for issue in issues]


# -- examples ------------------------------------------------------------------------------

U = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
_BASE: dict[str, Any] = {
    "id": U,
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}


def _explained(payload: Any, cls: Any, forbid: bool = False) -> list[tuple[str, str, str]]:
    """The walk's issues as (path, code, message), checked against the cattrs path."""
    got = explain_issues(payload, cls, forbid)
    assert got is not None
    assert _rows(got) == _rows(_cattrs_issues(payload, cls, forbid))
    return [(i.path, i.code, i.message) for i in got]


def test_several_errors_in_field_order() -> None:
    payload = {
        **_BASE,
        "id": "3C90C3CC0D444B5088888DD25736052A",
        "modified_at": "2021-10-16 00:00:00Z",
        "score": True,
        "grade": 3,
        "time_duration": "pt1h",
    }
    assert _explained(payload, Completion) == [
        ("$.id", "invalid_uuid",
         "'3C90C3CC0D444B5088888DD25736052A' is not a UUID (expected 8-4-4-4-12 hex)"),
        ("$.modified_at", "invalid_datetime", "'2021-10-16 00:00:00Z' is not an RFC 3339 "
         "date-time (expected YYYY-MM-DDThh:mm:ss[.f]Z)"),
        ("$.score", "wrong_type", "expected an integer or null, got boolean"),
        ("$.grade", "wrong_type", "expected a string or null, got integer"),
        ("$.time_duration", "invalid_duration", "'pt1h' is not an ISO 8601 duration: "
         "designators must be upper-case ('P', not 'p')"),
    ]  # fmt: skip


def test_missing_required_keys_and_nested_relation_errors() -> None:
    payload = {
        "id": U,
        "custom_fields": [],
        "user": {"id": "x", "status": 7, "first_name": None},
        "course": {"name": "Safety", "categories": [U, {"name": 1}, 5]},
        "content": 12,
    }
    assert _explained(payload, Completion) == [
        ("$.remote_id", "missing_key", "required key 'remote_id' is missing"),
        ("$.modified_at", "missing_key", "required key 'modified_at' is missing"),
        ("$.custom_fields", "wrong_type", "expected an object or null, got array"),
        ("$.user.id", "invalid_uuid", "'x' is not a UUID (expected 8-4-4-4-12 hex)"),
        ("$.user.status", "wrong_type", "expected a string or null, got integer"),
        ("$.course.categories[1].name", "wrong_type", "expected a string or null, got integer"),
        ("$.course.categories[2]", "wrong_type",
         "expected a UUID string or an expanded category object, got integer"),
        ("$.content", "wrong_type",
         "expected a UUID string or an expanded content object or null, got integer"),
    ]  # fmt: skip


def test_list_elements_and_pages() -> None:
    page = {
        "cursor": 3,
        "page_size": "2",
        "items": [
            {**_BASE, "languages": ["en-US", 4], "instructors": [{"a": float("nan")}, 1]},
            "x",
            {"id": U, "duration": "P", "skills": "python"},
        ],
    }
    assert _explained(page, Page[Course]) == [
        ("$.cursor", "wrong_type", "expected a string or null, got integer"),
        ("$.page_size", "wrong_type", "expected an integer, got string"),
        ("$.items[0].languages[1]", "wrong_type", "expected a string, got integer"),
        ("$.items[0].instructors[0]", "not_json", "nan is not a JSON number"),
        ("$.items[0].instructors[1]", "wrong_type",
         "expected a UUID string or an object, got integer"),
        ("$.items[1]", "wrong_type", "expected an object, got string"),
        ("$.items[2].remote_id", "missing_key", "required key 'remote_id' is missing"),
        ("$.items[2].modified_at", "missing_key", "required key 'modified_at' is missing"),
        ("$.items[2].custom_fields", "missing_key", "required key 'custom_fields' is missing"),
        ("$.items[2].duration", "invalid_duration", "'P' is not an ISO 8601 duration: 'P' must "
         "be followed by at least one component, e.g. PT0S"),
        ("$.items[2].skills", "wrong_type", "expected an array or null, got string"),
    ]  # fmt: skip


def test_unknown_keys_under_forbid_unknown_keys() -> None:
    payload = {
        **_BASE,
        "zeta": 1,
        "alpha": 2,
        "score": "9",
        "user": {"first_name": "Ana", "nickname": "A"},
    }
    assert _explained(payload, Completion, forbid=True) == [
        ("$.user.nickname", "unknown_key", "unknown key 'nickname'"),
        ("$.score", "wrong_type", "expected an integer or null, got string"),
        ("$.alpha", "unknown_key", "unknown key 'alpha'"),
        ("$.zeta", "unknown_key", "unknown key 'zeta'"),
    ]
    assert explain_issues(payload, Completion, False) == [
        Issue("$.score", "wrong_type", "expected an integer or null, got string")
    ]


def test_a_users_subclass() -> None:
    payload = {
        **FULL,
        "attempts": "3",
        "mentors": [U, {"first_name": 1}, None],
        "sponsor": [],
        "checkpoints": ["2025-08-01"],
    }
    rows = _explained(payload, MyCompletion)
    assert [(path, code) for path, code, _ in rows] == [
        ("$.attempts", "wrong_type"),
        ("$.mentors[1].first_name", "wrong_type"),
        ("$.mentors[2]", "wrong_type"),
        ("$.sponsor", "wrong_type"),
        ("$.checkpoints[0]", "invalid_datetime"),
    ]


def test_declines() -> None:
    """No problem: the cattrs path builds the value. Not a dict, deep expansions: the cattrs
    path answers. A class that is not a model: no walk."""
    assert explain_issues(_BASE, Completion, False) is None
    assert explain_issues([], Completion, False) is None
    assert explainer(dict) is None and explainer(Page) is None
    inner: dict[str, Any] = {"name": 5}
    for _ in range(FAST_MAX_DEPTH):  # course -> contents -> courses -> ...
        inner = {"contents": [{"courses": [inner]}]}
    deep = {**_BASE, "user": 1, "course": inner}
    with record_declines() as declines:
        assert explain_issues(deep, Completion, False) is None
    assert [(d.route, d.path) for d in declines] == [
        ("explain", "$.course.contents[*].courses[*].contents[*]")
    ]
    issues = explain_structure(deep, Completion, False)[1]
    assert issues == _cattrs_issues(deep, Completion, False)
    assert [i.path for i in issues] == [
        "$.user",
        "$.course.contents[0].courses[0].contents[0].courses[0].contents[0].courses[0].name",
    ]


def test_the_decline_rate_on_invalid_payloads() -> None:
    """How many of 200 of the strategies' invalid payloads the explain walk and the
    generated validate function leave to the cattrs path (printed with -s; only deep
    expansions may be, which the properties above check one by one)."""
    counts: Counter[str] = Counter()

    @settings(max_examples=200, database=None, derandomize=True)
    @given(_with_class(lst.invalid_payloads), st.booleans())
    def count(case: tuple[Any, tuple[Any, str]], forbid: bool) -> None:
        cls, (payload, _) = case
        counts["payloads"] += 1
        counts["explain walk"] += explain_issues(payload, cls, forbid) is None
        fast = validator(cls, forbid)
        assert fast is not None
        try:
            fast(payload, [])
        except Exception:  # noqa: BLE001 - declined: counted
            counts["validate function"] += 1

    count()
    for name in ("explain walk", "validate function"):
        declined, total = counts[name], counts["payloads"]
        print(f"{name}: {declined} of {total} invalid payloads declined ({declined / total:.1%})")
        assert total >= 100
        assert declined / total < 0.1
