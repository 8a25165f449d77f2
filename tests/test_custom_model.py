"""A user's own model, defined here only: a subclass of Completion with new fields of every
supported kind and a new open enum, through every layer, with no change to lms-schema.

structure, loads, unstructure, dumps, validate, normalize, Page[...], the strategies
(models, payloads, invalid, messy, ``st.from_type``), the fast paths (which must not decline
on the new fields: checked with ``lms_schema.debug.record_declines``), configure_converter
and ``issues_from_cattrs``; the differential tests of ``test_fast_path`` (generated code vs
cattrs) and ``test_mirror`` (msgspec mirrors vs orjson) run on it too. Also: the decline
rate of the fast paths on the strategies' valid payloads of every model class, the
Hypothesis entry point in fresh processes, and the debuggability of generated code.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import cattrs
import orjson
import pytest
import test_fast_path
import test_mirror
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lms_schema
from lms_schema import (
    ABSENT,
    Absent,
    Completion,
    Duration,
    JSONObject,
    NormalizationPolicy,
    OpenEnum,
    Page,
    PartialCourse,
    PartialUser,
)
from lms_schema import strategies as lst
from lms_schema._gen.fast import structurer
from lms_schema._gen.mirror import bytes_structurer
from lms_schema._models.fields import Kind, fields_of
from lms_schema._models.models import MODELS
from lms_schema.debug import record_declines

ROOT = Path(__file__).resolve().parent.parent


class Level(OpenEnum, synonyms={"novice": "BEGINNER"}):
    """A new open enum, known to lms-schema only through this class."""

    BEGINNER = "BEGINNER"
    INTERMEDIATE = "INTERMEDIATE"
    EXPERT = "EXPERT"


@attrs.frozen(kw_only=True)
class MyCompletion(Completion):
    """Completion with one new field of every supported kind."""

    attempts: int | Absent | None = ABSENT
    level: Level | Absent | None = ABSENT
    note: str | Absent | None = ABSENT
    reviewed_at: datetime | Absent | None = ABSENT
    review_id: UUID | Absent | None = ABSENT
    extra_time: Duration | Absent | None = ABSENT
    review: JSONObject | Absent | None = ABSENT
    reviewer: UUID | PartialUser | Absent | None = ABSENT
    mentors: list[UUID | PartialUser] | Absent | None = ABSENT
    prerequisites: list[UUID | PartialCourse] | Absent | None = ABSENT
    tags: list[str] | Absent | None = ABSENT
    levels: list[Level] | Absent | None = ABSENT
    sponsor: UUID | JSONObject | Absent | None = ABSENT
    checkpoints: list[datetime] | Absent = ABSENT


@attrs.frozen(kw_only=True)
class PartialMyCompletion(lms_schema.PartialCompletion):
    """A partial model of one's own, with a required new field."""

    level: Level | None


CUSTOM: list[Any] = [MyCompletion, Page[MyCompletion], PartialMyCompletion]
U = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
BASE: dict[str, Any] = {
    "id": U,
    "remote_id": None,
    "modified_at": "2021-10-16T00:00:00Z",
    "custom_fields": None,
}
FULL: dict[str, Any] = {
    **BASE,
    "score": 95,
    "attempts": 3,
    "level": "EXPERT",
    "note": "ünï",
    "reviewed_at": "2025-08-01T10:00:00+02:00",
    "review_id": U.upper(),
    "extra_time": "PT1H30M",
    "review": {"a": [1, None]},
    "reviewer": {"id": U, "first_name": "Ada", "status": "ACTIVE"},
    "mentors": [U, {"first_name": "Bob"}],
    "prerequisites": [{"name": "Intro", "categories": [U]}],
    "tags": ["a", "b"],
    "levels": ["BEGINNER", "Other"],
    "sponsor": {"name": "ACME"},
    "checkpoints": ["2025-08-01T10:00:00Z"],
}


def test_the_field_analysis_reads_the_new_fields() -> None:
    fields = fields_of(MyCompletion)
    names = [f.name for f in fields.fields]
    assert names[:5] == ["id", "remote_id", "modified_at", "custom_fields", "raw_data"]
    assert names[-14:] == [a.name for a in attrs.fields(MyCompletion)][-14:]
    by = fields.by_name
    assert (by["attempts"].kind, by["attempts"].nullable, by["attempts"].required) == (
        Kind.INT64,
        True,
        False,
    )
    assert (by["level"].kind, by["level"].enum) == (Kind.OPEN_ENUM, Level)
    assert (by["mentors"].kind, by["mentors"].many, by["mentors"].target) == (
        Kind.RELATION,
        True,
        PartialUser,
    )
    assert (by["sponsor"].kind, by["sponsor"].target) == (Kind.RELATION, None)
    assert (by["levels"].kind, by["levels"].many) == (Kind.OPEN_ENUM, True)
    assert by["checkpoints"].nullable is False
    assert fields_of(MyCompletion) is fields  # computed once


def test_structure_loads_unstructure_dumps() -> None:
    value = lms_schema.structure(FULL, MyCompletion)
    assert type(value) is MyCompletion
    assert value.attempts == 3
    assert value.level is Level.EXPERT
    assert value.levels == [Level.BEGINNER, Level("Other")]
    assert value.review_id == UUID(U)
    assert value.extra_time == Duration(microseconds=5_400_000_000)
    assert type(value.reviewer) is PartialUser
    assert value.sponsor == {"name": "ACME"}
    assert value.checkpoints == [datetime(2025, 8, 1, 10, tzinfo=UTC)]
    assert lms_schema.loads(orjson.dumps(FULL), MyCompletion) == value
    wire = lms_schema.unstructure(value)
    assert wire == {**FULL, "review_id": U, "reviewer": {**FULL["reviewer"]}}
    assert list(wire)[:4] == ["id", "remote_id", "modified_at", "custom_fields"]
    assert lms_schema.dumps(value) == orjson.dumps(wire)
    assert lms_schema.structure(wire, MyCompletion) == value
    assert lms_schema.converter.unstructure(value) == wire


def test_the_fast_paths_take_the_new_fields() -> None:
    fast, from_bytes = structurer(MyCompletion), bytes_structurer(MyCompletion)
    assert fast is not None and from_bytes is not None
    assert fast(FULL) == lms_schema.converter.structure(FULL, MyCompletion)
    assert from_bytes(orjson.dumps(FULL)) == fast(FULL)
    page = {"cursor": None, "page_size": 2, "items": [FULL, BASE]}
    with record_declines() as declines:
        lms_schema.structure(FULL, MyCompletion)
        lms_schema.loads(orjson.dumps(FULL), MyCompletion)
        lms_schema.loads(orjson.dumps(page), Page[MyCompletion])
        lms_schema.structure(page, Page[MyCompletion])
    assert declines == []


@pytest.mark.parametrize(
    ("key", "value", "path", "code", "message"),
    [
        ("attempts", "3", "$.attempts", "wrong_type", "expected an integer or null, got string"),
        ("attempts", 2**63, "$.attempts", "out_of_range", None),
        ("level", 1, "$.level", "wrong_type", "expected a string or null, got integer"),
        ("review_id", "x", "$.review_id", "invalid_uuid", None),
        ("reviewed_at", "2025-08-01", "$.reviewed_at", "invalid_datetime", None),
        ("extra_time", "pt1h", "$.extra_time", "invalid_duration", None),
        ("review", [], "$.review", "wrong_type", "expected an object or null, got array"),
        (
            "reviewer",
            1,
            "$.reviewer",
            "wrong_type",
            "expected a UUID string or an expanded user object or null, got integer",
        ),
        ("mentors", [U, 5], "$.mentors[1]", "wrong_type", None),
        ("mentors", "x", "$.mentors", "wrong_type", "expected an array or null, got string"),
        ("prerequisites", [{"id": 1}], "$.prerequisites[0].id", "wrong_type", None),
        ("levels", [None], "$.levels[0]", "wrong_type", None),
        (
            "sponsor",
            [],
            "$.sponsor",
            "wrong_type",
            "expected a UUID string or an object or null, got array",
        ),
        ("checkpoints", None, "$.checkpoints", "wrong_type", "expected an array, got null"),
    ],
)
def test_bad_values_of_new_fields(
    key: str, value: Any, path: str, code: str, message: str | None
) -> None:
    payload = {**FULL, key: value}
    report = lms_schema.validate(payload, MyCompletion)
    assert [(i.path, i.code) for i in report.errors] == [(path, code)]
    if message is not None:
        assert report.errors[0].message == message
    with pytest.raises(lms_schema.ValidationError) as info:
        lms_schema.loads(orjson.dumps(payload), MyCompletion)
    assert info.value.issues == report.errors


def test_validate_knows_the_new_keys() -> None:
    report = lms_schema.validate({**FULL, "x-vendor": 1, "reviewed_at": "2025-08-01T10:00:00"},
                                 MyCompletion)  # fmt: skip
    assert report.errors == ()
    assert [(w.path, w.code) for w in report.warnings] == [
        ("$['x-vendor']", "unknown_key"),
        ("$.reviewed_at", "naive_datetime"),
    ]
    nested = {**FULL, "reviewer": {"first_name": "A", "extra": 1}, "mentors": [{"bad": 1}]}
    warnings = lms_schema.validate(nested, MyCompletion).warnings
    assert sorted((w.path, w.code) for w in warnings) == [
        ("$.mentors[0].bad", "unknown_key"),
        ("$.reviewer.extra", "unknown_key"),
    ]
    strict = lms_schema.validate(FULL, MyCompletion, forbid_unknown_keys=True)
    assert strict.ok


def test_normalize_applies_the_rules_by_kind_and_the_enums_own_rules() -> None:
    messy = {
        **BASE,
        "attempts": " 3 ",
        "level": " expert",
        "levels": ["Novice", "BEGINNER"],
        "review_id": "{" + U.upper() + "}",
        "extra_time": "01:30:00",
        "tags": "solo",
    }
    result = lms_schema.normalize(messy, MyCompletion)
    assert result.errors == ()
    assert [(f.path, f.rule, f.after) for f in result.fixes] == [
        ("$.attempts", "integer.numeric_string", 3),
        ("$.level", "level.case", "EXPERT"),
        ("$.levels[0]", "level.synonym", "BEGINNER"),
        ("$.review_id", "id.braces", U),
        ("$.extra_time", "duration.scorm_timespan", "PT1H30M"),
        ("$.tags", "list.single_to_list", ["solo"]),
    ]
    assert result.value is not None and result.value.level is Level.EXPERT
    # the enum's rules are accepted by the policy; its synonyms are keyed by the class
    policy = NormalizationPolicy(
        disabled={"level.case", "level.synonym"}, enum_synonyms={Level: {"pro": "EXPERT"}}
    )
    off = lms_schema.normalize({**BASE, "level": " expert", "levels": ["Pro"]}, MyCompletion,
                               policy=policy)  # fmt: skip
    assert off.fixes == ()
    assert off.value is not None and off.value.level == " expert"
    on = lms_schema.normalize(
        {**BASE, "levels": ["Pro"]},
        MyCompletion,
        policy=NormalizationPolicy(enum_synonyms={Level: {"pro": "EXPERT"}}),
    )
    assert [(f.rule, f.after) for f in on.fixes] == [("level.synonym", "EXPERT")]
    with pytest.raises(ValueError, match="unknown normalization rule"):
        NormalizationPolicy(disabled={"rank.case"})
    with pytest.raises(ValueError, match="not a known Level member"):
        NormalizationPolicy(enum_synonyms={Level: {"x": "MASTER"}})


def test_rules_and_enums_are_derived_from_the_classes() -> None:
    assert list(Level) == [Level.BEGINNER, Level.INTERMEDIATE, Level.EXPERT]
    assert Level.members() == tuple(Level)
    assert Level.rule_prefix == "level"
    assert dict(Level.default_synonyms) == {"novice": "BEGINNER"}
    assert "grade.case" in lms_schema.RULES and "status.synonym" in lms_schema.RULES
    assert "level.case" not in lms_schema.RULES  # RULES: the seven models' rules
    NormalizationPolicy(disabled={"level.case", "grade.case"})  # but the policy takes both


def test_page_of_a_custom_model() -> None:
    page = lms_schema.structure({"cursor": "c", "page_size": 1, "items": [FULL]},
                                Page[MyCompletion])  # fmt: skip
    assert type(page.items[0]) is MyCompletion
    assert lms_schema.unstructure(page)["items"][0]["attempts"] == 3
    report = lms_schema.validate({"cursor": None, "page_size": 1, "items": [{**FULL, "level": 1}]},
                                 Page[MyCompletion])  # fmt: skip
    assert [(i.path, i.code) for i in report.errors] == [("$.items[0].level", "wrong_type")]


def test_configure_converter_and_issues_from_cattrs() -> None:
    @attrs.frozen
    class Envelope:
        source: int
        completion: MyCompletion

    conv = cattrs.Converter()
    lms_schema.configure_converter(conv)
    value = conv.structure({"source": 1, "completion": FULL}, Envelope)
    assert value.completion == lms_schema.structure(FULL, MyCompletion)
    with pytest.raises(lms_schema.ValidationError) as info:
        conv.structure({**FULL, "attempts": "3"}, MyCompletion)
    assert [(i.path, i.code) for i in info.value.issues] == [("$.attempts", "wrong_type")]
    bad = {"source": "x", "completion": {**FULL, "level": 1, "mentors": [U, 2]}}
    with pytest.raises(cattrs.ClassValidationError) as group:
        conv.structure(bad, Envelope)
    issues = lms_schema.issues_from_cattrs(group.value)
    assert sorted((i.path, i.code) for i in issues) == [
        ("$.completion.level", "wrong_type"),
        ("$.completion.mentors[1]", "wrong_type"),
        ("$.source", "invalid_value"),
    ]
    assert "issues_from_cattrs" in lms_schema.__all__


def test_an_unsupported_field_is_a_type_error_naming_it() -> None:
    @attrs.frozen(kw_only=True)
    class Odd(Completion):
        ratio: float | Absent = ABSENT

    for use in (
        lambda: lms_schema.structure(BASE, Odd),
        lambda: lms_schema.validate(BASE, Odd),
        lambda: lms_schema.normalize(BASE, Odd),
        lambda: lst.payloads(Odd),
    ):
        with pytest.raises(TypeError, match=r"Odd\.ratio: lms-schema does not support"):
            use()


# -- strategies and the differential tests ---------------------------------------------------

_custom = st.sampled_from(CUSTOM)


@given(_custom.flatmap(lambda cls: lst.payloads(cls).map(lambda p: (cls, p))), st.booleans())
def test_valid_payloads_agree(case: tuple[Any, Any], forbid: bool) -> None:
    cls, payload = case
    test_fast_path._assert_agree(cls, payload, forbid)
    assert lms_schema.validate(payload, cls).errors == ()


@given(_custom.flatmap(lambda cls: lst.invalid_payloads(cls).map(lambda p: (cls, p))))
def test_invalid_payloads_agree(case: tuple[Any, tuple[Any, str]]) -> None:
    cls, (payload, path) = case
    test_fast_path._assert_agree(cls, payload, False)
    errors = lms_schema.validate(payload, cls).errors
    assert [i.path for i in errors] == [path]


@given(_custom.flatmap(lambda cls: lst.messy_payloads(cls).map(lambda p: (cls, p))))
def test_messy_payloads_normalize(case: tuple[Any, Any]) -> None:
    cls, payload = case
    test_fast_path._assert_agree(cls, payload, False)
    result = lms_schema.normalize(payload, cls)
    assert result.errors == ()
    assert lms_schema.structure(result.payload, cls) == result.value


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(_custom.flatmap(lambda cls: lst.models(cls).map(lambda m: (cls, m))))
def test_models_round_trip_and_unstructure_like_cattrs(case: tuple[Any, Any]) -> None:
    cls, model = case
    assert lms_schema.structure(lms_schema.unstructure(model), cls) == model
    expected = lms_schema.converter.unstructure(model)
    assert lms_schema.unstructure(model) == expected
    assert json.loads(lms_schema.dumps(model)) == json.loads(json.dumps(expected))


@given(st.from_type(MyCompletion), st.from_type(Level), st.from_type(Page[MyCompletion]))
def test_from_type(model: MyCompletion, level: Level, page: Page[MyCompletion]) -> None:
    assert type(model) is MyCompletion and type(level) is Level
    assert all(type(item) is MyCompletion for item in page.items)
    assert lms_schema.structure(lms_schema.unstructure(model), MyCompletion) == model


@given(st.data())
def test_mirror_documents_agree(data: st.DataObject) -> None:
    cls = data.draw(_custom)
    kind = data.draw(st.sampled_from(["valid", "invalid", "messy"]))
    if kind == "valid":
        payload = data.draw(lst.payloads(cls, unknown_keys=data.draw(st.booleans())))
    elif kind == "invalid":
        payload, _ = data.draw(lst.invalid_payloads(cls))
    else:
        payload = data.draw(lst.messy_payloads(cls))
    document = json.dumps(payload).encode()
    test_mirror._assert_agree(cls, document, data.draw(st.booleans()))


# -- the decline rate of the fast paths ------------------------------------------------------

_page: Any = Page
_ALL: list[Any] = [
    *MODELS,
    *lst.PARTIAL_MODELS,
    *(_page[m] for m in MODELS),
    *CUSTOM,
]
_COUNTS: dict[str, int] = {"payloads": 0, "dict": 0, "bytes": 0}


def _surrogate_free(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("cls", _ALL, ids=lambda c: getattr(c, "__name__", str(c)))
def test_the_fast_paths_never_decline_a_valid_payload(cls: Any) -> None:
    """Every valid payload of the strategies takes the dict fast path and (written as JSON,
    without lone surrogates, which the bytes path leaves to orjson) the msgspec mirror path:
    ``record_declines`` sees none."""

    @settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
    @given(lst.payloads(cls))
    def check(payload: Any) -> None:
        with record_declines() as declines:
            value = lms_schema.structure(payload, cls)
            _COUNTS["dict"] += 1
            if _surrogate_free(payload):
                assert lms_schema.loads(json.dumps(payload).encode(), cls) == value
                _COUNTS["bytes"] += 1
        assert [str(d) for d in declines] == []

    check()


def test_declines_are_recorded_with_where_and_why() -> None:
    page = {"cursor": None, "page_size": 1, "items": [{**FULL, "attempts": "3"}]}
    with record_declines() as declines:
        assert not lms_schema.validate(page, Page[MyCompletion]).ok
        with pytest.raises(lms_schema.ValidationError):
            lms_schema.loads(orjson.dumps(page), Page[MyCompletion])
    # loads(): the mirror declines, then the orjson path's dict fast path
    assert [(d.model, d.route, d.path) for d in declines] == [
        ("Page[MyCompletion]", "dict", "$.items[*].attempts"),
        ("Page[MyCompletion]", "bytes", "$"),
        ("Page[MyCompletion]", "dict", "$.items[*].attempts"),
    ]
    assert declines[0].reason == "not a 64-bit integer"
    assert "int" in declines[1].reason  # msgspec's own message
    lms_schema.validate({**FULL, "attempts": "3"}, MyCompletion)
    assert len(declines) == 3  # outside the block: nothing recorded


def test_generated_code_is_debuggable() -> None:
    fast = structurer(MyCompletion)
    assert fast is not None
    source = inspect.getsource(fast)
    assert source.startswith("def structure_MyCompletion_0(d")
    assert "f_attempts" in source
    assert fast.__code__.co_filename.startswith("<lms_schema generated structure MyCompletion")
    try:
        fast({**FULL, "attempts": "3"})
    except Exception as exc:  # noqa: BLE001 - the decline
        text = "".join(traceback.format_exception(exc))
    assert "<lms_schema generated structure MyCompletion" in text
    assert "raise _DeclinedError('MyCompletion.attempts: not a 64-bit integer')" in text


# -- the Hypothesis entry point in fresh processes ---------------------------------------------


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )


def test_strategies_as_the_first_import_of_a_process() -> None:
    done = _run(
        "from lms_schema import strategies\n"
        "from hypothesis import strategies as st\n"
        "import lms_schema\n"
        "print(type(st.from_type(lms_schema.Completion).example()).__name__,"
        " len(strategies.PARTIAL_MODELS))\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Completion", "7"]


def test_a_new_open_enum_field_does_not_break_import_hypothesis() -> None:
    done = _run(
        "import attrs, lms_schema\n"
        "class Rank(lms_schema.OpenEnum):\n"
        "    LOW = 'LOW'\n"
        "@attrs.frozen(kw_only=True)\n"
        "class Ranked(lms_schema.Completion):\n"
        "    rank: Rank | lms_schema.Absent | None = lms_schema.ABSENT\n"
        "import hypothesis\n"
        "from hypothesis import strategies as st\n"
        "m = st.from_type(Ranked).example()\n"
        "print(type(m).__name__, type(st.from_type(Rank).example()).__name__)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Ranked", "Rank"]
