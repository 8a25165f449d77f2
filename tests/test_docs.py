"""Every example in README.md and docs/*.md runs as written.

Python blocks (```python) run top to bottom, one namespace per file, from the repository root.
Shell blocks (```sh) run one by one with bash (``set -euo pipefail``) from the repository
root, against this checkout (``lms-schema`` and ``python3`` are this interpreter), and must
exit 0. A comment on the line before a block changes that (the marker is documented in
docs/index.md, "About these pages")::

    <!-- docs-test: exit=1 -->                 the block must exit with status 1
    <!-- docs-test: skip (why, in words) -->   not run: installs, long runs
    <!-- docs-test: output -->                  (on a text block) exactly what the Python
                                               block before it prints

Blocks in other languages (text, json, toml) are not run; a block in a runnable language
under another spelling (```py, ```bash) is an error, so nothing escapes by accident.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

RUN_PYTHON = "python"
RUN_SHELL = "sh"
NOT_RUN = {"text", "json", "toml", "yaml", "http"}
#: Other spellings of a runnable language: refused, so that a block cannot slip past by name.
REFUSED = {"py", "python3", "pycon", "bash", "shell", "console", "zsh", ""}
#: Most skip markers allowed across all files (installs and long runs only).
MAX_SKIPS = 8

_FENCE = re.compile(r"^```(?P<lang>\S*)\s*$")
_MARKER = re.compile(
    r"^<!-- docs-test: (?P<what>skip \((?P<why>[^)]+)\)|exit=(?P<exit>\d+)|(?P<output>output)) -->$"
)


@attrs.frozen
class Block:
    path: Path
    line: int  # 1-based line of the first line of code
    lang: str
    code: str
    skip: str | None = None  # the reason
    exit: int = 0
    output: bool = False  # a text block: what the Python block before it prints

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> Iterator[Block]:
    """The fenced blocks of a Markdown file (top level only, as every page here writes them)."""
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        start = index + 1
        end = start
        while end < len(lines) and lines[end] != "```":
            end += 1
        if end == len(lines):
            raise AssertionError(f"{path}:{index + 1}: unclosed code block")
        marker = _MARKER.match(lines[index - 1]) if index else None
        yield Block(
            path,
            start + 1,
            fence["lang"],
            "\n".join(lines[start:end]) + "\n",
            skip=marker["why"] if marker and marker["why"] else None,
            exit=int(marker["exit"]) if marker and marker["exit"] else 0,
            output=bool(marker and marker["output"]),
        )
        index = end + 1


ALL = [b for path in FILES for b in blocks(path)]
SHELL = [b for b in ALL if b.lang == RUN_SHELL and b.skip is None]
PYTHON_FILES = sorted({b.path for b in ALL if b.lang == RUN_PYTHON}, key=str)


def test_the_files_are_found() -> None:
    names = {str(p.relative_to(ROOT)) for p in FILES}
    assert {"README.md", "docs/index.md", "docs/rules.md", "docs/normalization.md"} <= names
    assert len(SHELL) >= 5
    assert len(PYTHON_FILES) >= 5


def test_every_block_has_a_known_language() -> None:
    wrong = [
        f"{b.where}: ```{b.lang}"
        for b in ALL
        if b.lang in REFUSED or b.lang not in {RUN_PYTHON, RUN_SHELL, *NOT_RUN}
    ]
    assert wrong == [], "write ```python or ```sh (run), or ```text (not run)"


def test_markers_are_few_and_on_runnable_blocks() -> None:
    skipped = [b for b in ALL if b.skip is not None]
    assert len(skipped) <= MAX_SKIPS, [b.where for b in skipped]
    assert all(b.lang in {RUN_PYTHON, RUN_SHELL} for b in skipped)
    assert all(b.lang == RUN_SHELL for b in ALL if b.exit)
    assert all(b.lang == "text" for b in ALL if b.output)
    for path in FILES:
        inside = False  # a marker shown inside a code block is an example, not a marker
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.startswith("```"):
                inside = not inside
            elif "docs-test:" in line and not inside:
                assert _MARKER.match(line), f"{path}:{number}: malformed marker {line!r}"


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    # a real module, as a script would have (dataclasses and pickle look classes up there)
    module = types.ModuleType("docs_example_" + re.sub(r"\W", "_", path.stem))
    monkeypatch.setitem(sys.modules, module.__name__, module)
    printed: str | None = None
    for block in blocks(path):
        if block.output:
            assert printed == block.code, f"{block.where}: not what the block before prints"
            continue
        printed = None
        if block.lang != RUN_PYTHON or block.skip is not None:
            continue
        # padded so that tracebacks give the line in the Markdown file
        code = compile("\n" * (block.line - 1) + block.code, str(path), "exec")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(code, module.__dict__)
        printed = out.getvalue()


@pytest.fixture(scope="module")
def shims(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``lms-schema`` and ``python3`` running this checkout under this interpreter."""
    directory = tmp_path_factory.mktemp("bin")
    for name, command in (
        ("lms-schema", f'exec "{sys.executable}" -m lms_schema "$@"'),
        ("python3", f'exec "{sys.executable}" "$@"'),
    ):
        shim = directory / name
        shim.write_text(f"#!/bin/sh\n{command}\n")
        shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return directory


@pytest.mark.parametrize("block", SHELL, ids=lambda b: b.where)
def test_shell_blocks_run(block: Block, shims: Path) -> None:
    env = {
        **os.environ,
        "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == block.exit, (
        f"{block.where}: exit {done.returncode}, expected {block.exit}\n"
        f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    )
