"""Do the items of a list response satisfy the request's filters? (``filter_mismatch``)

A list query filters what the server returns; an item that does not match is worth a warning
(the API document does not spell out every filter's semantics, so never an error). The rule of
each filter follows from its type, read once per query class:

* ``ids``: the item's ``id`` is one of them;
* a UUID-list filter named after a single relation (``user``, ``course``, ``content``): the
  relation's id is one of them; after a list relation (``categories``, ``skills``, ...): at
  least one of its ids is;
* ``languages``: at least one of the item's languages is requested;
* ``remote_id``, ``status``, ``grade``, ``email_address`` (case-insensitive): equal;
* ``X_from`` / ``X_to``: the item's ``X`` is the same or after / before (``end_date_*`` has no
  field to compare with and is not checked).

A field that is absent from the item (a sparse response), or an expanded relation without an
``id``, cannot be compared and is skipped; null never matches a filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, get_args, get_origin
from uuid import UUID

import attrs

from .._models.fields import union_args
from .._models.models import Page
from .._models.relations import relations
from .._values.absent import ABSENT
from .._values.datetimes import format_datetime
from .._values.enums import OpenEnum
from .._values.issues import Issue, format_path
from .query import Query

__all__ = ["filter_warnings"]

#: (query field, item field, test(item value, filter value) -> matches or None for "cannot tell")
_Rule = tuple[str, str, Callable[[Any, Any], bool | None]]


def _ident(value: Any) -> Any:
    """The id of a relation value: a UUID, an expanded object's id, a JSON object's "id"."""
    if isinstance(value, UUID):
        return value
    if isinstance(value, dict):
        raw = value.get("id")
        try:
            return UUID(raw) if isinstance(raw, str) else ABSENT
        except ValueError:
            return ABSENT
    return getattr(value, "id", ABSENT)


def _in(value: Any, wanted: tuple[Any, ...]) -> bool | None:
    ident = _ident(value)
    if value is not None and ident is ABSENT:
        return None
    return ident in wanted


def _any_id(values: Any, wanted: tuple[Any, ...]) -> bool | None:
    if values is None:
        return False
    idents = [_ident(v) for v in values]
    if any(i in wanted for i in idents):
        return True
    return None if ABSENT in idents else False


def _any(values: Any, wanted: tuple[Any, ...]) -> bool:
    return values is not None and any(v in wanted for v in values)


def _equal(value: Any, wanted: Any) -> bool:
    return value is not None and str(value) == str(wanted)


def _caseless(value: Any, wanted: Any) -> bool:
    return value is not None and str(value).casefold() == str(wanted).casefold()


def _after(value: Any, bound: datetime) -> bool:
    return value is not None and value >= bound


def _before(value: Any, bound: datetime) -> bool:
    return value is not None and value <= bound


_RULES: dict[type[Query], tuple[_Rule, ...]] = {}


def _rules(query: type[Query]) -> tuple[_Rule, ...]:
    rules = _RULES.get(query)
    if rules is not None:
        return rules
    model = query.model
    fields = attrs.fields_dict(model)
    table = relations(model)
    out: list[_Rule] = []
    for a in attrs.fields(query):
        tp = a.type
        (tp,) = (m for m in (union_args(tp) or (tp,)) if m is not type(None))
        name = a.name
        if get_origin(tp) is tuple:
            if name == "ids":
                out.append((name, "id", _in))
            elif get_args(tp)[0] is UUID and name in table:
                out.append((name, name, _any_id if table[name].many else _in))
            elif name in fields:
                out.append((name, name, _any))
        elif tp is datetime:
            target, _, side = name.rpartition("_")
            if target in fields:
                out.append((name, target, _after if side == "from" else _before))
        elif (tp is str or (isinstance(tp, type) and issubclass(tp, OpenEnum))) and name in fields:
            out.append((name, name, _caseless if name == "email_address" else _equal))
    rules = _RULES[query] = tuple(out)
    return rules


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, datetime):
        return format_datetime(value)
    return str(value)


def filter_warnings(page: Page[Any], query: Query) -> Iterator[Issue]:
    """A ``filter_mismatch`` warning for each item field that contradicts a filter."""
    active = [(q, f, test, getattr(query, q)) for q, f, test in _rules(type(query))]
    active = [rule for rule in active if rule[3] is not None]
    if not active:
        return
    for index, item in enumerate(page.items):
        for name, field, test, wanted in active:
            value = getattr(item, field, ABSENT)
            if value is ABSENT or test(value, wanted) is not False:
                continue
            yield Issue(
                format_path(("items", index, field)),
                "filter_mismatch",
                f"{field} does not match the request's filter {name}={_show(wanted)}",
                severity="warning",
            )
