"""Hypothesis properties of the request-aware layer.

* ``parse_expand(format_expand(e)) == e`` for generated expansions of every model;
* ``Q.parse(q.to_query_string()) == q`` for generated queries of all fourteen endpoints;
* a (request, response) pair built to agree passes ``validate_exchange`` with no error and no
  request-related warning, and one mutation that breaks the agreement is reported at its path.

The strategies here are small local ones that build wire payloads from the models' own field
types and can aim at a spot (a relation left unexpanded, a selection to break);
test_request_strategies.py repeats the exchange properties with ``lms_schema.strategies``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, get_args, get_origin
from uuid import UUID

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

from lms_schema import (
    CODES,
    Duration,
    Expand,
    Expansion,
    Grade,
    Query,
    Status,
    ValidationError,
    format_expand,
    parse_expand,
    validate_exchange,
)
from lms_schema._exchange import ENDPOINTS, Endpoint
from lms_schema._models.fields import union_args as _union_args
from lms_schema._models.models import MODELS, field_types
from lms_schema._models.relations import relations
from lms_schema._values.absent import Absent, JSONObject
from lms_schema._values.datetimes import format_datetime

HOST = "https://api.bindbee.dev"
RELATIONAL = [m for m in MODELS if relations(m)]
REQUEST_CODES = {
    "not_expanded",
    "unexpected_expansion",
    "missing_selected_field",
    "unselected_field",
    "unrequested_data",
    "missing_requested_data",
    "page_size_mismatch",
    "duplicate_id",
    "page_too_large",
    "filter_mismatch",
}

texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=8)
identifiers = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
uuid_texts = st.uuids().map(str)
timestamps = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(format_datetime)
json_objects = st.dictionaries(
    texts, st.none() | st.booleans() | st.integers(-5, 5) | texts, max_size=3
)


# -- expansions ------------------------------------------------------------------------------


def _selectable(target: type | None) -> st.SearchStrategy[str]:
    if target is None:  # instructors: no model, any field name
        return identifiers
    return st.sampled_from([a.name for a in attrs.fields(target)])


@st.composite
def expands(
    draw: st.DrawFn,
    model: type,
    must: str | None = None,
    must_not: str | None = None,
    must_select: bool = False,
) -> Expand:
    """Expansions of ``model``'s relations, in any order, each with or without a selection;
    ``must`` is included (with a non-empty selection if ``must_select``), ``must_not`` not."""
    table = relations(model)
    allowed = [n for n in table if n != must_not]
    names = draw(st.lists(st.sampled_from(allowed), unique=True)) if allowed else []
    if must is not None and must not in names:
        names.insert(draw(st.integers(0, len(names))), must)
    out = []
    for name in names:
        selection = st.lists(_selectable(table[name].target), unique=True, min_size=1, max_size=4)
        if name == must and must_select:
            fields: list[str] | None = draw(selection)
        else:
            fields = draw(st.none() | selection)
        out.append(Expansion(name, None if fields is None else tuple(fields)))
    return Expand(tuple(out))


@given(st.data())
def test_expand_round_trips(data: st.DataObject) -> None:
    model = data.draw(st.sampled_from(MODELS))
    expand = data.draw(expands(model))
    text = format_expand(expand)
    assert parse_expand(text, model) == expand
    assert format_expand(parse_expand(text, model)) == text


# -- queries -------------------------------------------------------------------------------

offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


def _parameter(query: type[Query], a: attrs.Attribute[Any]) -> st.SearchStrategy[Any]:
    tp = a.type
    (tp,) = (m for m in (_union_args(tp) or (tp,)) if m is not type(None))
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(a.metadata["minimum"], a.metadata["maximum"])
    if tp is Expand:
        return expands(query.model)
    if tp is datetime:
        return st.none() | st.datetimes(
            min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
        )
    if tp in (Grade, Status):
        return st.none() | st.sampled_from(tp.members()) | texts.map(tp)
    if tp is str:
        return st.none() | texts
    if get_origin(tp) is tuple and get_args(tp)[0] is UUID:
        return st.none() | st.lists(st.uuids(), min_size=1, max_size=3).map(tuple)
    items = st.text(
        alphabet=st.characters(exclude_categories=["Cs"], exclude_characters=","),
        min_size=1,
        max_size=5,
    )
    return st.none() | st.lists(items, min_size=1, max_size=3).map(tuple)


@st.composite
def queries(draw: st.DrawFn, query: type[Query]) -> Query:
    return query(**{a.name: draw(_parameter(query, a)) for a in attrs.fields(query)})


@given(st.data())
def test_queries_round_trip(data: st.DataObject) -> None:
    endpoint = data.draw(st.sampled_from(ENDPOINTS))
    query = data.draw(queries(endpoint.query))
    assert endpoint.query.parse(query.to_query_string()) == query
    assert endpoint.query.parse(query.to_params()) == query
    # the canonical spelling draws no warning, so it passes the strict lint too
    assert endpoint.query.parse_issues(query.to_query_string()) == (query, [])
    assert endpoint.query.parse(query.to_query_string(), strict=True) == query


# -- agreeing exchanges ----------------------------------------------------------------------

DURATIONS = ["PT1H15M", "PT45M", "P1D", "PT0S", "P1Y2M", "P2W"]


def _wire(tp: Any) -> st.SearchStrategy[Any]:
    """A valid wire value of a field type (relations inside expanded objects are ids)."""
    members = [m for m in (_union_args(tp) or (tp,)) if m is not Absent]
    options: list[st.SearchStrategy[Any]] = []
    for member in members:
        if member is type(None):
            options.append(st.none())
        elif member is UUID:
            options.append(uuid_texts)
        elif get_origin(member) is list:
            (element,) = get_args(member)
            inner = uuid_texts if _union_args(element) else _wire(element)
            options.append(st.lists(inner, max_size=2))
        elif member is str:
            options.append(texts)
        elif member is int:
            options.append(st.integers(0, 100))
        elif member is datetime:
            options.append(timestamps)
        elif member is Duration:
            options.append(st.sampled_from(DURATIONS))
        elif member in (Grade, Status):
            options.append(st.sampled_from([*map(str, member.members()), "Passed"]))
        elif member == JSONObject:
            options.append(json_objects)
        # an expanded model where an id is enough: handled by the UUID branch
    return st.one_of(options)


@st.composite
def expanded_object(draw: st.DrawFn, target: type | None, expansion: Expansion) -> dict[str, Any]:
    types = field_types(target) if target is not None else {}
    if expansion.fields is None:
        names = draw(st.lists(st.sampled_from(list(types) or ["name"]), unique=True, max_size=4))
    else:
        names = list(expansion.fields)
        if "id" not in names and draw(st.booleans()):
            names.append("id")
    obj = {}
    for name in names:
        if target is None:
            obj[name] = draw(texts)
        elif name == "id":
            obj[name] = draw(uuid_texts)
        else:
            obj[name] = draw(_wire(types[name]))
    return obj


@st.composite
def records(
    draw: st.DrawFn,
    model: type,
    ident: str,
    expand: Expand,
    raw: bool,
    custom: bool,
    force: str | None = None,
) -> dict[str, Any]:
    """A record that agrees with the request; relation ``force`` is present and not empty."""
    record: dict[str, Any] = {
        "id": ident,
        "remote_id": draw(st.none() | texts),
        "modified_at": draw(timestamps),
        "custom_fields": draw(st.none() | json_objects) if custom else None,
    }
    if raw:
        record["raw_data"] = draw(st.none() | json_objects)
    elif draw(st.booleans()):
        record["raw_data"] = None
    for name, relation in relations(model).items():
        expansion = expand.get(name)

        def element(relation: Any = relation, expansion: Expansion | None = expansion) -> Any:
            if expansion is None:
                return draw(uuid_texts)
            return draw(expanded_object(relation.target, expansion))

        state = "value" if name == force else draw(st.sampled_from(["absent", "null", "value"]))
        if state == "null":
            record[name] = None
        elif state == "value":
            if relation.many:
                count = draw(st.integers(1 if name == force else 0, 2))
                record[name] = [element() for _ in range(count)]
            else:
                record[name] = element()
    return record


@attrs.frozen
class Pair:
    endpoint: Endpoint
    url: str
    body: Any
    first: tuple[str | int, ...]  # the path of the first record ((), or ("items", 0))
    first_record: dict[str, Any] | None


@st.composite
def pairs(
    draw: st.DrawFn,
    *,
    models: list[type] = list(MODELS),  # noqa: B006 - never mutated
    expand: st.SearchStrategy[Expand] | None = None,
    raw: bool | None = None,
    force: str | None = None,
    nonempty: bool = False,
    lists_only: bool = False,
    ids_filter: bool | None = None,
) -> Pair:
    """A URL and a 200 body that agree; with ``force`` the first record carries that relation.
    A page has at least one item with ``force`` or ``nonempty``; ``lists_only`` picks list
    endpoints; ``ids_filter`` (None: either) adds an ``ids`` filter the items agree with."""
    model = draw(st.sampled_from(models))
    endpoint = draw(
        st.sampled_from([e for e in ENDPOINTS if e.model is model and not (lists_only and e.by_id)])
    )
    fields = attrs.fields_dict(endpoint.query)
    chosen = (
        draw(expand if expand is not None else expands(model)) if "expand" in fields else Expand()
    )
    include_raw = draw(st.booleans()) if raw is None else raw
    include_custom = draw(st.booleans())
    count = 1 if endpoint.by_id else draw(st.integers(1 if force or nonempty else 0, 3))
    ids = draw(st.lists(uuid_texts, min_size=count, max_size=count, unique=True))
    items = [
        draw(records(model, ident, chosen, include_raw, include_custom, force if i == 0 else None))
        for i, ident in enumerate(ids)
    ]
    arguments: dict[str, Any] = {
        "include_raw_data": include_raw,
        "include_custom_fields": include_custom,
    }
    if "expand" in fields:
        arguments["expand"] = chosen
    path = endpoint.path
    if endpoint.by_id:
        path = path.replace("{id}", draw(uuid_texts))
        body: Any = items[0]
        first: tuple[str | int, ...] = ()
    else:
        arguments["page_size"] = draw(st.integers(max(count, 1), 200))
        wants_ids = draw(st.booleans()) if ids_filter is None else ids_filter
        if ids and wants_ids:  # an ids filter the items agree with
            extra = draw(st.lists(st.uuids(), max_size=2))
            arguments["ids"] = tuple(draw(st.permutations([*map(UUID, ids), *extra])))
        body = {"cursor": draw(st.none() | texts), "page_size": count, "items": items}
        first = ("items", 0)
    query = endpoint.query(**arguments)
    url = f"{HOST}{path}?{query.to_query_string()}"
    return Pair(endpoint, url, body, first, items[0] if items else None)


def _jsonpath(parts: tuple[str | int, ...]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


@given(pairs())
def test_agreeing_exchanges_pass(pair: Pair) -> None:
    report = validate_exchange("GET", pair.url, 200, pair.body)
    assert report.errors == ()
    assert [i for i in report.warnings if i.code in REQUEST_CODES] == []
    assert report.value is not None


@st.composite
def unexpected_expansion(draw: st.DrawFn) -> tuple[Pair, str]:
    model = draw(st.sampled_from(RELATIONAL))
    name = draw(st.sampled_from(list(relations(model))))
    pair = draw(pairs(models=[model], expand=expands(model, must_not=name), force=name))
    return pair, name


@given(unexpected_expansion())
def test_an_expanded_relation_that_was_not_requested(case: tuple[Pair, str]) -> None:
    pair, name = case
    record = pair.first_record
    assert record is not None
    relation = relations(pair.endpoint.model)[name]
    if relation.many:
        record[name][0] = {"id": record[name][0]}
        where = (*pair.first, name, 0)
    else:
        record[name] = {"id": record[name]}
        where = (*pair.first, name)
    report = validate_exchange("GET", pair.url, 200, pair.body)
    assert [(i.path, i.code) for i in report.errors] == [(_jsonpath(where), "unexpected_expansion")]


@st.composite
def left_out_field(draw: st.DrawFn) -> tuple[Pair, str]:
    model = draw(st.sampled_from(RELATIONAL))
    name = draw(st.sampled_from(list(relations(model))))
    pair = draw(
        pairs(models=[model], expand=expands(model, must=name, must_select=True), force=name)
    )
    return pair, name


@given(left_out_field(), st.data())
def test_a_selected_field_left_out(case: tuple[Pair, str], data: st.DataObject) -> None:
    pair, name = case
    record = pair.first_record
    assert record is not None
    query = pair.endpoint.query.parse(pair.url.split("?", 1)[1])
    expansion = query.expand.get(name)  # type: ignore[attr-defined]
    assert expansion is not None and expansion.fields
    field = data.draw(st.sampled_from(expansion.fields))
    relation = relations(pair.endpoint.model)[name]
    if relation.many:
        del record[name][0][field]
        where = (*pair.first, name, 0, field)
    else:
        del record[name][field]
        where = (*pair.first, name, field)
    report = validate_exchange("GET", pair.url, 200, pair.body)
    assert [(i.path, i.code) for i in report.errors] == [
        (_jsonpath(where), "missing_selected_field")
    ]


@given(pairs(nonempty=True, lists_only=True, ids_filter=True), st.uuids())
def test_an_item_outside_the_ids_filter(pair: Pair, other: UUID) -> None:
    assert pair.first_record is not None
    wanted = pair.endpoint.query.parse(pair.url.split("?", 1)[1]).ids  # type: ignore[attr-defined]
    assume(other not in wanted)
    pair.first_record["id"] = str(other)
    report = validate_exchange("GET", pair.url, 200, pair.body)
    assert report.errors == ()
    assert [(i.path, i.code) for i in report.warnings if i.code == "filter_mismatch"] == [
        (_jsonpath((*pair.first, "id")), "filter_mismatch")
    ]


@given(pairs(raw=False, nonempty=True), json_objects)
def test_raw_data_that_was_not_requested(pair: Pair, raw_data: dict[str, Any]) -> None:
    assert pair.first_record is not None
    pair.first_record["raw_data"] = {"key": 1, **raw_data}
    report = validate_exchange("GET", pair.url, 200, pair.body)
    assert report.errors == ()
    assert [(i.path, i.code) for i in report.warnings if i.code in REQUEST_CODES] == [
        (_jsonpath((*pair.first, "raw_data")), "unrequested_data")
    ]


# -- hostile input -------------------------------------------------------------------------

urls = st.one_of(
    st.text(),
    st.builds(lambda rest: "/api/lms/v1/" + rest, st.text()),
    st.builds(
        lambda e, rest: e.path.replace("{id}", "x") + "?" + rest,
        st.sampled_from(ENDPOINTS),
        st.text(),
    ),
)


@given(st.text(max_size=8), urls, st.integers(-1, 1000), st.binary() | st.text())
def test_validate_exchange_never_raises(method: str, url: str, status: int, body: Any) -> None:
    report = validate_exchange(method, url, status, body)
    assert all(i.code in CODES for i in report.issues)


@given(
    st.sampled_from(ENDPOINTS),
    st.text() | st.dictionaries(st.text(), st.text() | st.lists(st.text())),
)
def test_query_parsing_never_raises_but_validation_error(endpoint: Endpoint, query: Any) -> None:
    value, issues = endpoint.query.parse_issues(query)
    assert (value is None) == any(i.severity == "error" for i in issues)
    assert all(i.code in CODES for i in issues)


@given(st.text(max_size=30))
def test_expand_parsing_raises_only_validation_error(text: str) -> None:
    for model in RELATIONAL:
        try:
            expand = parse_expand(text, model)
        except ValidationError as exc:
            assert all(i.code in CODES and i.path == "query.expand" for i in exc.issues)
        else:
            assert format_expand(expand) == text
