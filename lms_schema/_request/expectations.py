"""What a request promises about its response: expanded relations, selected fields, include_*.

A payload is only valid relative to the request that produced it. :func:`request_issues`
walks the wire payload (the top-level record, or every item of a ``Page``) beside the request
arguments of :func:`lms_schema.validate`; None for an argument means "unknown, not checked".

* ``expand``: a relation it names is an expanded object or null, every other relation a UUID
  string or null (list relations element by element). With a bracket selection the object
  carries each selected field (``missing_selected_field``, an error) and, ``id`` aside, no
  other (``unselected_field``, a warning). Relations inside expanded objects are not checked:
  nested expansion is not part of the API.
* ``include_raw_data`` / ``include_custom_fields``: when False, ``raw_data`` /
  ``custom_fields`` is absent or null (``unrequested_data``, a warning); when True it is
  present (``missing_requested_data``, a warning; an absent ``custom_fields`` is already a
  ``missing_key`` error).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_origin

from .._models.models import REQUIRED_KEYS, Page
from .._models.relations import Relation, model_of, relations
from .._values.issues import Issue, PathPart, format_path
from .expand import Expand, Expansion

__all__ = ["page_warnings", "request_issues"]


def _issue(path: tuple[PathPart, ...], code: str, message: str, *, warning: bool) -> Issue:
    return Issue(format_path(path), code, message, severity="warning" if warning else "error")


def _records(payload: Any, cls: Any) -> Iterator[tuple[dict[str, Any], tuple[PathPart, ...]]]:
    if cls is Page or get_origin(cls) is Page:
        items = payload.get("items") if type(payload) is dict else None
        if type(items) is list:
            for index, item in enumerate(items):
                if type(item) is dict:
                    yield item, ("items", index)
    elif type(payload) is dict:
        yield payload, ()


def request_issues(
    payload: Any,
    cls: Any,
    *,
    expand: Expand | None,
    include_raw_data: bool | None,
    include_custom_fields: bool | None,
) -> Iterator[Issue]:
    """Errors and warnings where the payload does not match the request arguments."""
    # resolved once per call, not per record: (relation, its expansion or None)
    checks = (
        [(r, expand.get(r.name)) for r in relations(model_of(cls)).values()]
        if expand is not None
        else []
    )
    flags = (("raw_data", include_raw_data), ("custom_fields", include_custom_fields))
    for record, path in _records(payload, cls):
        for relation, expansion in checks:
            value = record.get(relation.name)
            if value is None:  # absent or null: fine either way
                continue
            if not relation.many:  # the common agreeing cases, without a generator
                kind = type(value)
                if kind is str and expansion is None:
                    continue
                if kind is dict and expansion is not None and expansion.fields is None:
                    continue
            yield from _relation_issues(value, relation, expansion, path)
        for key, requested in flags:
            if requested is None:
                continue
            present = key in record
            if not requested and present and record[key] is not None:
                yield _issue(
                    (*path, key),
                    "unrequested_data",
                    f"{key} is present but the request did not ask for it "
                    f"(include_{key}=false): expected it absent or null",
                    warning=True,
                )
            elif requested and not present and key not in REQUIRED_KEYS:
                yield _issue(
                    (*path, key),
                    "missing_requested_data",
                    f"{key} is absent but the request asked for it (include_{key}=true)",
                    warning=True,
                )


def _relation_issues(
    value: Any, relation: Relation, expansion: Expansion | None, path: tuple[PathPart, ...]
) -> Iterator[Issue]:
    where = (*path, relation.name)
    if relation.many:
        if type(value) is list:
            for index, element in enumerate(value):
                yield from _element_issues(element, relation, expansion, (*where, index))
    else:
        yield from _element_issues(value, relation, expansion, where)


def _element_issues(
    value: Any, relation: Relation, expansion: Expansion | None, path: tuple[PathPart, ...]
) -> Iterator[Issue]:
    kind = type(value)
    if expansion is None:
        if kind is dict:
            yield _issue(
                path,
                "unexpected_expansion",
                f"expected a UUID string or null: the request did not expand {relation.name!r}, "
                "got an expanded object",
                warning=False,
            )
        return
    if kind is str:
        yield _issue(
            path,
            "not_expanded",
            f"expected an expanded object or null: the request expanded {relation.name!r} "
            f"(expand={expansion}), got a UUID string",
            warning=False,
        )
        return
    if kind is not dict or expansion.fields is None:
        return
    selected = expansion.fields
    for field in selected:
        if field not in value:
            yield _issue(
                (*path, field),
                "missing_selected_field",
                f"selected field {field!r} is missing (expand={expansion})",
                warning=False,
            )
    for key in value:
        if key != "id" and key not in selected:
            yield _issue(
                (*path, str(key)),
                "unselected_field",
                f"field {key!r} was not selected (expand={expansion})",
                warning=True,
            )


def page_warnings(payload: Any) -> Iterator[Issue]:
    """A ``page_size`` that does not count the items, and ids repeated across items."""
    if type(payload) is not dict:
        return
    items = payload.get("items")
    if type(items) is not list:
        return
    page_size = payload.get("page_size")
    if type(page_size) is int and page_size != len(items):
        yield _issue(
            ("page_size",),
            "page_size_mismatch",
            f"page_size is {page_size} but the page has {len(items)} item"
            f"{'s' if len(items) != 1 else ''}",
            warning=True,
        )
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        ident = item.get("id") if type(item) is dict else None
        if type(ident) is not str:
            continue
        key = ident.lower()
        if key in first:
            yield _issue(
                ("items", index, "id"),
                "duplicate_id",
                f"id {ident} is also the id of $.items[{first[key]}]",
                warning=True,
            )
        else:
            first[key] = index
