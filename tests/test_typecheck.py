"""tests/typecheck/example_usage.py runs (mypy --strict checks its types: it is under
``[tool.mypy] files``), and mypy really rejects a wrong ``assert_type`` there."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "tests" / "typecheck" / "example_usage.py"


def test_the_example_runs() -> None:
    runpy.run_path(str(EXAMPLE), run_name="__main__")


def test_the_example_is_type_checked(tmp_path: Path) -> None:
    # the file passes mypy --strict, and a deliberately wrong type in a copy fails it
    wrong = tmp_path / "example_wrong.py"
    wrong.write_text(
        EXAMPLE.read_text().replace(
            "assert_type(completion.id, UUID)", "assert_type(completion.id, str)"
        )
    )
    runs = [
        subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        for path in (EXAMPLE, wrong)
    ]
    assert runs[0].returncode == 0, runs[0].stdout
    assert runs[1].returncode == 1
    assert 'Expression is of type "UUID", not "str"' in runs[1].stdout
