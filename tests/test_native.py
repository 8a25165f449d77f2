"""The native builders (``lms_schema._gen._native``, C) against the generated Python they replace.

Every generated model function exists twice: as Python (``native=False``) and as a row
interpreter in C (``native=True``, the default where the module is built). For the same
payload both must give the same outcome: an equal value of the same type with the same
canonical form, or both decline; and, tracking warnings, the same warnings. Five families:
structure from dicts, ``validate()``'s checker (warnings), both from bytes through the
msgspec mirrors, and ``validate()``'s top level, which explains the fields that fail (the
same issues, in the same order). Payloads: valid, messy and mutated ones from the strategies of
``tests/test_fast_path.py``. The leaves get exhaustive tests of their own (every odd
character at every position of an id and of the three date-time shapes read in C).

The rest of the suite (the fast-path, mirror, validate and command-line tests) runs on the
native builders; ``.ci/run`` runs the whole suite once more with ``LMS_SCHEMA_PURE_PYTHON=1``,
on the Python.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import attrs
import msgspec
import orjson
import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from test_fast_path import _BASE, _ODD_CHARACTERS, _cases, _mutated, _with_class

from lms_schema import (
    Completion,
    Content,
    Course,
    Page,
    PartialContent,
    PartialCourse,
    PartialEnrollment,
    PartialUser,
    User,
    validate,
)
from lms_schema import strategies as lst
from lms_schema._convert.converter import converter
from lms_schema._gen import native
from lms_schema._gen.canonical import CanonicalBuilder
from lms_schema._gen.declines import record_declines
from lms_schema._gen.fast import DUMP_OPTIONS, Declined, StructureBuilder, _UnstructureBuilder
from lms_schema._gen.mirror import _MirrorBuilder
from lms_schema._gen.validator import INVALID, ValidateBuilder
from lms_schema._models.fields import Kind, item_of
from lms_schema._normalize import _DEFAULT_ENGINE, Normalized, lenient_normalize
from lms_schema._values import match_common_datetime, match_uuid_text
from lms_schema._values.datetimes import format_datetime

_NATIVE = native.module()


def test_every_kind_has_an_operation() -> None:
    """The table of operations covers the field analysis' kinds, each a constant of the C
    module (a new kind without one would be a KeyError when its model is generated)."""
    assert set(native.OPERATIONS) == set(Kind)
    assert {native.operation(kind) for kind in Kind} == {
        getattr(_NATIVE, name) for name in dir(_NATIVE) if name.startswith("OP_")
    }


def test_the_module_is_built() -> None:
    """The suite runs where the package was installed with a C compiler (README): a build
    that silently left the module out would leave the C untested."""
    assert _NATIVE is not None
    assert native.AVAILABLE is not bool(os.environ.get("LMS_SCHEMA_PURE_PYTHON"))


_FAMILIES = ["dicts", "dicts, warnings", "validate", "bytes", "bytes, warnings"]
_BUILT: dict[tuple[Any, bool, str, bool], Any] = {}


def _function(cls: Any, forbid: bool, family: str, use_native: bool) -> Any:
    """payload -> (value, warnings) through the generated functions of one family."""
    key = (cls, forbid, family, use_native)
    if key in _BUILT:
        return _BUILT[key]
    track = family.endswith("warnings")
    if family == "validate":  # the top level explains its failing fields: INVALID, issues
        checker: Any = ValidateBuilder(forbid, native=use_native).build(cls)

        def run(payload: Any) -> Any:
            found: list[Any] = []
            value = checker(payload, found)
            if value is INVALID:
                return "invalid", found
            return value, found

    elif family.startswith("dicts"):
        fn: Any = StructureBuilder(forbid, track, native=use_native).build(cls)

        def run(payload: Any) -> Any:
            found: list[Any] = []
            value = fn(payload, found) if track else fn(payload)
            return value, found

    else:
        builder = _MirrorBuilder(forbid, msgspec, track_warnings=track, native=use_native)
        fn = builder.build_mirror(cls)
        decode = msgspec.json.Decoder(builder.struct(cls)).decode

        def run(payload: Any) -> Any:
            found: list[Any] = []
            mirror = decode(orjson.dumps(payload))
            value = fn(mirror, found) if track else fn(mirror)
            return value, found

    _BUILT[key] = run
    return run


def _outcome(run: Any, payload: Any) -> Any:
    try:
        value, found = run(payload)
    except Exception:  # noqa: BLE001 - any failure is declining
        return "declined"
    if value == "invalid":
        return found
    return (type(value), value, converter.unstructure(value), found)


def _assert_same(cls: Any, payload: Any, forbid: bool) -> None:
    for family in _FAMILIES:
        if family.startswith("bytes"):
            try:
                orjson.dumps(payload)
            except TypeError:  # not JSON (a set, a non-str key): no bytes to read
                continue
        python = _outcome(_function(cls, forbid, family, False), payload)
        made = _outcome(_function(cls, forbid, family, True), payload)
        note(f"{family}: python {python!r}")
        assert made == python, family


@given(_cases(), st.booleans())
def test_valid_payloads(case: tuple[Any, Any], forbid: bool) -> None:
    _assert_same(*case, forbid)


@given(_mutated(), st.booleans())
def test_mutated_payloads(case: tuple[Any, Any], forbid: bool) -> None:
    _assert_same(*case, forbid)


@given(_with_class(lst.messy_payloads), st.booleans())
def test_messy_payloads(case: tuple[Any, Any], forbid: bool) -> None:
    _assert_same(*case, forbid)


@given(_with_class(lst.invalid_payloads), st.booleans())
def test_invalid_payloads(case: tuple[Any, tuple[Any, str]], forbid: bool) -> None:
    cls, (payload, _) = case
    _assert_same(cls, payload, forbid)


@pytest.mark.parametrize("cls", [Completion, User, Course, Content])
def test_models_get_native_builders_and_pages_python(cls: Any) -> None:
    """Models built slot by slot get a native builder; ``Page`` (built by its class) keeps
    the generated Python, calling the items' builder."""
    made: Any
    for family in ("dicts", "bytes"):
        if family == "dicts":
            made = StructureBuilder(False, native=True).build(cls)
            page = StructureBuilder(False, native=True).build(Page[cls])
        else:
            made = _MirrorBuilder(False, msgspec, native=True).build_mirror(cls)
            page = _MirrorBuilder(False, msgspec, native=True).build_mirror(Page[cls])
        assert type(made) is _NATIVE.Builder
        assert made.target is cls
        assert [row[0] for row in made.fields] == [a.name for a in cls.__attrs_attrs__]
        assert (
            repr(made)
            == f"<native builder {'mirror of ' if family == 'bytes' else ''}{cls.__name__}>"
        )
        assert type(page).__name__ == "function"


# -- leaves -------------------------------------------------------------------------------


def _python_datetime(text: str) -> Any:
    """What the generated Python does with a date-time of the common shapes (the three UTC
    shapes of its shortcut, and what match_common_datetime matches): fromisoformat (None: it
    raises, a decline); "other": not one of them (the general parser's)."""
    shaped = (len(text) == 20 and text[4::3] == "--T::Z") or (
        text[4:20:3] == "--T::." and text[-1] == "Z" and len(text) in (24, 27)
    )
    if not shaped and match_common_datetime(text) is None:
        return "other"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _native_datetime(text: str) -> Any:
    try:
        got = _NATIVE.datetime_from_text(text)
    except ValueError:
        return None
    return "other" if got is None else got


_DATETIME_BASES = [
    "2025-08-01T10:00:00Z",
    "2025-08-01T10:00:00.123Z",
    "2025-08-01T10:00:00.123456Z",
    "2025-08-01T10:00:00+02:00",
    "2025-08-01T10:00:00.123-05:30",
    "2025-08-01T10:00:00.123456+23:59",
]


@pytest.mark.parametrize("base", _DATETIME_BASES)
def test_datetime_shapes_every_character_everywhere(base: str) -> None:
    for position in range(len(base)):
        for char in [*_ODD_CHARACTERS, "-", ":", "T", "Z", "."]:
            text = base[:position] + char + base[position + 1 :]
            expected = _python_datetime(text)
            got = _native_datetime(text)
            assert got == expected, text
            if isinstance(got, datetime):
                assert (got.tzinfo, got.microsecond) == (expected.tzinfo, expected.microsecond)
        for text in (
            base[:position] + base[position + 1 :],
            base[:position] + "0" + base[position:],
        ):
            assert _native_datetime(text) == _python_datetime(text), text


@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from([0, 3, 6]),
    st.just("Z")
    | st.builds(
        "{}{:02d}:{:02d}".format, st.sampled_from("+-"), st.integers(0, 23), st.integers(0, 59)
    ),
)
def test_datetime_values(when: datetime, digits: int, offset: str) -> None:
    text = f"{when.year:04d}" + when.strftime("-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{when.microsecond:06d}"[:digits]
    got = _native_datetime(text + offset)
    expected = datetime.fromisoformat(text + offset)
    assert got == _python_datetime(text + offset) == expected
    assert (got.tzinfo, got.microsecond) == (expected.tzinfo, expected.microsecond)


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999Z", "2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z",
        "2025-00-01T00:00:00Z", "2025-01-00T00:00:00Z", "2025-01-01T24:00:00Z",
        "2025-01-01T23:60:00Z", "2025-01-01T23:59:60Z", "2025-01-01T00:00:00.000Z",
        "2025-01-01T00:00:00.1234Z", "2025-01-01t00:00:00Z", "2025-01-01T00:00:00z",
        "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00-00:00", "2025-01-01T00:00:00+24:00",
        "2025-01-01T00:00:00+23:60", "2025-01-01T00:00:00+2:00", "2025-01-01T00:00:00+0200",
        "2024-02-29T23:59:59.999999-23:59", "2023-02-29T00:00:00+01:00",
        "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01",
    ],
)  # fmt: skip
def test_datetime_edges(text: str) -> None:
    got, expected = _native_datetime(text), _python_datetime(text)
    assert got == expected
    if isinstance(got, datetime):
        assert (got.tzinfo, got.utcoffset()) == (expected.tzinfo, expected.utcoffset())


_IDS = ["3c90c3cc-0d44-4b50-8888-8dd25736052a", "3C90C3CC-0D44-4B50-8888-8DD25736052A"]


def _python_uuid(text: str) -> UUID | None:
    return UUID(text) if match_uuid_text(text) is not None else None


def _native_uuid(text: Any) -> UUID | None:
    try:
        got = _NATIVE.uuid_from_text(text)
    except Declined:
        return None
    assert type(got) is UUID
    assert got.is_safe is UUID(int=0).is_safe
    return got


@pytest.mark.parametrize("base", _IDS)
def test_ids_every_character_everywhere(base: str) -> None:
    for position in range(len(base)):
        for char in [*_ODD_CHARACTERS, "-", "g", "G"]:
            text = base[:position] + char + base[position + 1 :]
            assert _native_uuid(text) == _python_uuid(text), text
        for text in (
            base[:position] + base[position + 1 :],
            base[:position] + "0" + base[position:],
        ):
            assert _native_uuid(text) is None
    for text in (base.replace("-", ""), "{" + base + "}", "urn:uuid:" + base, base + " "):
        assert _native_uuid(text) is None
    assert _native_uuid(None) is None
    assert _native_uuid(b"3c90c3cc-0d44-4b50-8888-8dd25736052a") is None


@given(st.uuids(), st.booleans())
def test_ids(value: UUID, upper: bool) -> None:
    text = str(value).upper() if upper else str(value)
    got = _native_uuid(text)
    assert got == value
    assert got is not None and (got.int, str(got), hash(got)) == (
        value.int,
        str(value),
        hash(value),
    )


# -- the builder itself -------------------------------------------------------------------


def _row(**changes: Any) -> tuple[Any, ...]:
    row = {
        "name": "id", "where": "Completion.id", "op": _NATIVE.OP_UUID, "flags": _NATIVE.F_REQUIRED,
        "fn": None, "extra1": None, "extra2": None, "descr": native.descriptor(Completion, "id"),
    }  # fmt: skip
    row.update(changes)
    return tuple(row.values())


def test_bad_rows_are_type_errors() -> None:
    with pytest.raises(TypeError, match="not a settable descriptor"):
        _NATIVE.Builder(Completion, (_row(descr=42),), 0, "Completion")
    with pytest.raises(ValueError, match="unknown operation 99"):
        _NATIVE.Builder(Completion, (_row(op=99),), 0, "Completion")
    with pytest.raises(TypeError, match="the members must be a dict"):
        _NATIVE.Builder(Completion, (_row(op=_NATIVE.OP_ENUM, extra1=[]),), 0, "Completion")
    with pytest.raises(TypeError, match="a field is"):
        _NATIVE.Builder(Completion, (("id",),), 0, "Completion")
    with pytest.raises(TypeError):
        _NATIVE.Builder("Completion", (), 0, "Completion")


def test_calls_with_the_wrong_arguments_are_type_errors() -> None:
    made = _NATIVE.Builder(Completion, (), 0, "Completion")
    tracked = _NATIVE.Builder(Completion, (), _NATIVE.B_TRACK, "Completion")
    with pytest.raises(TypeError, match="takes 1 positional"):
        made({}, [])
    with pytest.raises(TypeError, match="takes 1 positional"):
        made(d={})
    with pytest.raises(TypeError, match="takes 2 positional"):
        tracked({})
    with pytest.raises(TypeError, match="the warnings must be a list"):
        tracked({}, ())
    with pytest.raises(Declined, match="Completion: not an object"):
        made([])


def test_unresolved_names_are_key_errors() -> None:
    made = _NATIVE.Builder(Completion, (_row(op=_NATIVE.OP_OBJECT, fn="nowhere"),), 0, "Completion")
    with pytest.raises(KeyError, match="nowhere"):
        made.resolve({})
    with pytest.raises(TypeError):
        made.resolve([])


def test_declines_name_the_field() -> None:
    fn = StructureBuilder(False, native=True).build(Completion)
    with pytest.raises(Declined, match=r"^Completion\.id: not a UUID in the 8-4-4-4-12 form$"):
        fn({**_BASE, "id": "x"})
    with pytest.raises(Declined, match=r"^Completion\.remote_id: missing$"):
        fn({k: v for k, v in _BASE.items() if k != "remote_id"})
    with pytest.raises(Declined, match=r"^Completion\.score: not a 64-bit integer$"):
        fn({**_BASE, "score": 2**63})
    strict = StructureBuilder(True, native=True).build(Completion)
    with pytest.raises(Declined, match=r"^Completion: unknown keys$"):
        strict({**_BASE, "extra": 1})


def test_pure_python_by_environment() -> None:
    code = (
        "from lms_schema._gen import native; from lms_schema._gen.fast import structurer;"
        "from lms_schema import Completion;"
        "print(native.AVAILABLE, type(structurer(Completion)).__name__)"
    )
    env = {**os.environ, "LMS_SCHEMA_PURE_PYTHON": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "function"]
    env.pop("LMS_SCHEMA_PURE_PYTHON")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "Builder"]


# -- normalize(): the canonical mode ------------------------------------------------------


_CANONICAL: dict[Any, tuple[Any, Any, Any]] = {}


def _canonical_functions(cls: Any) -> tuple[Any, Any, Any]:
    """(native function, generated Python function, readers) of normalize() for ``cls``
    (built here: with ``LMS_SCHEMA_PURE_PYTHON=1`` normalize() has no native function)."""
    if cls not in _CANONICAL:
        fast = _DEFAULT_ENGINE.fast.get(cls) or _DEFAULT_ENGINE.canonical(cls)
        assert fast is not None
        builder = CanonicalBuilder()
        python = builder.build(cls)
        numbers = {field.name: i for i, field in enumerate(builder.repaired)}
        made = CanonicalBuilder(native=True, readers=numbers).build(cls)
        assert tuple(builder.repaired) == fast[2].repaired  # the readers' order
        _CANONICAL[cls] = (made, python, fast[1])
    return _CANONICAL[cls]


def _parts(got: Any) -> tuple[Any, Any, list[Any]]:
    """(value, copy, fixes) of what normalize()'s native builder returns: normalize()'s
    result itself when it makes at most one fix, else that triple (fixes in field order)."""
    if type(got) is Normalized:
        assert got.errors == ()
        return got.value, got.payload, list(got.fixes)
    value, copy, fixes = got
    assert len(fixes) > 1
    return value, copy, fixes


@given(st.sampled_from([Completion, User, Course, Content]).flatmap(lst.models))
def test_canonical_payloads_stay_native(model: Any) -> None:
    """What unstructure() writes is canonical but for open-enum values that are lenient
    spellings of a member (their readers repair them): the native builder gives the lenient
    walk's answer, the model itself and a copy equal to the payload when that has no fix,
    and declines only where the Python does too."""
    cls = type(model)
    payload = converter.unstructure(model)
    made, python, readers = _canonical_functions(cls)
    assert type(made) is _NATIVE.Builder and python is not None
    try:
        value, copy, fixes = _parts(made(payload, readers))
    except Declined:
        with pytest.raises(Exception):  # noqa: B017 - any decline
            python(payload, readers)
        return
    expected = lenient_normalize(payload, cls)
    assert (value, tuple(fixes)) == (expected.value, expected.fixes)
    assert repr(copy) == repr(expected.payload) and copy is not payload
    if not fixes:
        assert value == model and repr(copy) == repr(payload)


@given(_mutated() | _with_class(lst.messy_payloads))
def test_canonical_mode_agrees_with_the_lenient_walk(case: tuple[Any, Any]) -> None:
    """Whenever the native builder answers (it hands a top-level value that is not canonical
    to the field's reader, as the lenient walk does), it gives the lenient walk's value,
    payload and fixes."""
    cls, payload = case
    if item_of(cls) is not None:
        return  # a page's function is the generated Python (its items' are native)
    made, _, readers = _canonical_functions(cls)
    try:
        value, copy, fixes = _parts(made(payload, readers))
    except Exception:  # noqa: BLE001 - declining is allowed
        return
    expected = lenient_normalize(payload, cls)
    fast = _DEFAULT_ENGINE.fast[cls]
    assert fast is not None
    fast[2].in_payload_order(payload, fixes)
    assert (value, tuple(fixes)) == (expected.value, expected.fixes)
    assert repr(copy) == repr(expected.payload)


# -- unstructure() and dumps(): the writers -----------------------------------------------

_ODD_VALUES = [True, 1.5, "text", 7, None, ["x"], {"a": 1}, UUID(int=5), datetime(2020, 1, 1)]


_WRITERS: dict[tuple[Any, bool], tuple[Any, Any]] = {}


def _writers(cls: Any, for_json: bool) -> tuple[Any, Any]:
    """(native writer, generated Python writer) of ``cls``."""
    key = (cls, for_json)
    if key not in _WRITERS:
        _WRITERS[key] = (
            _UnstructureBuilder(for_json, native=True).build(cls),
            _UnstructureBuilder(for_json, native=False).build(cls),
        )
    return _WRITERS[key]


def _written(write: Any, model: Any) -> Any:
    try:
        return orjson.dumps(write(model), option=DUMP_OPTIONS | orjson.OPT_PASSTHROUGH_SUBCLASS)
    except Exception as exc:  # noqa: BLE001 - the same failure either way
        return type(exc)


@given(
    st.sampled_from([Completion, User, Course, Content, PartialEnrollment]).flatmap(lst.models),
    st.data(),
)
def test_writers_write_what_the_python_writes(model: Any, data: st.DataObject) -> None:
    """unstructure() and dumps() of any model, and of models holding values of other types
    than their fields' (put there by hand: the generic function writes those)."""
    if data.draw(st.booleans()):
        name = data.draw(st.sampled_from([a.name for a in attrs.fields(type(model))]))
        model = attrs.evolve(model, **{name: data.draw(st.sampled_from(_ODD_VALUES))})
    for for_json in (False, True):
        made, python = _writers(type(model), for_json)
        assert type(made) is _NATIVE.Writer
        if for_json:
            assert _written(made, model) == _written(python, model)
        else:
            assert repr(made(model)) == repr(python(model))


@pytest.mark.parametrize("micro", [0, 1, 10, 120000, 999999])
@pytest.mark.parametrize("year", [1, 999, 2025, 9999])
def test_utc_date_times_are_written_as_format_datetime_writes_them(year: int, micro: int) -> None:
    when = datetime(year, 12, 31, 23, 59, 59, micro, tzinfo=UTC)
    model = Completion(
        id=UUID(int=2**128 - 1), remote_id=None, modified_at=when, custom_fields=None
    )
    made, python = _writers(Completion, False)
    assert made(model) == python(model)
    assert made(model)["modified_at"] == format_datetime(when)
    assert made(model)["id"] == "ffffffff-ffff-ffff-ffff-ffffffffffff"


def test_deeply_nested_models_are_a_recursion_error() -> None:
    """Models a program nests deeper than the interpreter's recursion limits: the native
    writer raises RecursionError, as the generated Python does, instead of overflowing the
    C stack. (C calling C counts against the recursion limit on 3.11, against CPython's own
    C recursion limit, 10,000 on a release build, from 3.12 on.)"""
    content = PartialContent(id=UUID(int=1))
    for _ in range(max(sys.getrecursionlimit(), 12_000)):
        course = PartialCourse(id=UUID(int=2), contents=[content])
        content = PartialContent(id=UUID(int=1), courses=[course])
    for for_json in (False, True):
        made, python = _writers(PartialContent, for_json)
        with pytest.raises(RecursionError):
            made(content)
        with pytest.raises(RecursionError):
            python(content)


@pytest.mark.parametrize("micro", [190, 1, 100000, 123400])
def test_canonical_date_times_of_other_shapes_in_expanded_objects_stay_native(micro: int) -> None:
    """format_datetime writes 1 to 6 fraction digits; in an expanded object, where no reader
    repairs, the native walk reads the shapes it has no shortcut for with the Python leaf
    (regression: it declined them, where the generated Python did not)."""
    when = datetime(2000, 1, 1, 0, 0, 0, micro, tzinfo=UTC)
    model = Completion(
        id=UUID(int=0),
        remote_id=None,
        modified_at=when,
        custom_fields=None,
        user=PartialUser(modified_at=when),
    )
    payload = converter.unstructure(model)
    made, _, readers = _canonical_functions(Completion)
    value, copy, fixes = _parts(made(payload, readers))
    assert (value, fixes) == (model, [])
    assert repr(copy) == repr(payload)


class _Dict(dict[str, Any]):
    pass


class _Str(str):
    pass


def _nested(levels: int, inner: Any, key: str = "a") -> Any:
    for _ in range(levels):
        inner = {key: inner} if key else [inner]
    return inner


#: Verbatim JSON objects at the edges of the quick scan made in C (``check_json`` in
#: ``_native.c``), which accepts what it shows to be JSON and hands the rest to the Python.
_VERBATIM = [
    {},
    {"n": 2**63 - 1, "m": -(2**63), "u": 2**64 - 1},
    {"n": 2**64},
    {"n": -(2**63) - 1},
    {"f": 1.5, "z": -0.0, "e": 1e308},
    {"f": float("inf")},
    {"f": float("nan")},
    {"f": -float("inf")},
    {1: "a non-str key"},
    {_Str("k"): "a str subclass key"},
    {"t": (1, 2)},
    {"s": {1}},
    {"b": True, "c": False, "n": None, "s": "text"},
    {"sub": _Dict(a=1)},
    _Dict(a=1),
    {"enum": Kind.UUID},
    {"big": [2**64]},
    _nested(6, 1),
    _nested(7, 1),
    _nested(8, 1),
    _nested(199, 1),
    _nested(200, 1),
    _nested(201, 1),
    {"l": _nested(7, 1, "")},
    {"l": _nested(8, [float("nan")], "")},
    {"l": [1, "a", None, True, 1.0, {"x": [2**64 - 1]}]},
]


@pytest.mark.parametrize("forbid", [False, True])
@pytest.mark.parametrize("value", _VERBATIM, ids=range(len(_VERBATIM)))
def test_verbatim_objects_as_the_python_checks_them(value: Any, forbid: bool) -> None:
    """``custom_fields`` and ``raw_data`` holding them: the same outcome in every family
    (the values that are no JSON are refused by both, the deep ones past the limit too)."""
    for key in ("custom_fields", "raw_data"):
        payload = {**_BASE, key: value}
        for family in _FAMILIES:
            if family.startswith("bytes"):
                try:
                    orjson.dumps(payload)
                except TypeError:  # not JSON: no bytes to read
                    continue
            python = _outcome(_function(Completion, forbid, family, False), payload)
            made = _outcome(_function(Completion, forbid, family, True), payload)
            assert made == python, (key, family)


@pytest.mark.parametrize("value", _VERBATIM, ids=range(len(_VERBATIM)))
def test_verbatim_objects_in_the_canonical_walk(value: Any) -> None:
    made, python, readers = _canonical_functions(Completion)
    payload = {**converter.unstructure(converter.structure(_BASE, Completion)), "raw_data": value}

    def outcome(function: Any) -> Any:
        try:
            got = function(payload, readers)
        except Exception as exc:  # noqa: BLE001 - any failure is declining
            return type(exc).__name__
        return got.value if type(got) is Normalized else got[0]

    assert outcome(made) == outcome(python)


#: Values of every kind for each leaf field of a completion: JSON types a field rejects,
#: Python types no JSON decoder makes, and malformed text (ids, date-times, durations).
_ODD_LEAF_VALUES = [
    True,
    1.5,
    7,
    2**64,
    -(2**63) - 1,
    "text",
    "",
    [],
    {},
    (1, 2),
    {1},
    b"bytes",
    UUID(int=5),
    datetime(2020, 1, 1),
    "3c90c3cc0d444b5088888dd25736052a",
    "2016-12-31T23:59:60Z",
    "0000-00-00T00:00:00Z",
    "2025-08-01T10:00:00+0100",
    "-PT1H",
    "pt1h",
]


@pytest.mark.parametrize("name", [f.name for f in attrs.fields(Completion)])
def test_quick_recoveries_give_what_recover_gives(name: str) -> None:
    """``validate()``'s top level makes a leaf field's commonest issues in C without calling
    ``_recover`` (``quick_recovery``), except while declines are recorded, when it calls it:
    the same report both ways, and the generated Python's."""
    python = _function(Completion, False, "validate", False)
    for value in _ODD_LEAF_VALUES:
        payload = {**_BASE, name: value}
        quick = validate(payload, Completion)
        with record_declines() as declines:
            recovered = validate(payload, Completion)
        assert (quick.errors, quick.warnings) == (recovered.errors, recovered.warnings), value
        assert bool(declines) == bool(recovered.errors), value  # _recover notes its decline
        expected = _outcome(python, payload)
        if type(expected) is list:  # invalid: the flags, then the issues
            assert list(quick.errors) == expected[-1], value
