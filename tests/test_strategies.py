"""``lms_schema.strategies``: the strategies themselves, and the core properties they drive.

The properties here are also the strict core's (issue 2) Hypothesis properties: for generated
valid payloads ``unstructure(structure(p)) == canonical(p)`` (with ``canonical`` written
independently below), models round-trip, one mutation gives exactly one issue at its path.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections import Counter
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, get_args

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import lms_schema
import lms_schema._models.models
from lms_schema import (
    Completion,
    Content,
    Course,
    Duration,
    Enrollment,
    Grade,
    Page,
    Status,
    User,
    strategies,
)
from lms_schema._hypothesis import _hypothesis_setup_hook
from lms_schema._models.models import MODELS
from lms_schema._values.issues import format_path

PAGES: tuple[Any, ...] = tuple(Page[cls] for cls in MODELS)  # type: ignore[valid-type]
SECONDARY: tuple[Any, ...] = (*strategies.PARTIAL_MODELS, *PAGES)
EXPANDABLE = (Completion, Enrollment, Course, Content)
RELATION_KINDS = ("relation", "relations")


def _default() -> settings:
    current = settings.default
    assert current is not None
    return current


def fewer() -> settings:
    """Partial classes and pages repeat what the seven models cover: a quarter of the budget."""
    return settings(max_examples=max(10, _default().max_examples // 4))


def each_class(test: Any) -> Any:
    """Run ``test(cls)`` for the seven models (full budget) and the rest (a quarter)."""
    full = [pytest.param(cls, id=cls.__name__) for cls in MODELS]
    rest = [pytest.param(cls, id=str(cls).removeprefix("lms_schema.")) for cls in SECONDARY]
    return pytest.mark.parametrize("cls", full + rest)(test)


def budget(cls: Any) -> settings:
    return _default() if cls in MODELS else fewer()


# -- canonical form, written independently of the library ------------------------------------------

_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?\Z"
)
_N = r"([0-9]+(?:[.,][0-9]+)?)"
_DURATION = re.compile(
    rf"P(?:{_N}W|(?:{_N}Y)?(?:{_N}M)?(?:{_N}D)?(?:T(?:{_N}H)?(?:{_N}M)?(?:{_N}S)?)?)\Z"
)


def canonical_datetime(text: str) -> str:
    """``T``, ``Z`` for UTC and naive times, the offset otherwise, 1-6 fraction digits
    (truncated, trailing zeros dropped, none when zero)."""
    m = _DATETIME.match(text)
    assert m is not None, text
    date, time, fraction, offset = m.groups()
    digits = (fraction or "")[:6].rstrip("0")
    body = f"{date}T{time}" + (f".{digits}" if digits else "")
    if offset is None or offset in ("Z", "z", "+00:00", "-00:00"):
        return body + "Z"
    return body + offset


def _number(text: str | None) -> Fraction:
    return Fraction(text.replace(",", ".")) if text else Fraction(0)


def _decimal(value: Fraction) -> str:
    with localcontext() as ctx:
        ctx.prec = 100
        text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def canonical_duration(text: str) -> str:
    """Years = months // 12, the rest in months, weeks as days, 24 h days, a microsecond
    precision (truncated), zero components left out, ``PT0S`` for zero."""
    m = _DURATION.match(text)
    assert m is not None, text
    w, y, mo, d, h, mi, s = (_number(g) for g in m.groups())
    months = 12 * y + mo
    us = int((((7 * w + d) * 24 + h) * 60 + mi) * 60 * 1_000_000 + s * 1_000_000)
    out = "P"
    years = months // 12
    rest = months - 12 * years
    if years:
        out += f"{years}Y"
    if rest:
        out += f"{_decimal(rest)}M"
    days, us = divmod(us, 86_400_000_000)
    if days:
        out += f"{days}D"
    if us:
        hours, us = divmod(us, 3_600_000_000)
        minutes, us = divmod(us, 60_000_000)
        out += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        if us:
            out += f"{_decimal(Fraction(us, 1_000_000))}S"
    return "PT0S" if out == "P" else out


def canonical(payload: Any, cls: Any) -> Any:
    """The canonical wire form of a valid payload: what ``unstructure(structure(p))`` gives."""
    if get_args(cls):
        (item,) = get_args(cls)
        return {**payload, "items": [canonical(i, item) for i in payload["items"]]}
    out = {}
    for field in strategies._fields(cls):
        if field.name in payload:
            out[field.name] = _canonical_value(payload[field.name], field)
    return out


def _canonical_value(value: Any, field: Any) -> Any:
    if value is None:
        return None
    if field.kind == "relations":
        return [_canonical_element(v, field) for v in value]
    if field.kind == "relation":
        return _canonical_element(value, field)
    if field.kind == "uuid":
        return value.lower()
    if field.kind == "datetime":
        return canonical_datetime(value)
    if field.kind == "duration":
        return canonical_duration(value)
    return value


def _canonical_element(value: Any, field: Any) -> Any:
    if type(value) is str:
        return value.lower()
    if field.target == lms_schema.JSONObject:
        return value
    return canonical(value, field.target)


def test_canonical_helpers_exact() -> None:
    assert canonical_datetime("2025-08-01t10:00:00.1234567z") == "2025-08-01T10:00:00.123456Z"
    assert canonical_datetime("2025-08-01T10:00:00.000") == "2025-08-01T10:00:00Z"
    assert canonical_datetime("2025-08-01T10:00:00-00:00") == "2025-08-01T10:00:00Z"
    assert canonical_datetime("0001-01-01T00:00:00.50+05:30") == "0001-01-01T00:00:00.5+05:30"
    assert canonical_duration("PT75M") == "PT1H15M"
    assert canonical_duration("P2W") == "P14D"
    assert canonical_duration("P1,5Y") == "P1Y6M"
    assert canonical_duration("P0.05Y") == "P0.6M"
    assert canonical_duration("PT36H") == "P1DT12H"
    assert canonical_duration("PT0.0000009S") == "PT0S"
    assert canonical_duration("P0Y0M0DT0H0M0S") == "PT0S"
    assert canonical_duration("PT1.25S") == "PT1.25S"


# -- import hygiene and registration -----------------------------------------------------------


def test_import_lms_schema_does_not_import_hypothesis() -> None:
    code = "import sys, lms_schema; sys.exit(1 if 'hypothesis' in sys.modules else 0)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_setup_hook_registers_every_public_type() -> None:
    _hypothesis_setup_hook()
    classes = (*MODELS, *strategies.PARTIAL_MODELS)

    @settings(max_examples=20)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        for cls in classes:
            assert type(data.draw(st.from_type(cls))) is cls
        page = data.draw(st.from_type(Page[User]))
        assert type(page) is Page
        assert all(type(item) is User for item in page.items)
        assert type(data.draw(st.from_type(Grade))) is Grade
        assert type(data.draw(st.from_type(Status))) is Status
        assert type(data.draw(st.from_type(Duration))) is Duration

    check()


def test_bad_arguments_are_invalid_argument() -> None:
    for bad in (Page, dict, int, "Completion"):
        with pytest.raises(InvalidArgument):
            strategies.models(bad)
    with pytest.raises(InvalidArgument):
        strategies.expands(User)
    for expand in ("users", "user[nope]", "user,user", "user[", "user course", "user[]"):
        with pytest.raises(InvalidArgument):
            strategies.payloads(Completion, expand=expand)


# -- the core properties ----------------------------------------------------------------------


@each_class
def test_payloads_are_valid_and_round_trip_to_canonical(cls: Any) -> None:
    @budget(cls)
    @given(strategies.payloads(cls))
    def check(payload: dict[str, Any]) -> None:
        report = lms_schema.validate(payload, cls)
        assert report.errors == ()
        expected = canonical(payload, cls)
        assert lms_schema.unstructure(lms_schema.structure(payload, cls)) == expected
        # canonicalization is idempotent, and the canonical payload is the same value
        assert canonical(expected, cls) == expected
        assert lms_schema.structure(expected, cls) == report.value
        assert lms_schema.loads(lms_schema.dumps(report.value), cls) == report.value

    check()


@each_class
def test_models_round_trip(cls: Any) -> None:
    @budget(cls)
    @given(strategies.models(cls))
    def check(model: Any) -> None:
        data = lms_schema.unstructure(model)
        assert lms_schema.structure(data, cls) == model
        assert lms_schema.loads(lms_schema.dumps(model), cls) == model
        assert lms_schema.validate(data, cls).errors == ()

    check()


@each_class
def test_invalid_payloads_have_exactly_one_issue_at_the_path(cls: Any) -> None:
    @budget(cls)
    @given(strategies.invalid_payloads(cls))
    def check(case: tuple[dict[str, Any], str]) -> None:
        payload, path = case
        with pytest.raises(lms_schema.ValidationError) as info:
            lms_schema.structure(payload, cls)
        assert [issue.path for issue in info.value.issues] == [path]
        assert [issue.path for issue in lms_schema.validate(payload, cls).errors] == [path]

    check()


# -- request-aware payloads ---------------------------------------------------------------------


def _is_uuid_text(value: object) -> bool:
    return type(value) is str and str(uuid.UUID(value)) == value.lower()


@pytest.mark.parametrize("cls", EXPANDABLE, ids=lambda c: c.__name__)
def test_payloads_follow_expand(cls: Any) -> None:
    relations = {f.name: f for f in strategies._fields(cls) if f.kind in RELATION_KINDS}

    @fewer()
    @given(st.data())
    def check(data: st.DataObject) -> None:
        text = data.draw(strategies.expands(cls), label="expand")
        selection = dict(strategies._parse_expand(text, cls))
        assert set(selection) <= set(relations)
        payload = data.draw(strategies.payloads(cls, expand=text), label="payload")
        assert lms_schema.validate(payload, cls).errors == ()
        for name, field in relations.items():
            value = payload.get(name)
            elements = value if field.kind == "relations" and value is not None else [value]
            for element in elements:
                if element is None:
                    continue
                if name not in selection:
                    assert _is_uuid_text(element), (name, element)
                    continue
                assert type(element) is dict, (name, element)
                fields = selection[name]
                if fields is None:
                    if field.target != lms_schema.JSONObject:
                        assert set(lms_schema._models.models.REQUIRED_KEYS) <= set(element)
                else:
                    assert set(fields) <= set(element) <= {*fields, "id"}

    check()


@fewer()
@given(strategies.payloads(Completion, expand={"user": ["first_name"], "course": None}))
def test_expand_accepts_a_mapping(payload: dict[str, Any]) -> None:
    if payload.get("user") is not None:
        assert set(payload["user"]) in ({"first_name"}, {"first_name", "id"})
    if payload.get("course") is not None:
        assert {"id", "remote_id", "modified_at", "custom_fields"} <= set(payload["course"])
    assert payload.get("content") is None or _is_uuid_text(payload["content"])


@pytest.mark.parametrize("flag", [False, True])
@pytest.mark.parametrize("cls", [*MODELS, Page[Course]], ids=str)
def test_payloads_follow_include_flags(cls: Any, flag: bool) -> None:
    @fewer()
    @given(strategies.payloads(cls, include_raw_data=flag, include_custom_fields=flag))
    def check(payload: dict[str, Any]) -> None:
        assert lms_schema.validate(payload, cls).errors == ()
        for record in payload.get("items", [payload]):
            if flag:
                assert type(record["raw_data"]) is dict
                assert type(record["custom_fields"]) is dict
            else:
                assert record.get("raw_data") is None
                assert record["custom_fields"] is None

    check()


@pytest.mark.parametrize("cls", [Completion, Course, Page[Enrollment]], ids=str)
def test_payloads_with_unknown_keys(cls: Any) -> None:
    @fewer()
    @given(strategies.payloads(cls, unknown_keys=True))
    def check(payload: dict[str, Any]) -> None:
        report = lms_schema.validate(payload, cls)
        assert report.errors == ()
        assert {w.code for w in report.warnings} <= {"unknown_key", "naive_datetime"} | {
            "unknown_language",
            "completed_before_started",
            "duration_exceeds_interval",
            "negative_score",
        }
        assert lms_schema.unstructure(report.value) == canonical(payload, cls)
        unknown = sorted(w.path for w in report.warnings if w.code == "unknown_key")
        if unknown:
            with pytest.raises(lms_schema.ValidationError) as info:
                lms_schema.structure(payload, cls, forbid_unknown_keys=True)
            assert sorted(i.path for i in info.value.issues) == unknown
            assert {i.code for i in info.value.issues} == {"unknown_key"}

    check()


def test_unknown_keys_show_up() -> None:
    seen: set[str] = set()

    @settings(max_examples=100, derandomize=True, database=None)
    @given(strategies.payloads(Completion, unknown_keys=True))
    def collect(payload: dict[str, Any]) -> None:
        for warning in lms_schema.validate(payload, Completion).warnings:
            if warning.code == "unknown_key":
                top = warning.path in {format_path((key,)) for key in payload}
                seen.add("top" if top else "nested")

    collect()
    assert seen == {"top", "nested"}


# -- building blocks ---------------------------------------------------------------------------


@given(strategies.durations())
def test_strict_durations_parse_to_their_canonical_form(text: str) -> None:
    assert str(lms_schema.parse_duration(text)) == canonical_duration(text)


@given(strategies.durations(strict=False))
def test_lenient_durations_are_strict_or_a_known_messy_shape(text: str) -> None:
    if _DURATION.match(text):
        lms_schema.parse_duration(text)
    else:
        assert re.fullmatch(
            r"\d{2,4}:\d{2}:\d{2}(\.\d{2})?|P\d+W\d+D|[pP].*[a-z].*|\s+P.*|P.*\s|\+P.*"
            r"|P\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",
            text,
        ), text
        with pytest.raises(lms_schema.DurationError):
            lms_schema.parse_duration(text)


@given(strategies.datetimes(), strategies.uuids())
def test_datetimes_and_uuids_are_strict(when: str, ident: str) -> None:
    lms_schema.structure(
        {"id": ident, "remote_id": None, "modified_at": when, "custom_fields": None}, User
    )


@given(strategies.datetimes(allow_naive=False, allow_offsets=False), strategies.uuids(version=4))
def test_building_block_options(when: str, ident: str) -> None:
    assert when[-1] in "Zz" or when.endswith("00:00")
    assert uuid.UUID(ident).version == 4


@given(strategies.grades(include_unknown=False), strategies.statuses(include_unknown=False))
def test_grades_and_statuses_without_unknown(grade: str, status: str) -> None:
    assert Grade(grade).is_known
    assert Status(status).is_known


# -- shrinking ------------------------------------------------------------------------------------


def test_failing_examples_shrink_to_small_payloads() -> None:
    minimal = find(strategies.payloads(Completion), lambda p: type(p.get("user")) is dict)
    assert minimal == {
        "id": "00000000-0000-0000-0000-000000000000",
        "remote_id": None,
        "modified_at": "2000-01-01T00:00:00Z",
        "custom_fields": None,
        "user": {},
    }
    assert find(strategies.durations(), lambda d: "Y" in d) == "P0Y"


# -- coverage: the strategies reach the whole legal space ------------------------------------------

SEEN: Counter[str] = Counter()


def _duration_features(text: str) -> list[str]:
    date, _, time = text.partition("T")
    out = [f"duration:{c}" for c in "YMWD" if c in date]
    out += [f"duration:T{c}" for c in "HMS" if c in time]
    out += [f"duration:fraction{sign}" for sign in ".," if sign in text]
    if lms_schema.parse_duration(text) == Duration():
        out.append("duration:zero")
    if len(text) > 12:
        out.append("duration:long")
    return out


def _relation_form(value: Any, target: Any) -> str:
    if type(value) is str:
        return "uuid-upper" if value != value.lower() else "uuid"
    if target == lms_schema.JSONObject:
        return "object"
    full = set(lms_schema._models.models.REQUIRED_KEYS) <= set(value)
    return "expanded" if full else "partial"


def _features(payload: dict[str, Any], cls: Any) -> list[str]:
    out: list[str] = []
    for field in strategies._fields(cls):
        name = f"{cls.__name__}.{field.name}"
        if field.name not in payload:
            out.append(f"{name}:absent")
            continue
        value = payload[field.name]
        if value is None:
            out.append(f"{name}:null")
        elif field.kind == "grade":
            out.append(f"grade:{value}" if Grade(value).is_known else "grade:unknown")
        elif field.kind == "status":
            out.append(f"status:{value}" if Status(value).is_known else "status:unknown")
        elif field.kind == "duration":
            out += _duration_features(value)
        elif field.kind == "datetime":
            offset = _DATETIME.match(value).group(4)  # type: ignore[union-attr]
            sign = "naive" if offset is None else offset[0] if offset[0] in "+-" else "Z"
            out.append(f"datetime:{sign}")
            if "." in value:
                out.append("datetime:fraction")
        elif field.kind == "relation":
            out.append(f"relation:{_relation_form(value, field.target)}")
        elif field.kind == "relations":
            out.append("list:empty" if not value else "list:items")
            out += [f"list:{_relation_form(v, field.target)}" for v in value]
        elif field.kind == "uuid":
            out.append(f"uuid:v{uuid.UUID(value).version}")
        elif field.kind == "json" and any(type(v) in (dict, list) for v in value.values()):
            out.append("json:nested")
        elif field.kind == "str" and any(ord(c) > 127 for c in value):
            out.append("str:unicode")
    return out


@settings(max_examples=600, derandomize=True, database=None, deadline=None)
@given(
    strategies.payloads(Completion),
    strategies.payloads(Course),
    strategies.grades(),
    strategies.statuses(),
    strategies.durations(),
)
def _count_features(
    completion: dict[str, Any], course: dict[str, Any], grade: str, status: str, duration: str
) -> None:
    SEEN.update(_features(completion, Completion))
    SEEN.update(_features(course, Course))
    SEEN.update(_features({"grade": grade, "status": status, "duration": duration}, Course))
    SEEN.update(_features({"grade": grade}, Completion))


def test_strategies_cover_the_space() -> None:
    SEEN.clear()
    _count_features()
    expected = {
        *(f"grade:{g}" for g in Grade.members()),
        "grade:unknown",
        *(f"status:{s}" for s in Status.members()),
        "status:unknown",
        *(f"duration:{d}" for d in ("Y", "M", "W", "D", "TH", "TM", "TS")),
        "duration:fraction.",
        "duration:fraction,",
        "duration:zero",
        "duration:long",
        *(f"relation:{form}" for form in ("uuid", "uuid-upper", "expanded", "partial")),
        *(f"list:{form}" for form in ("empty", "items", "uuid", "expanded", "partial", "object")),
        *(f"Completion.{r}:{s}" for r in ("user", "course", "content") for s in ("null", "absent")),
        *(f"Course.{r}:{s}" for r in ("categories", "instructors") for s in ("null", "absent")),
        "datetime:naive",
        "datetime:Z",
        "datetime:+",
        "datetime:-",
        "datetime:fraction",
        "uuid:v4",
        "uuid:v7",
        "json:nested",
        "str:unicode",
    }
    missing = expected - set(SEEN)
    assert not missing, sorted(missing)


def test_invalid_payloads_cover_every_rule() -> None:
    codes: Counter[str] = Counter()

    # Enough draws that the rarest rule (too_deep, under 1 % of sites) is all but certain.
    @settings(max_examples=1000, derandomize=True, database=None, deadline=None)
    @given(strategies.invalid_payloads(Completion), strategies.invalid_payloads(Page[Course]))
    def collect(one: tuple[dict[str, Any], str], page: tuple[dict[str, Any], str]) -> None:
        for (payload, _), cls in ((one, Completion), (page, Page[Course])):
            codes.update(issue.code for issue in lms_schema.validate(payload, cls).errors)

    collect()
    assert set(codes) == {
        "wrong_type",
        "missing_key",
        "invalid_uuid",
        "invalid_datetime",
        "leap_second",
        "invalid_duration",
        "negative_duration",
        "duration_out_of_range",
        "out_of_range",
        "too_deep",
    }


# -- messy payloads -------------------------------------------------------------------------------

MESSY_CODES = {"wrong_type", "invalid_uuid", "invalid_datetime", "invalid_duration", "missing_key"}


@pytest.mark.parametrize("cls", [*MODELS, Page[Completion]], ids=str)
def test_messy_payloads_are_off_only_in_repairable_ways(cls: Any) -> None:
    @fewer()
    @given(strategies.messy_payloads(cls, policy=None, unknown_keys=cls is Completion))
    def check(payload: dict[str, Any]) -> None:
        report = lms_schema.validate(payload, cls)
        assert {issue.code for issue in report.errors} <= MESSY_CODES

    check()


POLICIES = {
    "default": lms_schema.NormalizationPolicy(),
    "units": lms_schema.NormalizationPolicy(
        duration_unit="s",
        epoch_unit="ms",
        rounding="half_even",
        grade_synonyms={"bestanden": "PASS"},
        status_synonyms={"enabled": "ACTIVE"},
    ),
    "floor-seconds-offset": lms_schema.NormalizationPolicy(
        epoch_unit="s", rounding="floor", duration_unit="min", naive_timezone="Asia/Kolkata"
    ),
    "half-off": lms_schema.NormalizationPolicy(
        disabled={
            "grade.case",
            "duration.case",
            "duration.scorm_timespan",
            "id.braces",
            "integer.float",
            "required.missing_to_null",
            "list.single_to_list",
            "datetime.date_only",
        }
    ),
    "all-off": lms_schema.NormalizationPolicy(disabled=set(lms_schema.RULES)),
}


@pytest.mark.parametrize("name", POLICIES)
@pytest.mark.parametrize("cls", [Completion, Course, Page[Content]], ids=str)
def test_messy_payloads_are_repaired_under_their_policy(cls: Any, name: str) -> None:
    policy = POLICIES[name]

    @fewer()
    @given(strategies.messy_payloads(cls, policy=policy))
    def check(payload: dict[str, Any]) -> None:
        result = lms_schema.normalize(payload, cls, policy=policy)
        assert result.errors == ()
        assert all(policy.enabled(fix.rule) for fix in result.fixes)
        assert lms_schema.structure(result.payload, cls) == result.value

    check()


def test_messy_payloads_policy_must_be_a_policy() -> None:
    with pytest.raises(InvalidArgument):
        strategies.messy_payloads(Completion, policy={"rounding": "floor"})  # type: ignore[arg-type]


MESSY_SHAPES = {
    "score-string": r'"score": " ?\d+ ?"',
    "score-decimal": r'"score": "\d+\.00?"',
    "score-percent": r'"score": "\d+%"',
    "score-float": r'"score": \d+\.0[,}]',
    "grade-spaces": r'"grade": "\s+[A-Za-z-]+\s*"',
    "grade-synonym": r'"grade": "(passed|Passed|PASSED|failed|Failed)"',
    "grade-empty": r'"grade": ""',
    "status-lower": r'"status": "\s*(active|pending|inactive)\s*"',
    "duration-clock": r'"(time_)?duration": "\d\d:\d\d:\d\d"',
    "duration-scorm": r'"(time_)?duration": "\d{4}:\d\d:\d\d\.\d\d"',
    "duration-weeks-days": r'"(time_)?duration": "P\d+W\d+D"',
    "duration-lower": r'"(time_)?duration": "p[^"]*"',
    "duration-space": r'"(time_)?duration": "(\s|\\\\[tn])+P',
    "duration-plus": r'"(time_)?duration": "\+P',
    "datetime-space": r'"\w+_at": "\d{4}-\d\d-\d\d \d',
    "datetime-date-only": r'"\w+_at": "\d{4}-\d\d-\d\d"',
    "datetime-naive": r'"\w+_at": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"',
    "id-braced": r'"\{[0-9a-fA-F-]{36}\}"',
    "id-urn": r'"urn:uuid:',
    "id-32-hex": r'"[0-9a-fA-F]{32}"',
    "list-as-string": r'"(categories|contents|skills|instructors)": "',
}


def test_messy_payloads_cover_the_vendor_shapes() -> None:
    import json

    seen: set[str] = set()
    missing_keys: set[str] = set()

    @settings(max_examples=500, derandomize=True, database=None, deadline=None)
    @given(strategies.messy_payloads(Completion), strategies.messy_payloads(Course))
    def collect(completion: dict[str, Any], course: dict[str, Any]) -> None:
        for payload in (completion, course):
            text = json.dumps(payload)
            seen.update(name for name, rx in MESSY_SHAPES.items() if re.search(rx, text))
            missing_keys.update({"remote_id", "custom_fields"} - set(payload))

    collect()
    assert set(MESSY_SHAPES) - seen == set()
    assert missing_keys == {"remote_id", "custom_fields"}


# -- the README example, with a stand-in mapping function ------------------------------------------


def completion_to_row(payload: dict[str, Any]) -> dict[str, Any]:
    """An integration's mapping: validate strictly, then flatten."""
    completion = lms_schema.structure(payload, Completion)
    user = completion.user
    return {
        "completion_id": str(completion.id),
        "user_id": str(user if isinstance(user, uuid.UUID) else getattr(user, "id", None)),
        "grade": None if not completion.grade else str(completion.grade),
        "minutes": None
        if not isinstance(completion.time_duration, Duration)
        or not completion.time_duration.is_exact
        else completion.time_duration.total_seconds() / 60,
    }


@fewer()
@given(strategies.payloads(Completion, expand="user[email_address]"))
def test_readme_example_accepts_every_valid_completion(payload: dict[str, Any]) -> None:
    row = completion_to_row(payload)
    assert row["completion_id"] == payload["id"].lower()


@fewer()
@given(strategies.invalid_payloads(Completion))
def test_readme_example_rejects_bad_payloads_cleanly(case: tuple[dict[str, Any], str]) -> None:
    payload, _ = case
    with pytest.raises(lms_schema.ValidationError):
        completion_to_row(payload)


_POISON = "poisoned by an earlier example"


def _containers(value: Any) -> list[Any]:
    out: list[Any] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            out.append(node)
            stack.extend(node.values())
        elif type(node) is list:
            out.append(node)
            stack.extend(node)
        elif type(node) is tuple:  # invalid_payloads: (payload, (path, code))
            stack.extend(node)
    return out


@pytest.mark.parametrize(
    "strategy",
    [strategies.payloads, strategies.invalid_payloads, strategies.messy_payloads],
    ids=["payloads", "invalid_payloads", "messy_payloads"],
)
def test_examples_share_no_mutable_objects(strategy: Any) -> None:
    """A consumer may mutate what it is given: no dict or list of one example may show up in
    a later one (sampled_from would hand out the same object every time)."""

    @settings(max_examples=300, database=None)
    @given(st.sampled_from([*MODELS, Page[Completion]]).flatmap(strategy))
    def mutate_everything(example: Any) -> None:
        containers = _containers(example)
        assert not any(_POISON in c for c in containers)
        for container in containers:
            if type(container) is dict:
                container[_POISON] = 1
            else:
                container.append(_POISON)

    mutate_everything()
