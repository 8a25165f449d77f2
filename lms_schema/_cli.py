"""The ``lms-schema`` command line: validate (and normalize) captured payloads.

``lms-schema validate [--model NAME] [--strict] PATH...`` reads JSON files, JSON Lines files
(``.jsonl``/``.ndjson``, one record per line, streamed), HTTP archives (``.har``: every entry
under ``/api/lms/v1/`` is checked with ``validate_exchange``, the others are skipped) and
directories (recursively), and prints every problem as ``FILE[:LINE]: JSONPATH: message
[code]`` (``FILE#entries[i]: ...`` for an archive entry). Exit status: 0 when every payload is
valid, 1 when any is not, 2 for usage errors (unreadable file, unknown model).

``lms-schema normalize [--model NAME] [--duration-unit U] [--epoch-unit U] [--timezone Z]
[--rounding R] [--disable RULE]... PATH...`` writes each repaired payload as one line of JSON
to stdout and every fix and error to stderr; exit status 1 when a payload cannot be repaired.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import attrs

from ._api import structure_issues
from ._exchange import PREFIX, url_path, validate_exchange
from ._lenient.policy import NormalizationPolicy
from ._models.models import MODELS, Page
from ._normalize import normalize
from ._request.har import read_har
from ._validate import validate
from ._values.absent import ABSENT
from ._values.issues import Issue, Report
from ._values.jsonvalue import decode, encode
from ._values.leaf import FieldError

__all__ = ["main"]

_MODEL_NAMES: dict[str, type] = {}
for _model in MODELS:
    _MODEL_NAMES[_model.__name__.lower()] = _model
    _MODEL_NAMES[_model.__name__.lower() + "s"] = _model
_MODEL_NAMES["categories"] = _MODEL_NAMES["category"]
_WORD = re.compile(r"[a-z]+")
_JSONL = {".jsonl", ".ndjson"}
_JSON = {".json", *_JSONL}
_HAR = ".har"
#: What ``validate`` picks up in directories (``normalize`` takes payloads only).
_VALIDATED = {*_JSON, _HAR}


def model_for(name: str) -> type | None:
    """The model named by a word such as ``completion`` or ``completions``."""
    return _MODEL_NAMES.get(name.lower())


def _infer_model(path: Path) -> type | None:
    for word in _WORD.findall(path.stem.lower()):
        model = model_for(word)
        if model is not None:
            return model
    return None


def _files(paths: Sequence[str], suffixes: set[str] = _JSON) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    child = Path(root, name)
                    if child.suffix.lower() in suffixes:
                        yield child
        else:
            yield path


def _target(payload: Any, model: type) -> Any:
    """A list envelope is validated as ``Page[model]``."""
    if type(payload) is dict and "items" in payload and "id" not in payload:
        return Page[model]  # type: ignore[valid-type]
    return model


def _records(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number or 0, payload) pairs, one record in memory at a time; a decode failure
    yields a FieldError as the payload."""
    if path.suffix.lower() in _JSONL:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.isspace():  # (stops at the first non-space byte: no copy)
                    yield number, _decode(line)
    else:
        yield 0, _decode(path.read_bytes())


def _where(path: Path, number: int) -> str:
    return f"{path}:{number}" if number else str(path)


def _decode(data: bytes) -> Any:
    try:
        return decode(data)
    except FieldError as exc:
        return exc


def _print(out: TextIO, where: str, issue: Issue) -> None:
    out.write(f"{where}: {issue.path}: {issue.message} [{issue.code}]\n")


def _print_report(out: TextIO, where: str, report: Report, warnings: bool) -> None:
    for issue in report.errors:
        _print(out, where, issue)
    if warnings:
        for issue in report.warnings:
            _print(out, where, Issue(issue.path, issue.code, "warning: " + issue.message))


def _check_har(path: Path, args: argparse.Namespace, out: TextIO) -> tuple[int, int, int]:
    """(checked, invalid, skipped) entries of an HTTP archive."""
    checked = invalid = skipped = 0
    for exchange in read_har(path.read_bytes()):
        if isinstance(exchange, Issue):  # an entry (or the whole file) that cannot be read
            checked += 1
            invalid += 1
            _print(out, str(path), exchange)
            continue
        path_of_url = url_path(exchange.url)
        if path_of_url is not None and not path_of_url.startswith(PREFIX):
            skipped += 1
            continue
        checked += 1
        where = f"{path}#entries[{exchange.index}]"
        report = validate_exchange(
            exchange.method,
            exchange.url,
            exchange.status,
            ABSENT if exchange.body is None else exchange.body,
            forbid_unknown_keys=args.strict,
        )
        if exchange.body is None:
            unchecked = Issue(
                "$",
                "invalid_har",
                "the response body was not recorded; only the request and status were checked",
                severity="warning",
            )
            report = attrs.evolve(report, warnings=(*report.warnings, unchecked))
        if not report.ok:
            invalid += 1
        _print_report(out, where, report, args.warnings)
    return checked, invalid, skipped


def _validate_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    forced = args.model  # a model class (resolved by main) or None
    records = invalid = skipped = 0
    for path in _files(args.paths, _VALIDATED):
        if path.suffix.lower() == _HAR:
            try:
                counts = _check_har(path, args, out)
            except OSError as exc:
                err.write(f"lms-schema: {path}: {exc.strerror or exc}\n")
                return 2
            records, invalid, skipped = (
                records + counts[0],
                invalid + counts[1],
                skipped + counts[2],
            )
            continue
        model = forced or _infer_model(path)
        if model is None:
            err.write(f"lms-schema: cannot tell the model of {path}; pass --model\n")
            return 2
        try:
            for number, payload in _records(path):
                records += 1
                if isinstance(payload, FieldError):
                    invalid += 1
                    _print(out, _where(path, number), Issue("$", payload.code, payload.message))
                    continue
                target = _target(payload, model)
                if args.warnings:
                    if type(payload) is str:  # a JSON string; validate() reads a str as text
                        payload = encode(payload)
                    report: Report = validate(payload, target, forbid_unknown_keys=args.strict)
                    errors, warnings = report.errors, report.warnings
                else:  # the errors of validate(), without its warning walks
                    _, found = structure_issues(payload, target, forbid_unknown_keys=args.strict)
                    errors, warnings = tuple(found), ()
                if errors:
                    invalid += 1
                    for issue in errors:
                        _print(out, _where(path, number), issue)
                for issue in warnings:
                    _print(
                        out,
                        _where(path, number),
                        Issue(issue.path, issue.code, "warning: " + issue.message),
                    )
        except OSError as exc:
            err.write(f"lms-schema: {path}: {exc.strerror or exc}\n")
            return 2
    summary = f"{records} payload{'s' if records != 1 else ''} checked, {invalid} invalid"
    if skipped:
        summary += f", {skipped} HAR entr{'ies' if skipped != 1 else 'y'} skipped (not LMS)"
    err.write(summary + "\n")
    return 1 if invalid else 0


def _normalize_command(args: argparse.Namespace, out: BinaryIO, err: TextIO) -> int:
    """Normalized payloads as JSON Lines on ``out``; fixes and errors on ``err``."""
    forced = args.model  # a model class (resolved by main) or None
    try:
        policy = NormalizationPolicy(
            disabled=args.disable,
            duration_unit=args.duration_unit,
            epoch_unit=args.epoch_unit,
            naive_timezone=args.timezone,
            rounding=args.rounding,
        )
    except ValueError as exc:
        err.write(f"lms-schema: {exc}\n")
        return 2
    records = failed = fixes = 0
    for path in _files(args.paths):
        model = forced or _infer_model(path)
        if model is None:
            err.write(f"lms-schema: cannot tell the model of {path}; pass --model\n")
            return 2
        jsonl = path.suffix.lower() in _JSONL
        try:
            with path.open("rb") as handle:
                chunks = enumerate(handle, start=1) if jsonl else [(0, handle.read())]
                for number, data in chunks:
                    if not data.strip():
                        continue
                    records += 1
                    where = f"{path}:{number}" if number else str(path)
                    payload = _decode(data)
                    if isinstance(payload, FieldError):
                        failed += 1
                        _print(err, where, Issue("$", payload.code, payload.message))
                        continue
                    result = normalize(payload, _target(payload, model), policy=policy)
                    for fix in result.fixes:
                        fixes += 1
                        err.write(f"{where}: fixed {fix}\n")
                    for issue in result.errors:
                        _print(err, where, issue)
                    if result.errors:
                        failed += 1
                    else:
                        out.write(encode(result.payload) + b"\n")
        except OSError as exc:
            err.write(f"lms-schema: {path}: {exc.strerror or exc}\n")
            return 2
    err.write(
        f"{records} payload{'s' if records != 1 else ''} read, {fixes} "
        f"fix{'es' if fixes != 1 else ''}, {failed} not repairable\n"
    )
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lms-schema`` console script."""
    parser = argparse.ArgumentParser(prog="lms-schema", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="validate JSON / JSONL / HAR files or directories")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument(
        "--model",
        help="the model of every payload (completion, user, course, content, category, skill, "
        "enrollment); by default it is read from each file name",
    )
    check.add_argument("--strict", action="store_true", help="unknown keys are errors")
    check.add_argument("--warnings", action="store_true", help="print warnings too")
    fix = commands.add_parser(
        "normalize", help="repair JSON / JSONL payloads; JSON Lines on stdout, fixes on stderr"
    )
    fix.add_argument("paths", nargs="+", metavar="PATH")
    fix.add_argument("--model", help="the model of every payload (default: from the file name)")
    fix.add_argument("--duration-unit", choices=("ms", "s", "min", "h"), default=None)
    fix.add_argument("--epoch-unit", choices=("s", "ms"), default=None)
    fix.add_argument("--timezone", default="UTC", help="zone of naive times (IANA name)")
    fix.add_argument("--rounding", choices=("error", "half_even", "floor"), default="error")
    fix.add_argument(
        "--disable", action="append", default=[], metavar="RULE", help="switch a rule off"
    )
    args = parser.parse_args(argv)
    if args.model is not None:
        name, args.model = args.model, model_for(args.model)
        if args.model is None:
            sys.stderr.write(f"lms-schema: unknown model {name!r}\n")
            return 2
    if args.command == "normalize":
        return _normalize_command(args, sys.stdout.buffer, sys.stderr)
    return _validate_command(args, sys.stdout, sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
