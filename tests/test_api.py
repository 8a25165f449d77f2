"""The public API has no surprises: programming mistakes are TypeErrors, fields come in wire
order, Duration/ABSENT/Page/Report behave as values and containers should, every public name
has a docstring."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lms_schema
from lms_schema import (
    ABSENT,
    Completion,
    Duration,
    DurationError,
    Page,
    PartialCompletion,
    User,
    ValidationError,
    value_or_none,
)
from lms_schema._models.models import BASE_KEYS, MODELS
from lms_schema.strategies import duration_values, models

ROOT = Path(__file__).parent.parent
COMPLETION = (ROOT / "examples" / "completion.json").read_bytes()
PAGE = (ROOT / "examples" / "completions-page.json").read_bytes()
UUID_TEXT = "018b18ef-c487-703c-afd9-0ca478ccd9d6"
#: The package, untyped: mypy would (rightly) reject the wrong calls these tests make.
api: Any = lms_schema
UntypedDuration: Any = Duration
MODEL_CLASSES = "Completion, User, ..., a Partial\\* class, ErrorResponse, HTTPValidationError"


# -- programming mistakes are TypeErrors ---------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: api.loads(COMPLETION, Page), r"loads\(\): Page needs its item type"),
        (lambda: api.structure({}, Page), r"structure\(\): Page needs its item type"),
        (lambda: api.validate({}, Page), r"validate\(\): Page needs its item type"),
        (lambda: api.normalize({}, Page), r"normalize\(\): Page needs its item type"),
        (
            lambda: api.structure({}, "Completion"),
            r"got the string 'Completion' \(pass lms_schema.Completion, the class\)",
        ),
        (lambda: api.validate({}, "User"), r"validate\(\): .* got the string 'User'"),
        (lambda: api.structure({}, "Nothing"), r"got the string 'Nothing'\Z"),
        (lambda: api.structure({}, 5), rf"expected a model class \({MODEL_CLASSES}"),
        (lambda: api.structure({}, dict), r"got the class builtins.dict"),
        (lambda: api.structure({}, [Completion]), r"got list \[<class"),
        (lambda: api.structure({}, list[Completion]), r"got list\[lms_schema.Completion\]"),
        (lambda: api.structure({}, Any), r"got typing.Any"),
        (
            lambda: api.structure({}, Page[int]),
            r"the item type of Page must be a model class, not the class builtins.int",
        ),
        (lambda: api.structure({}, Page[Any]), r"Page must be a model class, not typing.Any"),
        (
            lambda: api.loads({"id": "x"}, Completion),
            r"loads\(\) takes JSON text \(bytes, bytearray, memoryview or str\), not dict: "
            r"use structure\(\) for decoded data",
        ),
        (lambda: api.loads(None, Completion), r"loads\(\) takes JSON text .*, not NoneType\Z"),
        (lambda: api.loads(123, Completion), r"not int\Z"),
        (
            lambda: api.structure({}, Completion, forbid_unknown_keys="yes"),
            r"forbid_unknown_keys must be True or False, not str",
        ),
        (
            lambda: api.loads(COMPLETION, Completion, forbid_unknown_keys=1),
            r"loads\(\): forbid_unknown_keys must be True or False, not int",
        ),
        (lambda: api.dumps({"id": 1}), r"dumps\(\) takes a model instance .*, not dict"),
        (lambda: api.unstructure(3), r"unstructure\(\) takes a model instance .*, not int"),
        (
            lambda: api.normalize({}, Completion, policy={"rounding": "floor"}),
            r"policy must be a NormalizationPolicy, not dict",
        ),
    ],
)
def test_programming_mistakes_are_type_errors(call: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message) as caught:
        call()
    assert not isinstance(caught.value, ValidationError)


def test_loads_of_bad_json_text_is_still_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        lms_schema.loads(b"{", Completion)
    assert [i.code for i in caught.value.issues] == ["invalid_json"]


def test_loads_takes_every_kind_of_json_text() -> None:
    expected = lms_schema.loads(COMPLETION, Completion)
    for data in (COMPLETION.decode(), bytearray(COMPLETION), memoryview(COMPLETION)):
        assert lms_schema.loads(data, Completion) == expected


def test_keyword_arguments_are_spelled_out() -> None:
    for function in (lms_schema.loads, lms_schema.structure):
        parameters = inspect.signature(function).parameters
        assert list(parameters) == [*list(parameters)[:2], "forbid_unknown_keys"]
        keyword = parameters["forbid_unknown_keys"]
        assert keyword.kind is inspect.Parameter.KEYWORD_ONLY
        assert keyword.default is False
        assert all(p.kind is not inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    with pytest.raises(TypeError, match="unexpected keyword argument 'forbid_unknown'"):
        lms_schema.loads(COMPLETION, Completion, forbid_unknown=True)  # type: ignore[call-arg]


# -- wire order ----------------------------------------------------------------------------


_OWN = {
    "User": ["first_name", "last_name", "middle_name", "email_address", "phone_number", "status"],
    "Completion": [
        "user", "course", "content", "score", "grade", "started_at", "completed_at",
        "time_duration",
    ],
    "Enrollment": ["user", "course", "start_date", "completion"],
}  # fmt: skip


@pytest.mark.parametrize("cls", [*MODELS, *(c.__mro__[1] for c in MODELS)], ids=str)
def test_fields_are_in_wire_order(cls: type) -> None:
    names = [a.name for a in attrs.fields(cls)]
    assert tuple(names[:5]) == BASE_KEYS
    name = cls.__name__.removeprefix("Partial")
    if name in _OWN:
        assert names[5:] == _OWN[name]
    # the full model lists the partial model's own fields in the same order
    partial = getattr(lms_schema, "Partial" + name)
    assert names == [a.name for a in attrs.fields(partial)]


def test_asdict_repr_and_issues_follow_wire_order() -> None:
    completion = lms_schema.loads(COMPLETION, Completion)
    assert list(attrs.asdict(completion))[:6] == [*BASE_KEYS, "user"]
    text = repr(completion)
    positions = [text.index(f"{name}=") for name in ("id", "custom_fields", "raw_data", "user")]
    assert positions == sorted(positions)
    bad = {
        "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "remote_id": None,
        "modified_at": "<string>",
        "custom_fields": None,
        "user": {"status": 1},
        "course": {"categories": [UUID_TEXT, UUID_TEXT.upper(), "x"]},
    }
    with pytest.raises(ValidationError) as caught:
        lms_schema.structure(bad, Completion)
    assert str(caught.value) == (
        "3 validation errors\n"
        "  $.modified_at: '<string>' is not an RFC 3339 date-time "
        "(expected YYYY-MM-DDThh:mm:ss[.f]Z) [invalid_datetime]\n"
        "  $.user.status: expected a string or null, got integer [wrong_type]\n"
        "  $.course.categories[2]: 'x' is not a UUID (expected 8-4-4-4-12 hex) [invalid_uuid]"
    )


# -- Duration ------------------------------------------------------------------------------


@given(duration_values())
def test_duration_repr_evaluates_back(duration: Duration) -> None:
    again = eval(repr(duration), {"Duration": Duration})
    assert again == duration
    assert hash(again) == hash(duration)
    assert Duration(str(duration)) == Duration.parse(str(duration)) == duration


def _exact(us: int) -> Duration:
    return Duration(microseconds=us)


_EXACT_US = st.integers(0, 10**15)


@given(_EXACT_US, _EXACT_US)
def test_exact_durations_order_equal_and_hash_like_timedeltas(a: int, b: int) -> None:
    da, db = _exact(a), _exact(b)
    ta, tb = timedelta(microseconds=a), timedelta(microseconds=b)
    for left, right in ((da, db), (da, tb), (ta, db)):
        assert (left < right, left <= right, left > right, left >= right) == (
            a < b, a <= b, a > b, a >= b
        )  # fmt: skip
        assert (left == right) == (a == b)
        assert (left != right) == (a != b)
    assert da == ta and ta == da
    assert hash(da) == hash(ta)
    assert {ta: "x"}[UntypedDuration(microseconds=a)] == "x"
    assert da + db == _exact(a + b) == da + tb == ta + db


@given(st.lists(_EXACT_US, max_size=10))
def test_exact_durations_sort(values: list[int]) -> None:
    assert sorted(map(_exact, values)) == list(map(_exact, sorted(values)))


def test_duration_examples() -> None:
    assert Duration("PT75M") == Duration("PT1H15M") == timedelta(hours=1, minutes=15)
    assert repr(Duration("PT36H")) == "Duration('P1DT12H')"
    assert Duration("P2W") == Duration(microseconds=14 * 86_400 * 10**6)
    assert Duration("PT1H") < Duration("P1D") < timedelta(days=2)
    assert max(Duration("PT1H"), timedelta(minutes=59)) == Duration("PT1H")
    assert Duration("P1M") < Duration("P1Y") == Duration("P12M")
    assert Duration("P1Y") + Duration("P1M") == Duration("P1Y1M")
    assert Duration("P1M") + Duration("PT1H") == Duration(months=1, microseconds=3600 * 10**6)
    assert Duration("PT1H") + timedelta(minutes=30) == Duration("PT1H30M")
    assert timedelta(minutes=30) + Duration("PT1H") == Duration("PT1H30M")
    assert isinstance(timedelta(minutes=30) + Duration("PT1H"), Duration)
    start = datetime(2000, 1, 31, tzinfo=UTC)
    assert (
        start + Duration("P1M")
        == Duration("P1M").add_to(start)
        == datetime(2000, 2, 29, tzinfo=UTC)
    )
    assert Duration.from_timedelta(timedelta(hours=1)) == Duration("PT1H")
    assert Duration("P1M") != timedelta(days=30)
    assert Duration(months=Decimal("1.5")) == Duration("P1.5M")


@pytest.mark.parametrize(
    ("a", "b"),
    [("P1M", "PT1H"), ("P1Y", "P365D"), ("P1MT1H", "P1M"), ("PT0S", "P1M1D"), ("P1M", "P1D")],
)
def test_ordering_nominal_against_exact_raises(a: str, b: str) -> None:
    message = r"cannot order .* years and months have no fixed length in days"
    for left, right in ((Duration(a), Duration(b)), (Duration(b), Duration(a))):
        with pytest.raises(TypeError, match=message):
            _ = left < right
        with pytest.raises(TypeError, match=message):
            _ = left <= right
        with pytest.raises(TypeError, match=message):
            _ = left > right
        with pytest.raises(TypeError, match=message):
            _ = left >= right
    if Duration(b).is_exact:
        with pytest.raises(TypeError, match=message):
            _ = Duration(a) < Duration(b).to_timedelta()
        with pytest.raises(TypeError, match=message):
            _ = Duration(b).to_timedelta() < Duration(a)
    assert Duration(a) != Duration(b)  # equality never raises


def test_ordering_against_other_types_is_the_usual_type_error() -> None:
    with pytest.raises(TypeError, match="not supported between instances of 'Duration' and 'int'"):
        _ = Duration("PT1H") < 5
    with pytest.raises(TypeError, match="unsupported operand"):
        _ = UntypedDuration("PT1H") + 5


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: UntypedDuration(5), TypeError, r"Duration\(\) takes ISO 8601 text .* not int"),
        (lambda: UntypedDuration(timedelta(1)), TypeError, r"use Duration.from_timedelta\(\)"),
        (lambda: Duration("PT1H", months=1), TypeError, "either the text or months="),
        (lambda: Duration("pt1h"), DurationError, "designators must be upper-case"),
        (
            lambda: UntypedDuration.parse(b"PT1H"),
            TypeError,
            r"Duration.parse\(\) takes a str, not bytes",
        ),
        (
            lambda: Duration("P999999999Y") + Duration("P1M"),
            DurationError,
            "out of range",
        ),
        (
            lambda: Duration("P0.5M") + Duration("PT1H"),
            DurationError,
            "fractional months cannot be combined",
        ),
        (lambda: Duration("PT1H") + timedelta(hours=-2), DurationError, "cannot be negative"),
    ],
)
def test_duration_misuse(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_total_seconds_is_a_float_and_microseconds_is_exact() -> None:
    duration = Duration("P99999DT0.000001S")
    assert duration.total_seconds() == 8639913600.000002  # the float nearest the value
    assert duration.microseconds == 8_639_913_600_000_001  # exact
    assert duration.to_timedelta() == timedelta(days=99999, microseconds=1)
    assert Fraction(duration.microseconds, 10**6) == Fraction("8639913600.000001")


# -- ABSENT, Page, Report ------------------------------------------------------------------


def test_absent_is_falsy_and_prints_as_absent() -> None:
    assert not ABSENT
    assert str(ABSENT) == repr(ABSENT) == f"{ABSENT}" == "ABSENT"
    assert f"[{ABSENT:>8}]" == "[  ABSENT]"
    assert "%s" % ABSENT == "ABSENT"  # noqa: UP031 - the logging style


def test_value_or_none() -> None:
    completion = lms_schema.structure(
        {
            "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
            "remote_id": None,
            "modified_at": "2021-10-16T00:00:00Z",
            "custom_fields": None,
            "score": None,
            "grade": "PASS",
        },
        Completion,
    )
    assert completion.started_at is ABSENT
    assert value_or_none(completion.started_at) is None
    assert value_or_none(completion.score) is None
    assert value_or_none(completion.grade) is lms_schema.Grade.PASS
    assert value_or_none(0) == 0  # falsy values are values
    assert value_or_none("") == ""


def test_page_is_a_sequence_of_its_items() -> None:
    page = lms_schema.loads(PAGE, Page[Completion])
    assert len(page) == len(page.items) == 2
    assert list(page) == page.items
    assert [c.id for c in page] == [c.id for c in page.items]
    empty = Page[User](cursor=None, page_size=0, items=[])
    assert len(empty) == 0 and not empty and list(empty) == []


@given(models(Page[User]))
def test_page_len_and_iteration(page: Page[User]) -> None:
    assert len(page) == len(page.items)
    assert list(page) == page.items


def test_report_repr_and_str() -> None:
    report = lms_schema.validate({"id": "x"}, Completion)
    assert repr(report) == "<Report ok=False, 4 errors, 0 warnings, value=None>"
    assert str(report).splitlines()[:2] == [
        "<Report ok=False, 4 errors, 0 warnings, value=None>",
        "  error: $.id: 'x' is not a UUID (expected 8-4-4-4-12 hex) [invalid_uuid]",
    ]
    good = lms_schema.validate(_payload(), Completion)
    assert re.fullmatch(
        r"<Report ok=True, 0 errors, 1 warning, value=Completion\(id=UUID\('.*'\), .*\)>",
        repr(good),
    )
    assert str(good).splitlines()[1].startswith("  warning: $.x: unknown key 'x'")


def _payload() -> dict[str, Any]:
    import orjson

    payload: dict[str, Any] = orjson.loads(COMPLETION)
    payload["x"] = 1
    return payload


# -- documentation of the public names -----------------------------------------------------


def test_every_public_name_has_a_docstring() -> None:
    undocumented = []
    for name in lms_schema.__all__:
        obj = getattr(lms_schema, name)
        if callable(obj) and not (inspect.getdoc(obj) or "").strip():
            undocumented.append(name)
        if isinstance(obj, type):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or (
                    not callable(member)
                    and not isinstance(member, property | classmethod | staticmethod)
                ):
                    continue
                if not (inspect.getdoc(getattr(obj, attr)) or "").strip():
                    undocumented.append(f"{name}.{attr}")
    assert undocumented == []


def test_every_public_name_has_a_docstring_in_the_api_reference() -> None:
    # what mkdocstrings renders (docs/api.md): griffe reads the source, constants included
    import griffe

    package = griffe.load("lms_schema", search_paths=[str(ROOT)], resolve_aliases=True)
    missing = [
        name
        for name in lms_schema.__all__
        if not ((doc := package[name].docstring) is not None and doc.value.strip())
    ]
    assert missing == []


def test_partial_completion_is_exported() -> None:
    assert PartialCompletion.__module__ == "lms_schema"


@pytest.mark.parametrize(("depth", "ok"), [(500, True), (1024, False), (5000, False)])
def test_surrogate_fallback_nests_as_deep_as_orjson(depth: int, ok: bool) -> None:
    # a lone surrogate sends loads() to the standard library's json, which on Python 3.13
    # reads 5000 levels; it keeps (at most) orjson's limit of 1024 arrays and objects
    from lms_schema._values.jsonvalue import decode
    from lms_schema._values.leaf import FieldError

    data = b'{"a": "\\ud800", "b": ' + b"[" * depth + b"]" * depth + b"}"
    orjson_data = b'{"b": ' + b"[" * depth + b"]" * depth + b"}"
    if ok:
        assert decode(data)["a"] == "\ud800"
        decode(orjson_data)
    else:
        for raw in (data, orjson_data):
            with pytest.raises(FieldError, match="not valid JSON"):
                decode(raw)
