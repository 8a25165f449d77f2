"""Running the harness: batches of Hypothesis examples, N processes, reports, findings, replay.

``python3 -m lms_schema._fuzz --seconds 3600 --jobs 2`` starts two worker processes (each its
own seed and example database), adds up what they report, prints a progress line every
``--report-every`` seconds and a summary at the end (inputs tried, inputs per second, per
input kind, per target class, findings). A finding is written to ``--findings DIR`` as a
JSON file that ``python3 -m lms_schema._fuzz --replay FILE`` runs again. Exit status: 0 no
finding, 1 a finding in lms-schema, 3 a failure of the harness itself, 2 usage errors.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.errors import FlakyFailure

from . import inputs
from .inputs import COUNTS, EXTRA_ORACLES, KINDS, LAST_FAILURE, TARGET_BY_NAME, TARGETS
from .oracles import Finding, HarnessError
from .walk import dump_value, load_value

__all__ = ["main", "replay"]

EXIT_OK, EXIT_FINDING, EXIT_USAGE, EXIT_HARNESS = 0, 1, 2, 3
#: Examples per Hypothesis run; the campaign runs batch after batch with new seeds.
BATCH = 200
#: Lines a worker writes for the parent start with this; anything else is passed through.
_PROTOCOL = "@@fuzz "
FORMAT = "lms-schema-fuzz-finding/1"


# -- one process ----------------------------------------------------------------------------------


def _batch_test(batch_seed: int, database: Any, examples: int) -> Any:
    return settings(
        database=database,
        deadline=None,
        max_examples=examples,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=True,
    )(hypothesis_seed(batch_seed)(given(st.data())(inputs.fuzz_body)))


def run_process(
    *,
    seconds: float,
    budget: int | None,
    seed: int,
    database: Path | None,
    findings: Path,
    oracle_args: list[str],
    emit: Any,
) -> int:
    """Fuzz in this process until the time or the input budget is used up, or a finding.

    ``emit(event: dict)`` receives ``counts``, ``finding`` and ``harness`` events.
    """
    db = None
    if database is not None:
        database.mkdir(parents=True, exist_ok=True)
        db = DirectoryBasedExampleDatabase(str(database))
    deadline = time.monotonic() + seconds
    batch = 0
    last = [0.0]

    def progress(counts: inputs.Counts) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            emit({"event": "counts", **counts.snapshot()})

    COUNTS.reset()
    inputs.LIMIT.deadline, inputs.LIMIT.budget = deadline, budget
    inputs.PROGRESS.append(progress)
    try:
        while not inputs.LIMIT.reached():
            left = None if budget is None else budget - COUNTS.inputs
            examples = _batch_size(left, deadline - time.monotonic())
            test = _batch_test(seed * 1_000_003 + batch, db, examples)
            batch += 1
            try:
                test()
            except (Finding, FlakyFailure) as exc:
                if isinstance(exc, FlakyFailure) and not _has_finding(exc):
                    emit(_harness_event(exc))
                    return EXIT_HARNESS
                COUNTS.findings += 1
                emit(_finding_event(exc, findings, oracle_args))
                return EXIT_FINDING
            except Exception as exc:  # noqa: BLE001 - HarnessError, or Hypothesis refusing
                emit(_harness_event(exc))
                return EXIT_HARNESS
        return EXIT_OK
    finally:
        inputs.LIMIT.lift()
        inputs.PROGRESS.remove(progress)
        emit({"event": "counts", **COUNTS.snapshot()})


def _batch_size(left: int | None, seconds_left: float) -> int:
    """Examples for the next batch: at most :data:`BATCH`, the inputs left, and (from the
    rate of examples so far) about what fits in the time left. The examples that run after
    the limit only draw (the seeded loop stops at the limit itself)."""
    size = BATCH if left is None else max(1, min(BATCH, left))
    elapsed = time.monotonic() - COUNTS.started
    if COUNTS.examples >= 20 and elapsed > 0:
        fits = int(COUNTS.examples / elapsed * seconds_left) + 1
        size = min(size, max(5, fits))
    return size


def _has_finding(group: BaseExceptionGroup[Any]) -> bool:
    return any(isinstance(e, Finding) for e in group.exceptions) or any(
        isinstance(e, BaseExceptionGroup) and _has_finding(e) for e in group.exceptions
    )


def _harness_event(exc: BaseException) -> dict[str, Any]:
    return {
        "event": "harness",
        "message": f"{type(exc).__name__}: {exc}"[:2000],
        "traceback": "".join(traceback.format_exception(exc))[-20000:],
    }


def save_finding(
    kind: str,
    cls: Any,
    value: Any,
    finding: Finding,
    directory: Path,
    origin: dict[str, int] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Write a finding as a replay file; returns its path and contents. The exact input is
    saved (``input``); ``origin`` (seed and index of a seeded input) is for information."""
    document = {
        "format": FORMAT,
        "kind": kind,
        "target": inputs.target_name(cls),
        "oracle": finding.oracle,
        "message": str(finding),
        "input": dump_value(value),
    }
    if origin is not None:
        document["origin"] = origin
    text = json.dumps(document, ensure_ascii=True, sort_keys=True)
    digest = hashlib.sha256(json.dumps(document["input"]).encode()).hexdigest()[:12]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"finding-{kind}-{digest}.json"
    path.write_text(text + "\n")
    return path, document


def replay_command(path: Path, oracle_args: list[str]) -> str:
    """The one command that replays a saved finding."""
    extra = "".join(f" --oracle {spec}" for spec in oracle_args)
    return f"python3 -m lms_schema._fuzz --replay {path}{extra}"


def _finding_event(exc: BaseException, directory: Path, oracle_args: list[str]) -> dict[str, Any]:
    if not LAST_FAILURE:  # pragma: no cover - a Finding always passes through run_checks
        return _harness_event(exc)
    kind, cls, value, finding, origin = LAST_FAILURE
    path, document = save_finding(kind, cls, value, finding, directory, origin)
    return {
        "event": "finding",
        "flaky": isinstance(exc, FlakyFailure),
        "kind": kind,
        "target": document["target"],
        "oracle": finding.oracle,
        "message": str(finding),
        "file": str(path),
        "replay": replay_command(path, oracle_args),
    }


# -- adding up and reporting ----------------------------------------------------------------------


class Tally:
    """The counts of every job (the last snapshot each sent) and the findings."""

    def __init__(self, jobs: int, seeds: list[int]) -> None:
        self.jobs: list[dict[str, Any]] = [{"inputs": 0, "kinds": {}, "targets": {}} for _ in seeds]
        self.seeds = seeds
        self.findings: list[dict[str, Any]] = []
        self.harness: list[dict[str, Any]] = []
        self.started = time.monotonic()
        self.lock = threading.Lock()

    def event(self, job: int, event: dict[str, Any]) -> None:
        """Take one event of a job."""
        with self.lock:
            if event["event"] == "counts":
                self.jobs[job] = event
            elif event["event"] == "finding":
                self.findings.append({"job": job, **event})
            elif event["event"] == "harness":
                self.harness.append({"job": job, **event})

    def total(self) -> dict[str, Any]:
        """The counts of all jobs added up."""
        with self.lock:
            kinds: Counter[str] = Counter()
            targets: Counter[str] = Counter()
            for job in self.jobs:
                kinds.update(job["kinds"])
                targets.update(job["targets"])
            elapsed = time.monotonic() - self.started
            inputs_ = sum(job["inputs"] for job in self.jobs)
            return {
                "inputs": inputs_,
                "seconds": round(elapsed, 3),
                "inputs_per_second": round(inputs_ / elapsed, 1) if elapsed else 0.0,
                "kinds": dict(sorted(kinds.items())),
                "targets": dict(sorted(targets.items())),
                "jobs": [
                    {
                        "seed": s,
                        "inputs": j["inputs"],
                        "seconds": round(j.get("seconds", 0.0), 3),
                        "cpu_seconds": round(j.get("cpu_seconds", 0.0), 3),
                    }
                    for s, j in zip(self.seeds, self.jobs, strict=True)
                ],
                "findings": list(self.findings),
                "harness_failures": [
                    {k: v for k, v in h.items() if k != "traceback"} for h in self.harness
                ],
            }

    def progress_line(self) -> str:
        """One line: time, inputs, rate, findings."""
        total = self.total()
        return (
            f"[{total['seconds']:7.0f} s] {total['inputs']:,} inputs, "
            f"{total['inputs_per_second']:,.0f}/s, {len(total['findings'])} findings"
        )


def _table(title: str, counts: dict[str, int], whole: int) -> list[str]:
    lines = [f"  {title}:"]
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        share = 100 * count / whole if whole else 0.0
        lines.append(f"    {name:<22} {count:>11,}  {share:5.1f} %")
    return lines


def summary(tally: Tally) -> str:
    """The closing report."""
    total = tally.total()
    lines = [
        f"{total['inputs']:,} inputs in {total['seconds']:.0f} s "
        f"({total['inputs_per_second']:,.0f}/s) by {len(total['jobs'])} "
        f"job{'s' if len(total['jobs']) != 1 else ''}",
    ]
    for index, job in enumerate(total["jobs"]):
        rate = job["inputs"] / job["seconds"] if job["seconds"] else 0.0
        cpu = job["inputs"] / job["cpu_seconds"] if job["cpu_seconds"] else 0.0
        lines.append(
            f"  job {index}: seed {job['seed']}, {job['inputs']:,} inputs in "
            f"{job['seconds']:.0f} s, {rate:,.1f}/s ({cpu:,.1f} per CPU second)"
        )
    lines += _table("per input kind", total["kinds"], total["inputs"])
    lines += _table("per target class", total["targets"], total["inputs"])
    if not tally.findings and not tally.harness:
        lines.append("no findings")
    for finding in tally.findings:
        flaky = " (flaky: did not fail again when rerun)" if finding.get("flaky") else ""
        lines += [
            f"FINDING in lms-schema{flaky}: {finding['message']}",
            f"  input: a {finding['kind']!r} input for {finding['target']}, saved to "
            f"{finding['file']}",
            f"  replay: {finding['replay']}",
        ]
    for failure in tally.harness:
        lines += [
            "HARNESS FAILURE (a bug in the fuzz harness, not a finding in lms-schema): "
            + failure["message"],
            failure["traceback"].rstrip(),
        ]
    return "\n".join(lines)


# -- workers --------------------------------------------------------------------------------------

_COVERAGE_OMIT = "*/lms_schema/_fuzz/*,*/lms_schema/strategies.py,*/lms_schema/_hypothesis.py"


def _worker_command(args: argparse.Namespace, job: int, seed: int, budget: int | None) -> list[str]:
    command = [sys.executable]
    if args.coverage:
        command += [
            "-m",
            "coverage",
            "run",
            "--branch",
            "--source=lms_schema",
            f"--omit={_COVERAGE_OMIT}",
            f"--data-file={Path(args.coverage_dir) / f'.coverage.job{job}'}",
        ]
    command += ["-m", "lms_schema._fuzz", "--worker", "--seed", str(seed)]
    command += ["--seconds", str(args.seconds), "--findings", str(args.findings)]
    command += ["--db", str(Path(args.db) / f"job-{job}")]
    if budget is not None:
        command += ["--inputs", str(budget)]
    for spec in args.oracle:
        command += ["--oracle", spec]
    if args.kinds:
        command += ["--kinds", args.kinds]
    command += ["--per-base", str(args.per_base)]
    return command


def _read_worker(
    job: int, process: subprocess.Popen[str], tally: Tally, passthrough: TextIO
) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(_PROTOCOL):
            tally.event(job, json.loads(line[len(_PROTOCOL) :]))
        else:
            passthrough.write(line)


def run_jobs(args: argparse.Namespace, out: TextIO) -> int:
    """``--jobs N`` (or ``--coverage``): N worker processes, their counts added up."""
    seeds = [args.seed + job for job in range(args.jobs)]
    budgets: list[int | None] = [None] * args.jobs
    if args.inputs is not None:
        share, rest = divmod(args.inputs, args.jobs)
        budgets = [share + (job < rest) for job in range(args.jobs)]
    tally = Tally(args.jobs, seeds)
    processes = []
    readers = []
    for job, seed in enumerate(seeds):
        process = subprocess.Popen(
            _worker_command(args, job, seed, budgets[job]),
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        reader = threading.Thread(
            target=_read_worker, args=(job, process, tally, sys.stderr), daemon=True
        )
        reader.start()
        processes.append(process)
        readers.append(reader)
    next_report = time.monotonic() + args.report_every
    while any(p.poll() is None for p in processes):
        time.sleep(0.2)
        if tally.findings or tally.harness:  # one finding ends the campaign
            for process in processes:
                if process.poll() is None:
                    process.terminate()
        if time.monotonic() >= next_report:
            out.write(tally.progress_line() + "\n")
            out.flush()
            next_report += args.report_every
    for reader in readers:
        reader.join()
    codes = [p.returncode for p in processes]
    out.write(summary(tally) + "\n")
    if args.coverage:
        out.write(coverage_report(Path(args.coverage_dir), args.jobs) + "\n")
    _write_summary(args, tally)
    if tally.harness or any(c not in (EXIT_OK, EXIT_FINDING, -15) for c in codes):
        if not tally.harness:
            out.write(f"HARNESS FAILURE: a worker exited with status {codes}\n")
        return EXIT_HARNESS
    return EXIT_FINDING if tally.findings else EXIT_OK


def _write_summary(args: argparse.Namespace, tally: Tally) -> None:
    if args.summary:
        Path(args.summary).write_text(json.dumps(tally.total(), indent=2) + "\n")


# -- coverage -------------------------------------------------------------------------------------


def coverage_report(directory: Path, jobs: int) -> str:
    """Line and branch coverage of lms_schema from the jobs' data files."""
    import coverage

    cov = coverage.Coverage(data_file=str(directory / ".coverage"), branch=True)
    cov.combine([str(directory / f".coverage.job{job}") for job in range(jobs)], keep=True)
    cov.save()
    report = directory / "coverage.json"
    cov.json_report(outfile=str(report))
    data = json.loads(report.read_text())
    totals = data["totals"]
    lines = [
        "coverage of lms_schema by the fuzz inputs (strategies and the harness left out): "
        f"lines {_percent(totals['covered_lines'], totals['num_statements'])}, "
        f"branches {_percent(totals['covered_branches'], totals['num_branches'])}",
    ]
    for name, item in sorted(data["files"].items()):
        numbers = item["summary"]
        name = name[name.rfind("lms_schema") :]
        lines.append(
            f"    {name:<38} lines "
            f"{_percent(numbers['covered_lines'], numbers['num_statements']):>22}  branches "
            f"{_percent(numbers['covered_branches'], numbers['num_branches']):>22}"
        )
    lines.append(f"  details: python3 -m coverage html --data-file={directory / '.coverage'}")
    return "\n".join(lines)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole if whole else 100.0:.1f} % ({part}/{whole})"


# -- replay ---------------------------------------------------------------------------------------


def replay(path: Path, out: TextIO) -> int:
    """Run a saved finding again: exit 1 if it still fails, 0 if not, 3 for a harness error."""
    document = json.loads(path.read_text())
    if document.get("format") != FORMAT:
        out.write(f"{path}: not a saved fuzz finding\n")
        return EXIT_USAGE
    kind, target = document["kind"], document["target"]
    if kind not in KINDS or target not in TARGET_BY_NAME:
        out.write(f"{path}: unknown kind {kind!r} or target {target!r}\n")
        return EXIT_USAGE
    value = load_value(document["input"])
    out.write(f"replaying a {kind!r} input for {target} (saved as: {document['message']})\n")
    try:
        inputs.run_checks(kind, TARGET_BY_NAME[target], value)
    except Finding as finding:
        out.write(f"FINDING in lms-schema: {finding}\n")
        out.write("".join(traceback.format_exception(finding)))
        return EXIT_FINDING
    except HarnessError as exc:
        out.write(f"HARNESS FAILURE: {exc}\n" + "".join(traceback.format_exception(exc)))
        return EXIT_HARNESS
    out.write("no finding: the input passes every oracle now\n")
    return EXIT_OK


# -- command line ---------------------------------------------------------------------------------


def load_oracle(spec: str) -> Any:
    """``module:function`` -> the function (an extra oracle, see ``--oracle``)."""
    module, _, name = spec.partition(":")
    if not module or not name:
        raise ValueError(f"--oracle expects module:function, got {spec!r}")
    return getattr(importlib.import_module(module), name)


def _parser() -> argparse.ArgumentParser:
    from . import __doc__ as doc

    parser = argparse.ArgumentParser(
        prog="python3 -m lms_schema._fuzz",
        description=(doc or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--seconds", type=float, help="how long to run (default 60, none with --inputs)")
    add("--inputs", type=int, help="stop after this many inputs in total (at least)")
    add("--jobs", type=int, default=1, help="fuzzing processes (default 1)")
    add("--seed", type=int, help="seed of job 0 (job i uses seed+i); random by default")
    add("--report-every", type=float, default=60.0, help="seconds between progress lines")
    add("--findings", default="fuzz-findings", help="where findings are saved")
    add("--db", default=".hypothesis/fuzz", help="example databases (one per job below it)")
    add("--summary", help="also write the closing counts as JSON to this file")
    add("--coverage", action="store_true", help="report line and branch coverage (coverage.py)")
    add("--coverage-dir", help="where coverage data goes (default: a temporary directory)")
    add("--oracle", action="append", default=[], help="an extra oracle, module:function")
    add("--kinds", help=f"only these input kinds, comma separated (of {', '.join(KINDS)})")
    add(
        "--per-base",
        type=int,
        default=inputs.PER_BASE,
        help=f"inputs a seeded kind makes from one base (default {inputs.PER_BASE})",
    )
    add("--replay", help="run a saved finding again")
    add("--atheris", action="store_true", help="coverage-guided with atheris (must be installed)")
    add("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """The command line; see ``python3 -m lms_schema._fuzz --help``."""
    out = out or sys.stdout
    args, rest = _parser().parse_known_args(argv)
    if rest and not args.atheris:
        _parser().error(f"unrecognized arguments: {' '.join(rest)}")
    if args.jobs < 1 or args.per_base < 1 or (args.inputs is not None and args.inputs < 1):
        _parser().error("--jobs, --inputs and --per-base must be at least 1")
    inputs.PER_BASE = args.per_base
    try:
        oracles = [load_oracle(spec) for spec in args.oracle]
    except (ValueError, ImportError, AttributeError) as exc:
        _parser().error(str(exc))
    EXTRA_ORACLES[:] = oracles
    if args.kinds:
        chosen = tuple(args.kinds.split(","))
        if not set(chosen) <= set(KINDS):
            _parser().error(f"--kinds: unknown kind in {args.kinds!r} (of {', '.join(KINDS)})")
        inputs.CHOSEN_KINDS[:] = chosen
    if args.replay:
        return replay(Path(args.replay), out)
    if args.atheris:
        return _atheris(args, rest)
    if args.seed is None:
        args.seed = int.from_bytes(os.urandom(4), "big")
    if args.seconds is None:
        args.seconds = 60.0 if args.inputs is None else 1e9
    if args.worker:
        return _worker(args)
    if args.coverage or args.jobs > 1:
        if args.coverage and args.coverage_dir is None:
            args.coverage_dir = tempfile.mkdtemp(prefix="lms-schema-fuzz-coverage-")
        return run_jobs(args, out)
    tally = Tally(1, [args.seed])
    next_report = [time.monotonic() + args.report_every]

    def emit(event: dict[str, Any]) -> None:
        tally.event(0, event)
        if event["event"] == "counts" and time.monotonic() >= next_report[0]:
            next_report[0] += args.report_every
            out.write(tally.progress_line() + "\n")
            out.flush()

    status = run_process(
        seconds=args.seconds,
        budget=args.inputs,
        seed=args.seed,
        database=Path(args.db) / "job-0",
        findings=Path(args.findings),
        oracle_args=args.oracle,
        emit=emit,
    )
    out.write(summary(tally) + "\n")
    _write_summary(args, tally)
    return status


def _worker(args: argparse.Namespace) -> int:
    real_stdout = sys.stdout
    lock = threading.Lock()

    def emit(event: dict[str, Any]) -> None:
        with lock:
            real_stdout.write(_PROTOCOL + json.dumps(event) + "\n")
            real_stdout.flush()

    sys.stdout = sys.stderr  # Hypothesis prints its reports; they must not mix with events
    try:
        return run_process(
            seconds=args.seconds,
            budget=args.inputs,
            seed=args.seed,
            database=Path(args.db),
            findings=Path(args.findings),
            oracle_args=args.oracle,
            emit=emit,
        )
    finally:
        sys.stdout = real_stdout


_LIBFUZZER_DEFAULTS = ("-max_len=8192", "-len_control=0")


def _instrument_core(atheris: Any) -> None:
    """Coverage instrumentation for the library's own functions only (instrumenting all of
    Hypothesis too takes minutes and guides the fuzzer towards the generator)."""
    import gc
    import types

    skip = ("lms_schema.strategies", "lms_schema._fuzz", "lms_schema._hypothesis")
    for obj in gc.get_objects():
        if (
            isinstance(obj, types.FunctionType)
            and (obj.__module__ or "").startswith("lms_schema")
            and not (obj.__module__ or "").startswith(skip)
        ):
            atheris.instrument_func(obj)


def _atheris(args: argparse.Namespace, rest: list[str]) -> int:  # pragma: no cover - optional
    import atheris  # type: ignore[import-untyped]

    from . import fuzz_one

    _instrument_core(atheris)
    atheris.Setup(
        # long inputs from the start: Hypothesis needs a few hundred bytes per payload
        [sys.argv[0], f"-max_total_time={int(args.seconds)}", *_LIBFUZZER_DEFAULTS, *rest],
        fuzz_one.hypothesis.fuzz_one_input,  # type: ignore[attr-defined]
    )
    atheris.Fuzz()  # exits the process when the time is up or on a finding
    return EXIT_OK


assert set(TARGETS) <= set(TARGET_BY_NAME.values())
