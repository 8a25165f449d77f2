"""Validation issues, the report of :func:`lms_schema.validate` and the one exception type.

Every rejection of bad data is a :class:`ValidationError` carrying :class:`Issue` objects, each
with a JSONPath (``$.items[3].user.status``), a stable code and a message for people.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

__all__ = ["CODES", "Issue", "Report", "ValidationError", "format_path"]

CODES: dict[str, str] = {
    "duration_out_of_range": "a duration too large to represent",
    "invalid_datetime": "not an RFC 3339 date-time",
    "leap_second": "a leap second (second 60 at 23:59 UTC): valid RFC 3339 that Python's "
    "datetime cannot hold",
    "invalid_duration": "not an ISO 8601 duration in the strict profile",
    "invalid_json": "bytes or text that are not one JSON document",
    "invalid_uuid": "not a canonical 8-4-4-4-12 UUID string",
    "invalid_value": "a value rejected by a check that has no code of its own",
    "missing_key": "a required key is absent",
    "missing_unit": "normalize(): a bare number whose unit the NormalizationPolicy does not give",
    "negative_duration": "a negative duration where only non-negative ones make sense",
    "non_integral": "normalize(): a number with a fraction where an integer is required",
    "not_json": "a value that JSON cannot represent (non-string key, NaN, a set, ...)",
    "out_of_range": "a number outside the range the field allows",
    "too_deep": "JSON nested deeper than the library accepts",
    "unknown_key": "a key the model does not define",
    "wrong_type": "a value of the wrong JSON type",
    # request-aware errors: the expand grammar (at query.expand)
    "invalid_expand": "expand text that breaks the grammar (the message gives the position)",
    "unknown_relation": "an expand name that is not a relation of the model",
    "duplicate_relation": "a relation named twice in expand",
    "unknown_field": "a bracket-selected field the related model does not have",
    "duplicate_field": "a field selected twice in one bracket selection",
    # query parameters (at query.<name>, path.id) and exchanges. Errors the server rejects
    # with 422 carry the `type` of its 422 error:
    "int_parsing": "a query integer the server cannot read (FastAPI 422 int_parsing)",
    "int_parsing_size": "a query integer of more than 4300 digits (FastAPI 422 int_parsing_size)",
    "greater_than_equal": "a query integer below its minimum (FastAPI 422 greater_than_equal)",
    "less_than_equal": "a query integer above its maximum (FastAPI 422 less_than_equal)",
    "bool_parsing": "a query boolean the server cannot read (FastAPI 422 bool_parsing)",
    "uuid_parsing": "a path id the server cannot read as a UUID (FastAPI 422 uuid_parsing)",
    "missing": "a required request header is absent (FastAPI 422 missing)",
    # ... warnings: the server accepts the request
    "noncanonical_parameter": "a parameter the server reads, spelled other than canonically "
    "(the message gives the canonical spelling)",
    "repeated_parameter": "a query parameter given more than once (the server uses the last)",
    "invalid_list": "a comma-separated query list with an empty item (a warning)",
    # retired: no longer emitted (query integers and booleans now carry FastAPI's types)
    "invalid_boolean": "retired: was a query boolean other than true, false, 1 or 0; now "
    "bool_parsing (rejected) or noncanonical_parameter (accepted)",
    "invalid_integer": "retired: was a query integer that is not decimal digits; now "
    "int_parsing / int_parsing_size (rejected) or noncanonical_parameter (accepted)",
    "unknown_parameter": "a query parameter the endpoint does not have (a warning, unless "
    "forbidden)",
    "unknown_endpoint": "a URL path that is none of the fourteen LMS endpoints",
    "method_not_allowed": "a method other than GET (the LMS API is read-only)",
    "invalid_har": "an HTTP archive entry that cannot be read",
    # the response does not match its request
    "not_expanded": "a UUID where the request expanded the relation",
    "unexpected_expansion": "an expanded object where the request did not expand the relation",
    "missing_selected_field": "a field selected in expand brackets is missing from the object",
    "page_too_large": "more items than the request's page_size",
    # warnings emitted by validate()
    "completed_before_started": "completed_at is earlier than started_at",
    "duration_exceeds_interval": "time_duration is longer than completed_at - started_at",
    "negative_score": "a score below zero",
    "unknown_language": "a languages entry outside the locale codes of the API document",
    "naive_datetime": "a date-time without an offset, read as UTC",
    "duplicate_key": "a key repeated in one object of JSON text (parsers disagree on its value)",
    "page_size_mismatch": "a page whose page_size is not the number of its items",
    "duplicate_id": "an id repeated across the items of a page",
    "unselected_field": "an expanded object carries a field beyond its bracket selection",
    "unrequested_data": "raw_data or custom_fields carries data the request did not ask for",
    "missing_requested_data": "raw_data is absent although the request asked for it",
    "undocumented_status": "a response status the API document does not list for the endpoint",
    "filter_mismatch": "an item of a list response that contradicts the request's filters",
    # the command line (lms-schema validate / normalize), about files and HTTP archive entries
    "unreadable": "a path or file that cannot be read or decompressed (exit status 2)",
    "unknown_model": "a file whose model neither --model, its name nor its directories tell",
    "model_mismatch": "a warning: another model explains the record's keys clearly better",
    "bom": "a warning: the file starts with a byte-order mark",
    "no_response": "an HTTP archive entry whose request got no response (status 0)",
    "body_not_recorded": "a warning: the archive did not keep the response body",
}
"""Every issue code this library emits, with what it means. Codes are stable: new codes may
be added, existing ones keep their meaning."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

PathPart = str | int


def format_path(parts: Iterable[PathPart]) -> str:
    """Render path parts as a JSONPath: ``("items", 3, "user")`` -> ``$.items[3].user``.

    Keys that are not identifiers use the bracket form: ``$['my key']``.
    """
    if type(parts) is tuple:
        try:
            return _format_tuple(parts)
        except TypeError:  # an unhashable part
            pass
    return _format(parts)


def _format(parts: Iterable[PathPart]) -> str:
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


# Paths repeat (``$.score``, ``$.items[3].user``): format each once.
_format_tuple = functools.lru_cache(maxsize=4096)(_format)


@attrs.frozen
class Issue:
    """One problem found in a payload.

    >>> Issue("$.grade", "wrong_type", "expected a string or null, got integer")
    Issue(path='$.grade', code='wrong_type', message='expected a string or null, got integer')
    """

    path: str
    code: str
    message: str
    severity: Literal["error", "warning"] = attrs.field(default="error", kw_only=True, repr=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class ValidationError(ValueError):
    """Raised for bad data; lists every problem at once.

    ``.issues`` is a tuple of :class:`Issue`; ``str(exc)`` names each with its JSONPath::

        try:
            lms_schema.structure(payload, lms_schema.Completion)
        except lms_schema.ValidationError as exc:
            for issue in exc.issues:
                print(issue.path, issue.code, issue.message)
    """

    issues: tuple[Issue, ...]

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = tuple(issues)
        count = len(self.issues)
        head = f"{count} validation error{'s' if count != 1 else ''}"
        super().__init__("\n  ".join([head, *map(str, self.issues)]))

    def __reduce__(self) -> tuple[type[ValidationError], tuple[tuple[Issue, ...]]]:
        return (type(self), (self.issues,))


@attrs.frozen(repr=False)
class Report:
    """What :func:`lms_schema.validate` found: ``.ok``, ``.errors``, ``.warnings``.

    ``.value`` is the structured model when there are no errors, else None. The repr
    summarizes (``<Report ok=False, 2 errors, 0 warnings, value=None>``); ``str(report)``
    adds one line per issue, as :class:`ValidationError` prints them::

        report = lms_schema.validate(payload, lms_schema.Completion)
        if not report.ok:
            print(report)
    """

    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    value: object = attrs.field(default=None, eq=False)

    def __repr__(self) -> str:
        return (
            f"<Report ok={self.ok}, {_count(len(self.errors), 'error')}, "
            f"{_count(len(self.warnings), 'warning')}, value={self.value!r}>"
        )

    def __str__(self) -> str:
        return "\n  ".join([repr(self), *(f"{i.severity}: {i}" for i in self.issues)])

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings do not count)."""
        return not self.errors

    @property
    def issues(self) -> tuple[Issue, ...]:
        """Errors first, then warnings."""
        return self.errors + self.warnings

    def raise_for_errors(self) -> None:
        """Raise :class:`ValidationError` if there is any error."""
        if self.errors:
            raise ValidationError(self.errors)
