"""The ``lms-schema`` command line: a thin layer over :mod:`lms_schema._capture`.

``lms-schema validate PATH...`` checks captured payloads (JSON, JSON Lines, HTTP archives,
directories, ``-`` for standard input, gzip) and never passes what it did not check;
``lms-schema normalize PATH... -o OUT.jsonl`` repairs them; ``rules``, ``codes`` and
``sample`` list the normalization rules, the issue codes, and write generated payloads.
The manual is ``docs/cli.md``. Subcommands are registered in :data:`SUBCOMMANDS`: one
``(name, help, add_arguments, run)`` entry each::

    lms-schema validate --format json captures/ > problems.jsonl
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Generator, Sequence
from typing import IO, Any, TextIO

from ._capture import report
from ._capture.checks import CheckOptions, issue_dict, model_names, resolve_model
from ._capture.readers import FORMATS, Missing, ReadOptions, Unit, plan
from ._capture.repair import prefixed, repair_unit
from ._capture.run import (
    RunConfig,
    UnitResult,
    iter_unit,
    missing_issue,
    process_unit,
    unit_model,
)
from ._lenient.policy import RULES, NormalizationPolicy
from ._schema.cli import schema_subcommands
from ._values.issues import CODES, Issue
from ._values.jsonvalue import encode

__all__ = ["SUBCOMMANDS", "main"]

EXIT_CODES = """\
exit status:
  0    at least one record was checked and none is invalid
  1    a record is invalid (with --strict: or has a warning)
  2    usage or I/O problems: a missing or unreadable path, a file whose model cannot be
       told, no record found at all (unless --allow-empty)
  130  interrupted (Ctrl-C); the partial summary is printed
  141  standard output was closed (| head): stopped quietly
"""

_VALIDATE_EXAMPLES = """\
examples:
  lms-schema validate examples/
  lms-schema validate --model completion dump.jsonl.gz
  curl -s $URL | lms-schema validate --model completions -
  lms-schema validate --format json captures/ > problems.jsonl
  lms-schema validate --format github --warnings capture.har
  lms-schema validate --jobs 2 --model mypkg.models:MyCompletion big.jsonl
"""

_NORMALIZE_EXAMPLES = """\
examples:
  lms-schema normalize vendor/ -o clean.jsonl --rejects rejects.jsonl --fixes fixes.jsonl
  lms-schema normalize --model completion --duration-unit s dump.json -o -
"""

#: Records per second a progress bar is worth showing after (tqdm's ``delay``).
_PROGRESS_DELAY = 1.0
#: A JSON Lines file larger than this is split into chunks for ``--jobs``.
_CHUNK_BYTES = 16 << 20
#: Where the scheduler of ``--dask local`` serves HTTP: this host, a port of the system's
#: choosing (Dask's default, 8787, clashes with any cluster already running: a warning).
LOCAL_HTTP_ADDRESS = "127.0.0.1:0"


class _UsageError(Exception):
    """A usage problem found after parsing: message, exit status 2."""


# -- output -------------------------------------------------------------------------------------


class _Printer:
    """Prints problems in the chosen format, honouring --warnings and --max-errors."""

    def __init__(self, fmt: str, out: TextIO, warnings: bool, max_errors: int | None) -> None:
        self.fmt = fmt
        self.out = out
        self.warnings = warnings or fmt == "json"
        self.max_errors = max_errors
        self.printed = 0
        self.held_back = 0
        self.files: dict[str, list[dict[str, Any]]] = {}

    def file(self, name: str) -> None:
        if self.fmt == "junit":
            self.files.setdefault(name, [])

    def issue(self, issue: dict[str, Any]) -> None:
        if issue["severity"] != "error" and not self.warnings:
            return
        if self.max_errors is not None and self.printed >= self.max_errors:
            self.held_back += 1
            return
        self.printed += 1
        if self.fmt == "junit":
            self.files.setdefault(issue["file"], []).append(issue)
        elif self.fmt == "json":
            self.out.write(report.json_line(issue) + "\n")
        elif self.fmt == "github":
            self.out.write(report.github_line(issue) + "\n")
        else:
            self.out.write(report.text_line(issue) + "\n")

    def finish(
        self, summary: report.Summary, status: int, seconds: float, interrupted: bool
    ) -> None:
        if self.fmt == "json":
            extra = {"not_printed": self.held_back}
            obj = summary.as_json(
                exit_status=status, seconds=seconds, interrupted=interrupted, **extra
            )
            self.out.write(report.json_line(obj) + "\n")
        elif self.fmt == "junit":
            self.out.write(report.junit_document(self.files, summary, seconds))
        self.out.flush()


def _progress(total_bytes: int, err: TextIO) -> Any:
    """A progress bar on stderr when it is a terminal and the run takes over a second:
    records, records/s, and the bytes of the files done of their total."""
    if not err.isatty():
        return None
    try:
        from tqdm import tqdm  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    bar = tqdm(
        unit=" records",
        unit_scale=True,
        delay=_PROGRESS_DELAY,
        file=err,
        leave=False,
        dynamic_ncols=True,
        mininterval=0.25,
    )
    bar.total_bytes = total_bytes
    bar.done_bytes = 0
    return bar


def _advance_bytes(bar: Any, done: int) -> None:
    bar.done_bytes += done
    total = bar.total_bytes
    bar.set_postfix_str(f"{_size(bar.done_bytes)} of {_size(total)} read", refresh=False)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"  # pragma: no cover


def _exit_status(summary: report.Summary, args: argparse.Namespace, missing: int) -> int:
    return report.exit_status(
        summary, strict=args.strict, allow_empty=args.allow_empty, missing=missing
    )


# -- validate -----------------------------------------------------------------------------------


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files (.json, .jsonl, .ndjson, .har, .zhar, each also .gz), directories (read "
        "recursively) or - for standard input",
    )
    parser.add_argument(
        "--model",
        metavar="NAME",
        help=f"the model of every record: {', '.join(model_names())} (plural works too), or "
        "package.module:Class for your own attrs model; by default it is told by each file's "
        "name or, failing that, its directories' names (HTTP archives: by each URL)",
    )
    parser.add_argument(
        "--input-format",
        choices=FORMATS,
        help="what standard input or a file with another suffix holds (default: told by the "
        "content)",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="exit 0 when no record is found (default: exit 2, 'no payloads found')",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no summary on stderr (problems still print)"
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="print the model each file is checked as"
    )


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="unknown keys are errors, and any warning makes the exit status 1",
    )
    parser.add_argument(
        "--warnings",
        action="store_true",
        help="print warnings too (text, github, junit; the json format always has them)",
    )
    parser.add_argument(
        "--no-duplicate-keys",
        dest="duplicate_keys",
        action="store_false",
        help="do not look for keys repeated in one object of the JSON text (by default each "
        "is a duplicate_key warning: parsers disagree on which value counts)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "junit", "github"),
        default="text",
        help="text: FILE[:LINE]: PATH: message [code] (default); json: JSON Lines, one object "
        "per problem and a summary object last (a stable format, see docs/cli.md); junit: "
        "JUnit XML, a test case per file; github: GitHub Actions annotations",
    )
    parser.add_argument(
        "--max-errors",
        type=_non_negative,
        metavar="N",
        help="stop printing problems after N (they are still counted)",
    )
    parser.add_argument(
        "--chunk-size",
        type=_positive,
        default=_CHUNK_BYTES,
        metavar="BYTES",
        help=f"with --jobs, JSON Lines files larger than this are checked in chunks of about "
        f"this size (default {_CHUNK_BYTES >> 20} MiB)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        default=1,
        metavar="N",
        help="check files, and chunks of large JSON Lines files, in N processes; the output "
        "is the same as with 1 (default 1)",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="check files, and chunks of large JSON Lines files, on a Dask cluster: the "
        "scheduler's address (tcp://host:8786), or 'local' for a cluster of --jobs worker "
        "processes on this machine (default: one per core); the output is the same as "
        "without it (needs the dask extra; see docs/lake.md)",
    )


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _config(args: argparse.Namespace, chunk_bytes: int = 0) -> RunConfig:
    model = None
    if args.model is not None:
        try:
            model = resolve_model(args.model)
        except ValueError as exc:
            raise _UsageError(str(exc)) from None
    return RunConfig(
        model=model,
        read=ReadOptions(
            input_format=args.input_format,
            chunk_bytes=chunk_bytes,
            duplicate_keys=getattr(args, "duplicate_keys", False),
        ),
        check=CheckOptions(strict=getattr(args, "strict", False)),
    )


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _results(
    items: Sequence[Unit | Missing], config: RunConfig, jobs: int
) -> Generator[tuple[Unit | Missing, UnitResult | None], None, None]:
    """Each planned item with its result, in order; units run in ``jobs`` processes (None:
    run it here, as standard input always is)."""
    units = [item for item in items if isinstance(item, Unit) and item.path != "-"]
    if jobs <= 1 or len(units) <= 1:
        for item in items:
            yield item, None
        return
    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    pool = context.Pool(jobs, initializer=_ignore_sigint)
    try:
        results = pool.imap(_process, [(unit, config) for unit in units], chunksize=1)
        for item in items:
            pooled = isinstance(item, Unit) and item.path != "-"
            yield item, (next(results) if pooled else None)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _dask_results(
    items: Sequence[Unit | Missing], config: RunConfig, address: str, jobs: int
) -> Generator[tuple[Unit | Missing, UnitResult | None], None, None]:
    """As :func:`_results`, with the units run as tasks on a Dask cluster (``local``: one
    started here with ``jobs`` worker processes, or one per core)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise _UsageError("--dask needs Dask: pip install 'lms-schema[dask]'") from None
    with contextlib.ExitStack() as stack:
        if address == "local":
            workers = jobs if jobs > 1 else os.cpu_count() or 1
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=LOCAL_HTTP_ADDRESS,
            )
            stack.enter_context(cluster)
            client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        else:
            try:
                client = stack.enter_context(Client(address))  # type: ignore[no-untyped-call]
            except (OSError, ValueError) as exc:
                raise _UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        units = [item for item in items if isinstance(item, Unit) and item.path != "-"]
        futures = iter([client.submit(process_unit, unit, config, pure=False) for unit in units])
        for item in items:
            if isinstance(item, Unit) and item.path != "-":
                future = next(futures)
                result = future.result()
                future.release()
                yield item, result
            else:
                yield item, None


def _process(job: tuple[Unit, RunConfig]) -> UnitResult:
    return process_unit(*job)


def _validate(args: argparse.Namespace) -> int:
    out, err = sys.stdout, sys.stderr
    jobs = args.jobs
    config = _config(args, args.chunk_size if jobs > 1 or args.dask else 0)
    if args.paths.count("-") > 1:
        raise _UsageError("standard input (-) can be read once")
    planned = plan(args.paths, config.read)
    summary = report.Summary(skipped_files=dict(planned.skipped))
    printer = _Printer(args.format, out, args.warnings, args.max_errors)
    missing = 0
    started = time.perf_counter()
    bar = _progress(planned.total_bytes, err)
    offsets: dict[str, int] = {}
    interrupted = False
    if args.dask is not None:
        results = _dask_results(planned.items, config, args.dask, jobs)
    else:
        results = _results(planned.items, config, jobs)
    try:
        for item, result in results:
            if isinstance(item, Missing):
                missing += 1
                issue = missing_issue(item)
                summary.add("notice", [issue])
                summary.unreadable -= 1  # counted in `missing`
                printer.issue(issue)
                continue
            printer.file(item.display)
            if args.verbose and item.chunk == 0:
                model = unit_model(item, config)
                shown = model.__name__ if model is not None else "(by URL or unknown)"
                err.write(f"lms-schema: {report.escape(item.display)}: {shown}\n")
            if result is None:
                summary.files += 1
                pending = 0
                for _, outcome in iter_unit(item, config):
                    summary.add(outcome.status, outcome.issues, outcome.reason, outcome.records)
                    for issue in outcome.issues:
                        printer.issue(issue)
                    if bar is not None:
                        pending += outcome.records
                        if pending >= 1000:
                            bar.update(pending)
                            pending = 0
                if bar is not None:
                    bar.update(pending)
            else:
                offset = offsets.get(item.path, 0) if item.chunk else 0
                for issue in result.shifted(offset):
                    printer.issue(issue)
                offsets[item.path] = offset + result.lines
                summary.merge(result.summary)
                if bar is not None:
                    bar.update(result.summary.records)
            if bar is not None and item.path != "-":
                _advance_bytes(bar, _unit_bytes(item))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        results.close()  # stops the pool at once
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - started
    status = 130 if interrupted else _exit_status(summary, args, missing)
    summary.unreadable += missing
    printer.finish(summary, status, seconds, interrupted)
    if interrupted:
        err.write("lms-schema: interrupted\n")
    if not args.quiet:
        for line in report.summary_text(summary, seconds=seconds, warnings_shown=printer.warnings):
            err.write(line + "\n")
        if printer.held_back:
            err.write(f"{printer.held_back} more problems not printed (--max-errors)\n")
        if summary.records == 0 and not interrupted:
            shown = ", ".join(report.escape(p) for p in args.paths)
            err.write(f"lms-schema: no payloads found in {shown}\n")
    return status


def _unit_bytes(unit: Unit) -> int:
    if unit.end is not None:
        return unit.end - unit.start
    try:
        return os.stat(unit.path).st_size
    except OSError:
        return 0


# -- normalize ----------------------------------------------------------------------------------


def _normalize_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common(parser)
    parser.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="OUT",
        help="where the repaired records go, one per line (default -: standard output); "
        "written to a temporary file and renamed when complete",
    )
    parser.add_argument(
        "--rejects",
        metavar="FILE",
        help="JSON Lines of the records that cannot be repaired: file, line, record, errors, "
        "payload (the original)",
    )
    parser.add_argument(
        "--fixes",
        metavar="FILE",
        help="JSON Lines of every fix: file, line, record, path, rule, before, after",
    )
    parser.add_argument(
        "--duration-unit",
        choices=("ms", "s", "min", "h"),
        default=None,
        help="the unit of bare-number durations (default: not repaired)",
    )
    parser.add_argument(
        "--epoch-unit",
        choices=("s", "ms"),
        default=None,
        help="the unit of numeric timestamps (default: not repaired)",
    )
    parser.add_argument(
        "--timezone", default="UTC", metavar="ZONE", help="zone of naive times (IANA name)"
    )
    parser.add_argument(
        "--rounding",
        choices=("error", "half_even", "floor"),
        default="error",
        help="what a non-integral number becomes where an integer belongs",
    )
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="RULE",
        help="switch a rule off (repeatable; `lms-schema rules` lists them)",
    )


class _Sink:
    """An output file written to a temporary file beside it and renamed when complete."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.temp: str | None = None
        if target == "-":
            self.handle: IO[bytes] = sys.stdout.buffer
        else:
            directory = os.path.dirname(os.path.abspath(target))
            fd, self.temp = tempfile.mkstemp(
                prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory
            )
            self.handle = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        self.handle.write(data)

    def commit(self) -> None:
        self.handle.flush()
        if self.temp is not None:
            self.handle.close()
            os.replace(self.temp, self.target)
            self.temp = None

    def discard(self) -> None:
        if self.temp is not None:
            with contextlib.suppress(OSError):
                self.handle.close()
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
            self.temp = None


def _policy(args: argparse.Namespace) -> NormalizationPolicy:
    unknown = sorted(set(args.disable) - RULES.keys())
    if unknown:
        raise _UsageError(
            f"unknown normalization rule(s) in --disable: {', '.join(map(repr, unknown))}; "
            f"the rules are: {', '.join(RULES)}"
        )
    try:
        return NormalizationPolicy(
            disabled=args.disable,
            duration_unit=args.duration_unit,
            epoch_unit=args.epoch_unit,
            naive_timezone=args.timezone,
            rounding=args.rounding,
        )
    except ValueError as exc:
        raise _UsageError(str(exc)) from None


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _normalize(args: argparse.Namespace) -> int:
    err = sys.stderr
    policy = _policy(args)
    config = _config(args)
    if args.paths.count("-") > 1:
        raise _UsageError("standard input (-) can be read once")
    planned = plan(args.paths, config.read, ("json", "jsonl"))
    units = [item for item in planned.items if isinstance(item, Unit)]
    targets = [t for t in (args.output, args.rejects, args.fixes) if t is not None and t != "-"]
    for target in targets:
        for unit in units:
            if unit.path != "-" and _same_file(target, unit.path):
                raise _UsageError(f"refusing to write {target}: it is one of the inputs")
    if len(set(map(os.path.abspath, targets))) != len(targets):
        raise _UsageError("-o, --rejects and --fixes must name different files")
    sinks: list[_Sink] = []
    try:
        output = _Sink(args.output)
        sinks.append(output)
        rejects = _Sink(args.rejects) if args.rejects else None
        fixes = _Sink(args.fixes) if args.fixes else None
        sinks.extend(s for s in (rejects, fixes) if s is not None)
    except OSError as exc:
        for sink in sinks:
            sink.discard()
        raise _UsageError(f"cannot write output: {exc.strerror or exc}") from None
    summary = report.Summary(skipped_files=dict(planned.skipped))
    read = written = rejected = fixed = problems = 0
    started = time.perf_counter()
    interrupted = False
    try:
        for item in planned.items:
            if isinstance(item, Missing):
                problems += 1
                err.write(report.text_line(missing_issue(item)) + "\n")
                continue
            summary.files += 1
            model = unit_model(item, config)
            if args.verbose:
                shown = model.__name__ if model is not None else "(unknown)"
                err.write(f"lms-schema: {report.escape(item.display)}: {shown}\n")
            for event in repair_unit(item, config, policy):
                if event.kind == "notice":
                    notice = event.issues[0]
                    if notice["severity"] == "error":
                        problems += 1
                    err.write(report.text_line(notice) + "\n")
                    continue
                if event.kind == "stop":
                    problems += 1
                    err.write(event.message + "\n")
                    break
                read += 1
                record = event.record
                assert record is not None
                fixed += len(event.fixes)
                if fixes is not None:
                    for entry in event.fix_entries():
                        fixes.write(encode(entry) + b"\n")
                elif not args.quiet:  # no fixes file: on stderr
                    place = report.where(issue_dict(record, Issue("$", "", "")))
                    for fix in event.fixes:
                        path = report.escape(prefixed(record, fix.path))
                        rest = report.escape(str(fix)[len(fix.path) :])  # ": A -> B [rule]"
                        err.write(f"{place}: fixed {path}{rest}\n")
                if event.kind == "rejected":
                    rejected += 1
                    for line in event.issues:
                        err.write(report.text_line(line) + "\n")
                    if rejects is not None:
                        rejects.write(encode(event.reject_entry()) + b"\n")
                    continue
                written += 1
                assert event.canonical is not None
                output.write(event.canonical + b"\n")
        for sink in sinks:
            sink.commit()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for sink in sinks:
            sink.discard()
    seconds = time.perf_counter() - started
    if interrupted:
        err.write("lms-schema: interrupted (no output file written)\n")
    if not args.quiet:
        err.write(
            f"{read} record{'s' if read != 1 else ''} read = {written} written + {rejected} "
            f"rejected; {fixed} fix{'es' if fixed != 1 else ''} ({seconds:.2f} s)\n"
        )
        if summary.skipped_files:
            err.write(
                "skipped in directories (not an input suffix): "
                + ", ".join(f"{n} {s}" for s, n in sorted(summary.skipped_files.items()))
                + "\n"
            )
        if read == 0 and not interrupted:
            err.write(f"lms-schema: no payloads found in {', '.join(args.paths)}\n")
    if interrupted:
        return 130
    if problems:
        return 2
    if rejected:
        return 1
    if read == 0 and not args.allow_empty:
        return 2
    return 0


# -- rules, codes, sample -----------------------------------------------------------------------


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


def _rules(args: argparse.Namespace) -> int:
    width = max(map(len, RULES))
    for name, text in RULES.items():
        sys.stdout.write(f"{name:<{width}}  {text}\n")
    return 0


def _codes(args: argparse.Namespace) -> int:
    width = max(map(len, CODES))
    for name, text in CODES.items():
        sys.stdout.write(f"{name:<{width}}  {text}\n")
    return 0


def _sample_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, metavar="NAME", help="the model to draw")
    parser.add_argument(
        "-n", type=_non_negative, default=10, metavar="N", help="how many records (default 10)"
    )
    parser.add_argument(
        "--kind",
        choices=("valid", "invalid", "messy"),
        default="valid",
        help="valid: pass strict validation; invalid: exactly one violation each; messy: "
        "shapes `normalize` repairs (default valid)",
    )
    parser.add_argument(
        "--expand", metavar="EXPAND", help="valid records match this expand (e.g. user,course)"
    )
    parser.add_argument("--seed", type=int, default=0, help="the random seed (default 0)")
    parser.add_argument(
        "--page", action="store_true", help="draw Page envelopes instead of single records"
    )


def _sample(args: argparse.Namespace) -> int:
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        raise _UsageError(
            "lms-schema sample needs Hypothesis: pip install 'lms-schema[hypothesis]'"
        ) from None
    from ._capture.sample import draw

    try:
        model = resolve_model(args.model)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    try:
        records = draw(model, args.n, args.kind, args.expand, args.seed, args.page)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    out = sys.stdout.buffer
    for record in records:
        out.write(encode(record) + b"\n")
    out.flush()
    return 0


#: Every subcommand: (name, help, add_arguments, run, epilog). Add one here to add a command.
SUBCOMMANDS: list[
    tuple[
        str,
        str,
        Callable[[argparse.ArgumentParser], None],
        Callable[[argparse.Namespace], int],
        str,
    ]
] = [
    (
        "validate",
        "check JSON / JSON Lines / HAR files, directories or stdin",
        _validate_arguments,
        _validate,
        EXIT_CODES + "\n" + _VALIDATE_EXAMPLES,
    ),
    (
        "normalize",
        "repair records into canonical JSON Lines, with rejects and fixes files",
        _normalize_arguments,
        _normalize,
        "exit status: 0 every record written, 1 a record rejected, 2 usage or I/O problems "
        "(or nothing read), 130 interrupted\n\n" + _NORMALIZE_EXAMPLES,
    ),
    ("rules", "list the normalization rules (for --disable)", _no_arguments, _rules, ""),
    ("codes", "list the issue codes", _no_arguments, _codes, ""),
    (
        "sample",
        "write generated records as JSON Lines (needs the hypothesis extra)",
        _sample_arguments,
        _sample,
        "examples:\n  lms-schema sample --model completion -n 1000 --kind messy --seed 7\n",
    ),
    *schema_subcommands(),  # schema, openapi
]


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="lms-schema",
        description="Validate and normalize captured Bindbee LMS API payloads.",
        epilog=EXIT_CODES + "\n" + _VALIDATE_EXAMPLES + "\nThe manual: docs/cli.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"lms-schema {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text, add_arguments, run, epilog in SUBCOMMANDS:
        sub = commands.add_parser(
            name,
            help=text,
            description=text,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        add_arguments(sub)
        sub.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lms-schema`` console script."""
    args = _parser().parse_args(argv)
    try:
        try:
            return int(args.run(args))
        except _UsageError as exc:
            sys.stderr.write(f"lms-schema: {exc}\n")
            return 2
        except KeyboardInterrupt:
            sys.stderr.write("lms-schema: interrupted\n")
            return 130
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly. Python would complain
        # again when it flushes stdout at exit, so point stdout at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
