"""The ``lms-schema`` command line: validate (and normalize) captured payloads.

``lms-schema validate [--model NAME] [--strict] PATH...`` reads JSON files, JSON Lines files
(``.jsonl``/``.ndjson``, one record per line, streamed) and directories (recursively), and
prints every problem as ``FILE[:LINE]: JSONPATH: message [code]``. Exit status: 0 when every
payload is valid, 1 when any is not, 2 for usage errors (unreadable file, unknown model).

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

from ._errors import Issue, Report
from ._json import decode, encode
from ._leaf import FieldError
from ._models import MODELS, Page
from ._normalize import normalize
from ._policy import NormalizationPolicy
from ._validate import validate

__all__ = ["main"]

_MODEL_NAMES: dict[str, type] = {}
for _model in MODELS:
    _MODEL_NAMES[_model.__name__.lower()] = _model
    _MODEL_NAMES[_model.__name__.lower() + "s"] = _model
_MODEL_NAMES["categories"] = _MODEL_NAMES["category"]
_WORD = re.compile(r"[a-z]+")
_JSONL = {".jsonl", ".ndjson"}
_JSON = {".json", *_JSONL}


def model_for(name: str) -> type | None:
    """The model named by a word such as ``completion`` or ``completions``."""
    return _MODEL_NAMES.get(name.lower())


def _infer_model(path: Path) -> type | None:
    for word in _WORD.findall(path.stem.lower()):
        model = model_for(word)
        if model is not None:
            return model
    return None


def _files(paths: Sequence[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    child = Path(root, name)
                    if child.suffix.lower() in _JSON:
                        yield child
        else:
            yield path


def _target(payload: Any, model: type) -> Any:
    """A list envelope is validated as ``Page[model]``."""
    if type(payload) is dict and "items" in payload and "id" not in payload:
        return Page[model]  # type: ignore[valid-type]
    return model


def _records(path: Path) -> Iterator[tuple[str, Any]]:
    """(location, payload) pairs; a decode failure yields a FieldError as the payload."""
    if path.suffix.lower() in _JSONL:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield f"{path}:{number}", _decode(line)
    else:
        yield str(path), _decode(path.read_bytes())


def _decode(data: bytes) -> Any:
    try:
        return decode(data)
    except FieldError as exc:
        return exc


def _print(out: TextIO, where: str, issue: Issue) -> None:
    out.write(f"{where}: {issue.path}: {issue.message} [{issue.code}]\n")


def _validate_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    forced = None
    if args.model is not None:
        forced = model_for(args.model)
        if forced is None:
            err.write(f"lms-schema: unknown model {args.model!r}\n")
            return 2
    records = invalid = 0
    for path in _files(args.paths):
        model = forced or _infer_model(path)
        if model is None:
            err.write(f"lms-schema: cannot tell the model of {path}; pass --model\n")
            return 2
        try:
            for where, payload in _records(path):
                records += 1
                if isinstance(payload, FieldError):
                    invalid += 1
                    _print(out, where, Issue("$", payload.code, payload.message))
                    continue
                report: Report = validate(
                    payload, _target(payload, model), forbid_unknown_keys=args.strict
                )
                if not report.ok:
                    invalid += 1
                for issue in report.errors:
                    _print(out, where, issue)
                if args.warnings:
                    for issue in report.warnings:
                        _print(
                            out, where, Issue(issue.path, issue.code, "warning: " + issue.message)
                        )
        except OSError as exc:
            err.write(f"lms-schema: {path}: {exc.strerror or exc}\n")
            return 2
    err.write(f"{records} payload{'s' if records != 1 else ''} checked, {invalid} invalid\n")
    return 1 if invalid else 0


def _normalize_command(args: argparse.Namespace, out: BinaryIO, err: TextIO) -> int:
    """Normalized payloads as JSON Lines on ``out``; fixes and errors on ``err``."""
    forced = None
    if args.model is not None:
        forced = model_for(args.model)
        if forced is None:
            err.write(f"lms-schema: unknown model {args.model!r}\n")
            return 2
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
    check = commands.add_parser("validate", help="validate JSON / JSONL files or directories")
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
    if args.command == "normalize":
        return _normalize_command(args, sys.stdout.buffer, sys.stderr)
    return _validate_command(args, sys.stdout, sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
