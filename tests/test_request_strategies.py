"""The request-aware properties again, with the payloads of ``lms_schema.strategies``.

* ``parse_expand(format_expand(e)) == e`` (and ``format_expand`` gives the text back) for
  the expand texts of ``strategies.expands``;
* an exchange whose body is ``strategies.payloads(..., expand=, include_raw_data=,
  include_custom_fields=)`` of its own request passes ``validate_exchange`` with no error and
  no request-related warning;
* one mutation that breaks the agreement is reported at its path: an expanded relation that
  was not requested, a requested field left out, raw_data present when not requested.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_request_properties import expands as any_expands

from lms_schema import Expand, Expansion, Page, format_expand, parse_expand, validate_exchange
from lms_schema import strategies as lst
from lms_schema._exchange import ENDPOINTS, Endpoint
from lms_schema._models.models import MODELS
from lms_schema._models.relations import relations

HOST = "https://api.bindbee.dev"
#: The mutation properties repeat the local-strategy ones of test_request_properties.py with
#: the (slower) payloads of lms_schema.strategies: a quarter of the profile's budget.
fewer = settings(max_examples=max(10, settings().max_examples // 4))


def local_expands(model: type, **kwargs: Any) -> st.SearchStrategy[Expand]:
    """The local expand strategy without selections on ``instructors``: lms_schema.strategies
    has no instructor model to select fields from (this library accepts any field name)."""
    return any_expands(model, **kwargs).map(
        lambda e: Expand(
            Expansion(x.name, None if x.name == "instructors" else x.fields) for x in e
        )
    )


RELATIONAL = [m for m in MODELS if relations(m)]
REQUEST_CODES = {
    "not_expanded",
    "unexpected_expansion",
    "missing_selected_field",
    "unselected_field",
    "unrequested_data",
    "missing_requested_data",
    "page_too_large",
    "filter_mismatch",
}


@given(st.data())
def test_expand_texts_of_the_strategies_round_trip(data: st.DataObject) -> None:
    model = data.draw(st.sampled_from(RELATIONAL))
    text = data.draw(lst.expands(model))
    expand = parse_expand(text, model)
    assert format_expand(expand) == text
    assert parse_expand(format_expand(expand), model) == expand


def _url(endpoint: Endpoint, expand: Expand, raw: bool, custom: bool, items: int) -> str:
    arguments: dict[str, Any] = {"include_raw_data": raw, "include_custom_fields": custom}
    if "expand" in endpoint.query.__attrs_attrs__.__dict__ or hasattr(endpoint.query(), "expand"):
        arguments["expand"] = expand
    path = endpoint.path.replace("{id}", "018b18ef-c487-703c-afd9-0ca478ccd9d6")
    if not endpoint.by_id:
        arguments["page_size"] = max(items, 1)
    return f"{HOST}{path}?{endpoint.query(**arguments).to_query_string()}"


@st.composite
def exchanges(
    draw: st.DrawFn, models: list[type] | None = None, expand: Any = None, raw: bool | None = None
) -> tuple[Endpoint, str, Any, Expand]:
    """(endpoint, url, body, expand) where the body is drawn from strategies.payloads with the
    request's arguments."""
    model = draw(st.sampled_from(models or list(MODELS)))
    endpoint = draw(st.sampled_from([e for e in ENDPOINTS if e.model is model]))
    if not hasattr(endpoint.query(), "expand"):
        chosen = Expand()
    elif expand is not None:
        chosen = draw(expand)
    else:
        chosen = draw(st.just(Expand()) | lst.expands(model).map(lambda t: parse_expand(t, model)))
    include_raw = draw(st.booleans()) if raw is None else raw
    include_custom = draw(st.booleans())
    cls = model if endpoint.by_id else Page[model]  # type: ignore[valid-type]
    body = draw(
        lst.payloads(
            cls,
            expand=format_expand(chosen),
            include_raw_data=include_raw,
            include_custom_fields=include_custom,
        )
    )
    items = 1 if endpoint.by_id else len(body["items"])
    return endpoint, _url(endpoint, chosen, include_raw, include_custom, items), body, chosen


def _records(endpoint: Endpoint, body: Any) -> list[tuple[dict[str, Any], str]]:
    if endpoint.by_id:
        return [(body, "$")]
    return [(item, f"$.items[{i}]") for i, item in enumerate(body["items"])]


@given(exchanges())
def test_agreeing_exchanges_pass(case: tuple[Endpoint, str, Any, Expand]) -> None:
    _, url, body, _ = case
    report = validate_exchange("GET", url, 200, body)
    assert report.errors == ()
    assert [i for i in report.warnings if i.code in REQUEST_CODES] == []


@st.composite
def with_unrequested_relation(draw: st.DrawFn) -> tuple[Endpoint, str, Any, str]:
    model = draw(st.sampled_from(RELATIONAL))
    name = draw(st.sampled_from(list(relations(model))))
    endpoint, url, body, _ = draw(exchanges([model], expand=local_expands(model, must_not=name)))
    return endpoint, url, body, name


@fewer
@given(with_unrequested_relation(), st.data())
def test_an_expanded_relation_that_was_not_requested(
    case: tuple[Endpoint, str, Any, str], data: st.DataObject
) -> None:
    endpoint, url, body, name = case
    records = _records(endpoint, body)
    assume(records)
    record, where = data.draw(st.sampled_from(records))
    if relations(endpoint.model)[name].many:
        record[name] = [{"id": "018b18ef-c487-703c-afd9-0ca478ccd9d6"}]
        where = f"{where}.{name}[0]"
    else:
        record[name] = {"id": "018b18ef-c487-703c-afd9-0ca478ccd9d6"}
        where = f"{where}.{name}"
    report = validate_exchange("GET", url, 200, body)
    assert [(i.path, i.code) for i in report.errors] == [(where, "unexpected_expansion")]


@st.composite
def with_selected_relation(draw: st.DrawFn) -> tuple[Endpoint, str, Any, str, Expand]:
    model = draw(st.sampled_from(RELATIONAL))
    name = draw(st.sampled_from([n for n, r in relations(model).items() if r.target]))
    expand = local_expands(model, must=name, must_select=True)
    endpoint, url, body, chosen = draw(exchanges([model], expand=expand))
    return endpoint, url, body, name, chosen


def _selected_object(fields: tuple[str, ...]) -> dict[str, Any]:
    """An expanded object with exactly the selected fields: null where a field may be null."""
    values = {"id": "018b18ef-c487-703c-afd9-0ca478ccd9d6", "modified_at": "2021-10-16T00:00:00Z"}
    return {field: values.get(field) for field in fields}


@fewer
@given(with_selected_relation(), st.data())
def test_a_requested_field_left_out(
    case: tuple[Endpoint, str, Any, str, Expand], data: st.DataObject
) -> None:
    endpoint, url, body, name, expand = case
    expansion = expand.get(name)
    assert expansion is not None and expansion.fields
    many = relations(endpoint.model)[name].many
    assume(_records(endpoint, body))
    spots = []  # (object, its path) of every expanded object of the relation
    for record, where in _records(endpoint, body):
        value = record.get(name)
        if many and isinstance(value, list):
            spots += [
                (v, f"{where}.{name}[{i}]") for i, v in enumerate(value) if isinstance(v, dict)
            ]
        elif isinstance(value, dict):
            spots.append((value, f"{where}.{name}"))
    if not spots:  # the relation is absent, null or empty: plant an object that agrees
        record, where = data.draw(st.sampled_from(_records(endpoint, body)))
        spot = _selected_object(expansion.fields)
        record[name] = [spot] if many else spot
        spots = [(spot, f"{where}.{name}[0]" if many else f"{where}.{name}")]
    obj, where = data.draw(st.sampled_from(spots))
    field = data.draw(st.sampled_from(expansion.fields))
    del obj[field]
    report = validate_exchange("GET", url, 200, body)
    assert [(i.path, i.code) for i in report.errors] == [
        (f"{where}.{field}", "missing_selected_field")
    ]


@fewer
@given(exchanges(raw=False), st.data())
def test_raw_data_present_when_not_requested(
    case: tuple[Endpoint, str, Any, Expand], data: st.DataObject
) -> None:
    endpoint, url, body, _ = case
    records = _records(endpoint, body)
    assume(records)
    record, where = data.draw(st.sampled_from(records))
    record["raw_data"] = {"key_1": "Platform dependent data 1"}
    report = validate_exchange("GET", url, 200, body)
    assert report.errors == ()
    assert [(i.path, i.code) for i in report.warnings if i.code in REQUEST_CODES] == [
        (f"{where}.raw_data", "unrequested_data")
    ]
