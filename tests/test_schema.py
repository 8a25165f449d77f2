"""``lms_schema.json_schema`` and the strict grammars: the API, the patterns against the parsers,
the list of inexpressible rules kept honest, the command line. Shared helpers live here too
(validators, the field at a JSONPath) and are imported by the other ``test_schema_*`` files."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args
from uuid import UUID

import attrs
import jsonschema
import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lms_schema
import lms_schema._models.models
from lms_schema import (
    ABSENT,
    Absent,
    Completion,
    Course,
    Enrollment,
    ErrorDetail,
    ErrorResponse,
    HTTPValidationError,
    OpenEnum,
    Page,
    PartialContent,
    PartialUser,
    User,
    ValidationError,
    strategies,
)
from lms_schema._models.fields import FieldInfo, Kind, fields_of
from lms_schema._models.models import MODELS
from lms_schema._request.query import QUERIES, CompletionQuery
from lms_schema._schema.grammars import (
    DATETIME_PATTERN,
    DURATION_PATTERN,
    UUID_PATTERN,
    expand_pattern,
)
from lms_schema._schema.inexpressible import INEXPRESSIBLE, Inexpressible
from lms_schema._schema.jsonschema import DIALECT
from lms_schema._schema.openapi import openapi
from lms_schema._values.datetimes import parse_datetime
from lms_schema._values.durations import parse_duration
from lms_schema._values.ids import parse_uuid
from lms_schema._values.leaf import FieldError

ROOT = Path(__file__).parent.parent
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
Validator = Callable[[Any], bool]

# -- a user's own model ------------------------------------------------------------------------
# Defined on first use, not at import: test_fast_path checks that no model has a subclass
# outside the package, and every test module is imported before any test runs.


class Level(OpenEnum):
    """How hard a course is."""

    __slots__ = ()
    BEGINNER = "BEGINNER"
    EXPERT = "EXPERT"


@functools.cache
def custom_models() -> dict[str, type]:
    """``MyCompletion`` (an int64 and a relation of its own) and ``LeveledCourse`` (an open
    enum of its own), subclasses of the package's models."""

    @attrs.frozen(kw_only=True, repr=False)
    class MyCompletion(Completion):
        """A completion with two fields of our own."""

        attempts: int | Absent | None = ABSENT
        certificate: UUID | PartialContent | Absent | None = ABSENT

    @attrs.frozen(kw_only=True, repr=False)
    class LeveledCourse(Course):
        """A course with an open enum of our own."""

        level: Level | Absent | None = ABSENT

    # The base classes' annotations are strings evaluated in lms_schema's model module (their
    # __module__ reads "lms_schema"), so a subclass resolves with that namespace added.
    namespace = {**vars(lms_schema._models.models), **globals()}
    for cls in (MyCompletion, LeveledCourse):
        attrs.resolve_types(cls, globalns=namespace, localns=locals())
    return {"MyCompletion": MyCompletion, "LeveledCourse": LeveledCourse}


def resolve_class(cls: Any) -> Any:
    """A class, or the name of one of :func:`custom_models`."""
    return custom_models()[cls] if isinstance(cls, str) else cls


# -- validators ---------------------------------------------------------------------------------

_COMPILED: dict[tuple[Any, str | None], dict[str, Validator]] = {}


def validators(cls: Any, expand: str | None = None) -> dict[str, Validator]:
    """python-jsonschema and jsonschema-rs, each with format assertion off and on."""
    key = (cls, expand)
    if key not in _COMPILED:
        _COMPILED[key] = validators_of(lms_schema.json_schema(cls, expand=expand))
    return _COMPILED[key]


def validators_of(schema: dict[str, Any]) -> dict[str, Validator]:
    draft = jsonschema.Draft202012Validator
    return {
        "jsonschema": draft(schema).is_valid,
        "jsonschema+formats": draft(schema, format_checker=FORMATS).is_valid,
        "jsonschema-rs": jsonschema_rs.validator_for(schema).is_valid,
        "jsonschema-rs+formats": jsonschema_rs.validator_for(
            schema, validate_formats=True
        ).is_valid,
    }


def verdicts(cls: Any, payload: Any, expand: str | None = None) -> dict[str, bool]:
    return {name: check(payload) for name, check in validators(cls, expand).items()}


# -- the field at a JSONPath ---------------------------------------------------------------------

_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\['((?:[^'\\]|\\.)*)'\]")


def path_parts(path: str) -> list[str | int]:
    assert path.startswith("$")
    parts: list[str | int] = []
    pos = 1
    while pos < len(path):
        m = _PART.match(path, pos)
        assert m is not None, path
        name, index, quoted = m.groups()
        if index is not None:
            parts.append(int(index))
        else:
            parts.append(name if name is not None else re.sub(r"\\(.)", r"\1", quoted))
        pos = m.end()
    return parts


def field_at(cls: Any, payload: Any, path: str) -> tuple[FieldInfo, Any]:
    """The field an issue's path is in (a list element: its list field) and the value there
    (``ABSENT`` for a missing key)."""
    node, owner, kind = payload, cls, None
    for part in path_parts(path):
        if isinstance(part, str):
            assert owner is not None, path
            kind = fields_of(owner).by_name[part]
            node = node.get(part, ABSENT) if type(node) is dict else ABSENT
            owner = None
            if not kind.many and type(node) is dict and kind.kind in (Kind.RELATION, Kind.OBJECT):
                owner = kind.target
        else:
            assert kind is not None and type(node) is list, path
            node = node[part] if part < len(node) else ABSENT
            owner = None
            if type(node) is dict and kind.kind in (Kind.RELATION, Kind.OBJECT):
                owner = kind.target
    assert kind is not None, path
    return kind, node


# -- the API ---------------------------------------------------------------------------------------


def test_dialect_and_shape() -> None:
    schema = lms_schema.json_schema(Completion)
    assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$ref"] == "#/$defs/Completion"
    assert schema["title"] == "Completion"
    assert schema["description"].startswith("A user finished a course or content item")
    definition = schema["$defs"]["Completion"]
    assert definition["required"] == ["id", "remote_id", "modified_at", "custom_fields"]
    assert list(definition["properties"])[:5] == [
        "id",
        "remote_id",
        "modified_at",
        "custom_fields",
        "raw_data",
    ]
    assert definition["properties"]["score"]["anyOf"] == [
        {"$ref": "#/$defs/Int64"},
        {"type": "null"},
    ]
    assert definition["properties"]["user"]["anyOf"] == [
        {"$ref": "#/$defs/UUID"},
        {"$ref": "#/$defs/PartialUser"},
        {"type": "null"},
    ]
    assert "additionalProperties" not in definition  # unknown keys are legal (a warning)
    assert schema["$defs"]["Int64"]["minimum"] == -(2**63)
    assert schema["$defs"]["Int64"]["maximum"] == 2**63 - 1
    grade = schema["$defs"]["Grade"]
    assert grade["type"] == "string"
    assert "enum" not in grade
    assert grade["examples"] == ["A", "B", "C", "D", "F", "PASS", "FAIL", "-"]
    assert schema["$defs"]["UUID"]["format"] == "uuid"
    assert "format" not in schema["$defs"]["DateTime"]
    assert "format" not in schema["$defs"]["Duration"]
    assert schema["$defs"]["Duration"]["maxLength"] == 200


@pytest.mark.parametrize(
    "cls",
    [
        *MODELS,
        PartialUser,
        PartialContent,
        *(Page[m] for m in MODELS),  # type: ignore[valid-type]
        HTTPValidationError,
        ErrorDetail,
        ErrorResponse,
        "MyCompletion",
        "LeveledCourse",
    ],
    ids=str,
)
def test_every_schema_is_a_valid_draft_2020_12_schema(cls: Any) -> None:
    schema = lms_schema.json_schema(resolve_class(cls))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema_rs.validator_for(schema)
    assert json.loads(json.dumps(schema)) == schema  # plain JSON
    refs = set(re.findall(r'"\$ref": "#/\$defs/([^"]+)"', json.dumps(schema)))
    assert refs <= set(schema["$defs"]), refs - set(schema["$defs"])


def test_partial_models_require_nothing() -> None:
    schema = lms_schema.json_schema(PartialUser)
    assert "required" not in schema["$defs"]["PartialUser"]
    assert validators(PartialUser)["jsonschema"]({})


def test_page_and_error_bodies() -> None:
    page = lms_schema.json_schema(Page[User])
    assert page["title"] == "Page[User]"
    assert page["required"] == ["cursor", "page_size", "items"]
    assert page["properties"]["items"]["items"] == {"$ref": "#/$defs/User"}
    body = lms_schema.json_schema(HTTPValidationError)["$defs"]
    assert body["HTTPValidationError"]["required"] == ["detail"]
    assert body["ErrorDetail"]["required"] == ["loc", "msg", "type"]
    assert body["ErrorDetail"]["properties"]["loc"]["items"] == {
        "anyOf": [{"type": "string"}, {"$ref": "#/$defs/Int64"}]
    }
    assert body["ErrorDetail"]["properties"]["input"] == {
        "$ref": "#/$defs/JSONValue",
        "title": "Input",
    }
    good = {"detail": [{"loc": ["query", "page_size", 0], "msg": "bad", "type": "x"}]}
    for name, check in validators(HTTPValidationError).items():
        assert check(good), name
        assert not check({"detail": "not a list"}), name
        assert not check({}), name
        assert not check({"detail": [{"loc": [1.5], "msg": "m", "type": "t"}]}), name
    for name, check in validators(ErrorResponse).items():
        assert check({"detail": "Not found"}), name
        assert not check({"detail": ["Not found"]}), name


def test_custom_models_are_read_like_the_others() -> None:
    schema = lms_schema.json_schema(custom_models()["LeveledCourse"])
    level = schema["$defs"]["Level"]
    assert level["examples"] == ["BEGINNER", "EXPERT"]
    assert level["description"].startswith("How hard a course is.")
    properties = schema["$defs"]["LeveledCourse"]["properties"]
    assert properties["level"]["anyOf"] == [{"$ref": "#/$defs/Level"}, {"type": "null"}]
    mine = lms_schema.json_schema(custom_models()["MyCompletion"])["$defs"]["MyCompletion"]
    mine = mine["properties"]
    assert mine["attempts"]["anyOf"][0] == {"$ref": "#/$defs/Int64"}
    assert mine["certificate"]["anyOf"][:2] == [
        {"$ref": "#/$defs/UUID"},
        {"$ref": "#/$defs/PartialContent"},
    ]


def test_expand_selects_object_or_uuid() -> None:
    schema = lms_schema.json_schema(Completion, expand="user[first_name,last_name],course")
    properties = schema["properties"]
    assert properties["user"]["anyOf"] == [
        {"$ref": "#/$defs/PartialUser", "required": ["first_name", "last_name"]},
        {"type": "null"},
    ]
    assert properties["course"]["anyOf"] == [{"$ref": "#/$defs/PartialCourse"}, {"type": "null"}]
    assert properties["content"]["anyOf"] == [{"$ref": "#/$defs/UUID"}, {"type": "null"}]
    listed = lms_schema.json_schema(Course, expand="instructors[name]")["properties"]
    assert listed["instructors"]["anyOf"][0] == {
        "type": "array",
        "items": {"$ref": "#/$defs/JSONObject", "required": ["name"]},
    }
    assert listed["skills"]["anyOf"][0] == {"type": "array", "items": {"$ref": "#/$defs/UUID"}}
    nothing = lms_schema.json_schema(Enrollment, expand="")["properties"]
    assert nothing["completion"]["anyOf"][0] == {"$ref": "#/$defs/UUID"}
    expand = lms_schema.parse_expand("user", Completion)
    assert lms_schema.json_schema(Completion, expand=expand) == lms_schema.json_schema(
        Completion, expand="user"
    )


def test_bad_arguments() -> None:
    with pytest.raises(ValidationError) as info:
        lms_schema.json_schema(Completion, expand="grade")
    assert info.value.issues[0].code == "unknown_relation"
    with pytest.raises(TypeError):
        lms_schema.json_schema(dict)
    with pytest.raises(TypeError):
        lms_schema.json_schema(Page)
    with pytest.raises(TypeError):
        lms_schema.json_schema(Completion, expand=3)  # type: ignore[arg-type]


def test_descriptions_quote_the_inexpressible_rules() -> None:
    defs = lms_schema.json_schema(Completion)["$defs"]
    assert "`integral_float`" in defs["Int64"]["description"]
    assert "`duration_range`" in defs["Duration"]["description"]
    assert "`json_depth`" in defs["JSONObject"]["description"]
    assert "`completion_cross_field`" in defs["Completion"]["description"]
    assert "`naive_datetime`" in defs["DateTime"]["description"]
    assert "`unknown_language`" not in defs["Completion"]["description"]
    assert "`unknown_language`" in defs["PartialCourse"]["description"]


# -- the grammars against the parsers ----------------------------------------------------------


def _accepts(pattern: str, text: str, max_length: int | None = None) -> bool:
    """JSON Schema's reading of ``{"pattern": p, "not": {"pattern": "\\n"}}`` in Python."""
    if max_length is not None and len(text) > max_length:
        return False
    return re.search(pattern, text) is not None and "\n" not in text


def _parser_code(parse: Callable[[str], object], text: str) -> str | None:
    try:
        parse(text)
    except FieldError as exc:
        return exc.code
    return None


_HOSTILE = st.text(alphabet="PYMWDTHS0123456789.,-+:Zzt \n\uff11", max_size=40)


@given(st.one_of(st.from_regex(UUID_PATTERN), strategies.uuids(), st.text(max_size=40)))
def test_uuid_pattern_is_the_parser(text: str) -> None:
    assert _accepts(UUID_PATTERN, text) == (_parser_code(parse_uuid, text) is None)


def _duration_agrees(text: str) -> None:
    code = _parser_code(parse_duration, text)
    accepted = _accepts(DURATION_PATTERN, text, 200)
    if code is None:
        assert accepted, text
    elif accepted:
        # the one inexpressible duration rule: grammatical, but too large a value
        assert code == "duration_out_of_range", (text, code)


@given(
    st.one_of(
        st.from_regex(DURATION_PATTERN),
        strategies.durations(),
        strategies.durations(strict=False),
        _HOSTILE,
    )
)
def test_duration_pattern_is_the_parser(text: str) -> None:
    _duration_agrees(text)


def test_duration_pattern_on_every_short_text() -> None:
    """Every text of up to 4 characters over the grammar's alphabet (and a few others)."""
    alphabet = "PYMWDTHS0.,-"
    texts = [""]
    for _ in range(4):
        texts = [t + c for t in texts for c in alphabet] + [""]
        for text in texts:
            _duration_agrees("P" + text)


def _datetime_agrees(text: str) -> None:
    code = _parser_code(parse_datetime, text)
    accepted = _accepts(DATETIME_PATTERN, text)
    assert accepted == (code is None), (text, code)


def test_offset_minutes_above_59() -> None:
    """RFC 3339 offsets have minutes 00-59: the pattern and (since issue 16) the parser agree."""
    assert not _accepts(DATETIME_PATTERN, "2015-05-13T15:16:00+10:60")
    assert _parser_code(parse_datetime, "2015-05-13T15:16:00+10:60") == "invalid_datetime"


@given(
    st.one_of(
        st.from_regex(DATETIME_PATTERN),
        strategies.datetimes(),
        st.text(alphabet="0123456789-T:.Zz+t ", max_size=30),
    )
)
def test_datetime_pattern_is_the_parser(text: str) -> None:
    _datetime_agrees(text)


@pytest.mark.parametrize("year", ["0001", "0004", "0100", "0400", "1900", "2000", "2023", "2024"])
def test_datetime_pattern_knows_every_calendar_day(year: str) -> None:
    for month in range(14):
        for day in range(33):
            _datetime_agrees(f"{year}-{month:02d}-{day:02d}T00:00:00Z")


def test_datetime_pattern_on_every_single_character_change() -> None:
    bases = ["2024-02-29T23:59:59.5+05:30", "0001-01-01t00:00:00z", "9999-12-31T23:59:59"]
    for base in bases:
        for index in range(len(base) + 1):
            for char in "0123456789-T:.Zz+t \n":
                _datetime_agrees(base[:index] + char + base[index + 1 :])
                _datetime_agrees(base[:index] + char + base[index:])


@pytest.mark.parametrize("model", [Completion, Enrollment, Course, lms_schema.Content])
@given(data=st.data())
def test_expand_pattern_is_the_parser(model: type, data: st.DataObject) -> None:
    pattern = expand_pattern(model)
    assert pattern is not None
    text = data.draw(
        st.one_of(
            strategies.expands(model),
            st.from_regex(pattern),
            st.text(alphabet="usercoantgiyd_[],", max_size=30),
        )
    )
    try:
        lms_schema.parse_expand(text, model)
        codes: set[str] = set()
    except ValidationError as exc:
        codes = {i.code for i in exc.issues}
    accepted = _accepts(pattern, text)
    if not codes:
        assert accepted, text
    elif accepted:  # the inexpressible part: names given twice
        assert codes <= {"duplicate_relation", "duplicate_field"}, (text, codes)


def test_models_without_relations_have_no_expand_pattern() -> None:
    assert expand_pattern(User) is None


def test_format_assertion_is_really_on() -> None:
    """The format extras are installed, so 'formats on' checks these formats."""
    assert {"date-time", "duration", "uuid"} <= set(FORMATS.checkers)
    draft = jsonschema.Draft202012Validator
    assert not draft({"format": "duration"}, format_checker=FORMATS).is_valid("P1DT")
    assert not draft({"format": "date-time"}, format_checker=FORMATS).is_valid("2025-08-01")
    rs = jsonschema_rs.validator_for({"format": "date-time"}, validate_formats=True)
    assert not rs.is_valid("2025-08-01")


# -- the inexpressible rules -----------------------------------------------------------------------


def _witness_verdicts(rule: Inexpressible) -> tuple[list[str], dict[str, bool]]:
    """lms-schema's codes for the witness, and each validator's verdict."""
    if isinstance(rule.witness[0], type) and issubclass(rule.witness[0], lms_schema.Query):
        query, name, text = rule.witness
        try:
            query.parse({name: text}, strict=True)  # the lint mode: the server ignores it
            codes: list[str] = []
        except ValidationError as exc:
            codes = [i.code for i in exc.issues]
        doc = openapi()
        (endpoint,) = (
            path for path, item in doc["paths"].items()
            if item["get"]["operationId"].startswith("get_lms_completions_")
        )  # fmt: skip
        assert query is CompletionQuery
        (parameter,) = (p for p in doc["paths"][endpoint]["get"]["parameters"] if p["name"] == name)
        return codes, {n: check(text) for n, check in validators_of(parameter["schema"]).items()}
    cls, payload = rule.witness
    report = lms_schema.validate(payload, cls)
    return [i.code for i in (*report.errors, *report.warnings)], verdicts(cls, payload)


@pytest.mark.parametrize("rule", INEXPRESSIBLE, ids=lambda rule: rule.name)
def test_every_inexpressible_rule_is_still_inexpressible(rule: Inexpressible) -> None:
    """lms-schema flags the witness with the rule's code and every validator accepts it. A rule
    the schema learns to express fails here: take it off the list."""
    codes, schema_verdicts = _witness_verdicts(rule)
    assert set(codes) & set(rule.codes), codes
    assert all(schema_verdicts.values()), schema_verdicts
    if rule.severity == "error":
        assert any(c in rule.codes for c in codes)
        assert rule.matches is not None or rule.kinds == ("expand",)
    else:
        assert rule.matches is None


def test_the_error_rules_match_their_witness_issues() -> None:
    for rule in INEXPRESSIBLE:
        if rule.matches is None:
            continue
        cls, payload = rule.witness
        (issue,) = lms_schema.validate(payload, cls).errors
        kind, value = field_at(cls, payload, issue.path)
        assert rule.matches(issue, value, kind), rule.name


def test_docs_render_the_list() -> None:
    docs = (ROOT / "docs" / "schema.md").read_text()
    for rule in INEXPRESSIBLE:
        assert f"`{rule.name}`" in docs, rule.name
        for code in rule.codes:
            assert f"`{code}`" in docs, code


# -- the command line ----------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "lms_schema", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_cli_schema_and_openapi() -> None:
    done = _cli("schema", "--model", "completions", "--expand", "user[first_name]")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == lms_schema.json_schema(Completion, expand="user[first_name]")
    page = _cli("schema", "--model", "Page[course]")
    assert json.loads(page.stdout) == lms_schema.json_schema(Page[Course])
    for name, cls in [("PartialUser", PartialUser), ("httpvalidationerror", HTTPValidationError)]:
        assert json.loads(_cli("schema", "--model", name).stdout) == lms_schema.json_schema(cls)
    mine = _cli("schema", "--model", "test_schema:Level")
    assert mine.returncode == 2  # an open enum, not a model (and tests/ is not on the path)
    document = _cli("openapi")
    assert document.returncode == 0
    assert json.loads(document.stdout) == openapi()


def test_cli_errors() -> None:
    unknown = _cli("schema", "--model", "nope")
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == "lms-schema: unknown model 'nope'\n"
    bad = _cli("schema", "--model", "completion", "--expand", "user,user")
    assert bad.returncode == 2
    assert "[duplicate_relation]" in bad.stderr
    assert _cli("schema").returncode == 2  # --model is required


def test_cli_reads_a_model_of_your_own(tmp_path: Path) -> None:
    (tmp_path / "mymodels.py").write_text(
        "import attrs, lms_schema\n"
        "@attrs.frozen(kw_only=True, repr=False)\n"
        "class Mine(lms_schema.Completion):\n"
        '    """Mine."""\n'
        "    attempts: int | lms_schema.Absent | None = lms_schema.ABSENT\n"
        "import lms_schema._models.models as m\n"
        "attrs.resolve_types(Mine, globalns={**vars(m), **globals()})\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}
    done = subprocess.run(
        [sys.executable, "-m", "lms_schema", "schema", "--model", "mymodels:Mine"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "attempts" in json.loads(done.stdout)["$defs"]["Mine"]["properties"]


def test_json_schema_refuses_unknown_field_types() -> None:
    @attrs.frozen(kw_only=True)
    class Odd(Completion):
        odd: set[int] | Absent = ABSENT

    namespace = {**vars(lms_schema._models.models), **globals()}
    attrs.resolve_types(Odd, globalns=namespace, localns=locals())

    with pytest.raises(TypeError, match=r"Odd\.odd"):
        lms_schema.json_schema(Odd)


def test_query_models_cover_every_model() -> None:
    assert set(QUERIES) == set(MODELS)
    assert get_args(Page[Completion]) == (Completion,)
