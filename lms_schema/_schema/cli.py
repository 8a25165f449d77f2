"""The ``lms-schema schema`` and ``lms-schema openapi`` commands: print the exports as JSON.

``lms-schema schema --model NAME [--expand TEXT]`` prints :func:`~lms_schema.json_schema` of
a model: a word such as ``completion`` or ``completions``, a class name of the package
(``PartialUser``, ``HTTPValidationError``), ``Page[completion]``, or ``package.module:Class``
for a model of your own. ``lms-schema openapi`` prints :func:`~lms_schema.openapi`. Exit
status 2 for an unknown model or expand text that does not parse::

    SUBCOMMANDS += schema_subcommands()   # lms_schema._cli registers them
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Callable
from typing import Any, Final, TextIO

from .._models.errorbodies import ERROR_BODIES
from .._models.fields import fields_of
from .._models.models import MODELS, Page
from .._values.issues import ValidationError
from .jsonschema import json_schema
from .openapi import openapi

__all__ = ["COMMANDS", "model_named", "run", "schema_subcommands"]

#: The sub-commands this module adds.
COMMANDS: Final = ("schema", "openapi")

_PAGE = re.compile(r"Page\[(.+)\]", re.IGNORECASE)


def _package_classes() -> dict[str, Any]:
    import lms_schema

    names: dict[str, Any] = {}
    for name in lms_schema.__all__:
        obj = getattr(lms_schema, name)
        if isinstance(obj, type) and (obj in ERROR_BODIES or name.startswith("Partial")):
            names[name.lower()] = obj
    for model in MODELS:
        plural = model.__name__.lower()
        plural = plural[:-1] + "ies" if plural.endswith("y") else plural + "s"
        names[model.__name__.lower()] = names[plural] = model
    return names


def model_named(name: str) -> Any:
    """The class a ``--model`` argument names, or None."""
    page = _PAGE.fullmatch(name.strip())
    if page is not None:
        item = model_named(page.group(1))
        return None if item is None else Page[item]  # type: ignore[valid-type]
    if ":" in name:
        module, _, attribute = name.partition(":")
        try:
            cls = getattr(importlib.import_module(module), attribute)
            fields_of(cls)
        except (ImportError, AttributeError, TypeError, ValueError):
            return None
        return cls
    return _package_classes().get(name.lower())


def _schema_arguments(schema: argparse.ArgumentParser) -> None:
    schema.add_argument(
        "--model",
        dest="schema_model",
        required=True,
        metavar="NAME",
        help="completion, users, PartialUser, HTTPValidationError, Page[course], "
        "package.module:Class, ...",
    )
    schema.add_argument("--expand", default=None, help="apply a request's expand text")


def _no_arguments(_: argparse.ArgumentParser) -> None:
    pass


def _run(args: argparse.Namespace) -> int:
    return run(args, sys.stdout, sys.stderr)


def schema_subcommands() -> list[
    tuple[
        str,
        str,
        Callable[[argparse.ArgumentParser], None],
        Callable[[argparse.Namespace], int],
        str,
    ]
]:
    """``schema`` and ``openapi`` as entries of the CLI's ``SUBCOMMANDS`` registry."""
    return [
        ("schema", "print the JSON Schema of a model", _schema_arguments, _run, ""),
        ("openapi", "print the corrected OpenAPI document", _no_arguments, _run, ""),
    ]


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the export the parsed arguments ask for; the exit status."""
    if args.command == "openapi":
        document: dict[str, Any] = openapi()
    else:
        cls = model_named(args.schema_model)
        if cls is None:
            err.write(f"lms-schema: unknown model {args.schema_model!r}\n")
            return 2
        try:
            document = json_schema(cls, expand=args.expand)
        except ValidationError as exc:
            for issue in exc.issues:
                err.write(f"lms-schema: --expand: {issue.message} [{issue.code}]\n")
            return 2
    out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0
