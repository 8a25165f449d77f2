"""lms_schema.dask gives the command line's answers: synchronously and on a LocalCluster."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import dask.bag
import pytest
from dask.distributed import Client, LocalCluster
from lakedata import (
    BAD_SCORE,
    DUPLICATE,
    EXTRA_KEY,
    GOOD,
    NOT_JSON,
    cli,
    cli_normalize,
    cli_validate,
    timeless,
    write_lake,
)

import lms_schema.dask as lsd
from lms_schema import Completion, NormalizationPolicy
from lms_schema._capture.readers import ReadOptions, Unit, plan
from lms_schema._cli import LOCAL_HTTP_ADDRESS

BLOCK = 3000  # bytes: completions.jsonl (about 60 kB) is read in many blocks


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_lake(tmp_path_factory.mktemp("dask"))


@pytest.fixture(scope="module")
def port_8787_taken() -> Iterator[None]:
    """Dask's default HTTP port held for the module, as another cluster (or another test
    run on this machine) would hold it: a cluster started here must not need it (the clash
    is a warning, which fails the test)."""
    with socket.socket() as held:
        try:
            held.bind(("127.0.0.1", 8787))
            held.listen()
        except OSError:  # held by someone else already: the same situation
            pass
        yield


@pytest.fixture(scope="module")
def client(port_8787_taken: None) -> Iterator[Client]:
    """A LocalCluster of 2 worker processes, started here and shut down after the module."""
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=LOCAL_HTTP_ADDRESS,
        ) as cluster,
        Client(cluster) as running,
    ):
        yield running


@pytest.fixture(params=["synchronous", "processes", "distributed"])
def scheduler(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every kind of scheduler: synchronous, dask's process pool (2 spawned processes: what
    it ships must pickle) and a distributed LocalCluster."""
    if request.param in ("synchronous", "processes"):
        with dask.config.set(scheduler=request.param, num_workers=2):
            yield request.param
    else:
        running = request.getfixturevalue("client")
        with dask.config.set(scheduler=running.get):
            yield str(running.scheduler.address)


def _inputs(lake: Path) -> list[str]:
    return [str(lake), str(lake / "nope.jsonl")]  # a missing path among good ones


def test_the_fixture_splits_into_blocks(lake: Path) -> None:
    units = plan(_inputs(lake), ReadOptions(chunk_bytes=BLOCK)).items
    blocks = [u for u in units if isinstance(u, Unit) and u.path.endswith("completions.jsonl")]
    assert len(blocks) > 10
    assert [b.chunk for b in blocks] == list(range(len(blocks)))


def test_issues_and_summary_equal_the_command_lines(lake: Path, scheduler: str) -> None:
    del scheduler
    expected, expected_summary = cli_validate(*_inputs(lake))
    issues = lsd.validate(_inputs(lake), blocksize=BLOCK).compute()
    assert issues == expected  # the same objects, lines and order
    assert timeless(lsd.summary(_inputs(lake), blocksize=BLOCK)) == timeless(expected_summary)
    # lines across the blocks of one file are the file's lines
    completions = [i for i in issues if i["file"].endswith("2025-01/completions.jsonl")]
    errors = {(i["line"], i["code"]) for i in completions if i["severity"] == "error"}
    assert {(n, "wrong_type") for n in BAD_SCORE} | {(NOT_JSON, "invalid_json")} <= errors
    assert (EXTRA_KEY, "unknown_key") in {(i["line"], i["code"]) for i in completions}
    repeated = [(i["line"], i["path"]) for i in completions if i["code"] == "duplicate_key"]
    assert repeated == [(DUPLICATE, "$.custom_fields.a"), (DUPLICATE, "$.score")]
    # a bad file and a missing path are reported, and the files after them are checked
    codes = {(Path(i["file"]).name, i["code"]) for i in issues}
    assert ("a-broken-completions.jsonl.gz", "unreadable") in codes
    assert ("nope.jsonl", "unreadable") in codes
    assert ("mystery.jsonl", "unknown_model") in codes
    assert ("users.jsonl.gz", "wrong_type") in codes  # after the broken file
    assert ("capture.har", "invalid_har") in codes  # HTTP archives too


def test_the_issue_objects_have_the_command_lines_keys(lake: Path) -> None:
    with dask.config.set(scheduler="synchronous"):
        first = lsd.validate(str(lake / "2025-01" / "users.json")).take(1)[0]
    assert list(first) == [
        "type", "file", "line", "record", "id", "path", "code", "severity", "message"
    ]  # fmt: skip
    assert first["record"] == "$[1]" and first["path"] == "$[1].id"


def test_model_glob_and_strict(lake: Path) -> None:
    pattern = str(lake / "2025-0*" / "users.js*")
    with dask.config.set(scheduler="synchronous"):
        strict = lsd.validate(pattern, "users", strict=True).compute()
        summary = lsd.summary(pattern, model="users", strict=True)
    files = sorted(str(p) for p in lake.glob("2025-0*/users.js*"))
    expected, expected_summary = cli_validate("--model", "users", "--strict", *files)
    assert strict == expected
    assert timeless(summary) == timeless(expected_summary)


def test_duplicate_keys_can_be_turned_off_as_on_the_command_line(lake: Path) -> None:
    path = str(lake / "2025-01" / "completions.jsonl")
    expected, expected_summary = cli_validate("--no-duplicate-keys", path)
    assert "duplicate_key" not in {i["code"] for i in expected}
    with dask.config.set(scheduler="synchronous"):
        assert lsd.validate(path, duplicate_keys=False, blocksize=BLOCK).compute() == expected
        summary = lsd.summary(path, duplicate_keys=False, blocksize=BLOCK)
    assert timeless(summary) == timeless(expected_summary)
    # and the same answers under --strict
    strict, strict_summary = cli_validate("--strict", path)
    with dask.config.set(scheduler="synchronous"):
        assert lsd.validate(path, strict=True, blocksize=BLOCK).compute() == strict
        assert timeless(lsd.summary(path, strict=True, blocksize=BLOCK)) == timeless(strict_summary)
    assert "duplicate_key" in {i["code"] for i in strict}
    with pytest.raises(TypeError, match="duplicate_keys must be a bool"):
        lsd.validate(path, duplicate_keys="yes")  # type: ignore[arg-type]


def test_a_bag_of_records(lake: Path) -> None:
    lines = (lake / "2025-01" / "completions.jsonl").read_text().split("\n")[:-1]
    expected, _ = cli_validate(str(lake / "2025-01" / "completions.jsonl"))
    bag = dask.bag.from_sequence(lines, npartitions=4)
    with dask.config.set(scheduler="synchronous"):
        issues = lsd.validate(bag, Completion).compute()
        dicts = lsd.validate(dask.bag.from_sequence([json.loads(lines[6])]), "completion")
        one = dicts.compute()
        summary = lsd.summary(bag, Completion)

    def key(issue: dict[str, Any]) -> tuple[Any, ...]:
        return (issue["record"], issue["id"], issue["path"], issue["code"], issue["message"])

    assert sorted(map(key, issues), key=repr) == sorted(map(key, expected), key=repr)
    # the file is the partition, the line the record's number in it
    starts = [0]
    for part in bag.to_delayed()[:-1]:
        starts.append(starts[-1] + len(part.compute()))
    lines_in_file = sorted(
        starts[int(i["file"].removeprefix("<bag partition ").rstrip(">"))] + i["line"]
        for i in issues
    )
    assert lines_in_file == sorted(i["line"] for i in expected)
    assert [key(i) for i in one] == [key(i) for i in expected if i["line"] == BAD_SCORE[0]]
    assert summary["records"] == 320 - 1 + 1  # a blank line is none, a page of 2 is 2
    with pytest.raises(TypeError, match="pass model="):
        lsd.validate(bag)


def test_normalize_equals_the_command_line(lake: Path, tmp_path: Path, scheduler: str) -> None:
    del scheduler
    policy = NormalizationPolicy()  # the command line's default
    counts, clean, rejects = cli_normalize(*_inputs(lake), out=tmp_path / "cli")
    assert counts["fixes"] >= 1
    got = lsd.normalize(
        _inputs(lake), tmp_path / "clean", policy=policy, rejects_dir=tmp_path / "rejects",
        blocksize=BLOCK,
    )  # fmt: skip
    assert got["read"] == got["written"] + got["rejected"]
    assert {k: got[k] for k in counts} == counts
    assert got["problems"] == 3  # the missing path, the broken gzip file, the unknown model
    parts = sorted((tmp_path / "clean").iterdir())
    assert len(parts) > 10
    assert b"".join(p.read_bytes() for p in parts).splitlines() == clean
    found = [
        json.loads(line)
        for p in sorted((tmp_path / "rejects").iterdir())
        for line in p.read_bytes().splitlines()
    ]
    assert found == rejects  # the command line's rejects, with the file's line numbers
    assert {r["line"] for r in found if r["file"].endswith("completions.jsonl")} >= {
        *BAD_SCORE,
        NOT_JSON,
    }


def test_normalize_a_bag(tmp_path: Path) -> None:
    records = [GOOD, {**GOOD, "id": 5}, json.dumps(GOOD), "{not json"]
    bag = dask.bag.from_sequence(records, npartitions=2)
    with dask.config.set(scheduler="synchronous"):
        counts = lsd.normalize(bag, tmp_path / "out", "users", rejects_dir=tmp_path / "rej")
    assert counts == {"read": 4, "written": 2, "rejected": 2, "fixes": 0, "problems": 0}
    rejects = [
        json.loads(line)
        for p in sorted((tmp_path / "rej").iterdir())
        for line in p.read_bytes().splitlines()
    ]
    assert [(r["file"], r["line"], r["errors"][0]["code"]) for r in rejects] == [
        ("<bag partition 0>", 2, "wrong_type"),
        ("<bag partition 1>", 2, "invalid_json"),
    ]


def test_wrong_arguments_are_type_errors(lake: Path) -> None:
    with pytest.raises(TypeError, match="path"):
        lsd.validate([str(lake), 3])
    with pytest.raises(TypeError, match="model"):
        lsd.validate(str(lake), 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="policy"):
        lsd.normalize(str(lake), str(lake), policy="s")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown model"):
        lsd.validate(str(lake), "gradebooks")


def test_the_command_line_on_the_cluster(lake: Path, client: Client) -> None:
    """``--dask ADDRESS`` and ``--dask local`` (a cluster of its own, while Dask's default
    port is taken) give the one-process answers; an unreachable scheduler is a usage error."""
    assert client.scheduler is not None
    expected = cli("validate", "--format", "json", "--warnings", *_inputs(lake))
    got = cli(
        "validate", "--format", "json", "--warnings", "--chunk-size", str(BLOCK),
        "--dask", str(client.scheduler.address), *_inputs(lake),
    )  # fmt: skip
    assert got[0] == expected[0] == 2

    def objects(out: str) -> list[dict[str, Any]]:
        found = [json.loads(line) for line in out.split("\n") if line]
        found[-1] = timeless(found[-1])
        return found

    assert objects(got[1]) == objects(expected[1])
    local = cli(
        "validate", "--format", "json", "--warnings", "--chunk-size", str(BLOCK),
        "--dask", "local", "--jobs", "2", *_inputs(lake),
    )  # fmt: skip
    assert local[0] == 2
    assert objects(local[1]) == objects(expected[1])
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        unreachable = cli("validate", "--dask", "tcp://127.0.0.1:9", str(lake))
    assert unreachable[0] == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in unreachable[2]
