"""Run a module as ``python -m`` would and report its peak RSS on stderr.

``python3 -m benchmarks.rss MODULE ARG...`` prints ``peak-rss-kib N`` as its last stderr line.
``getrusage``/``wait4`` in the parent would count the forked child's copy of the parent's
memory before ``exec``; ``VmHWM`` is the high-water mark of this process image only.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def _peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def main() -> None:
    module, *rest = sys.argv[1:]
    sys.argv = [module, *rest]
    code = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stderr.write(f"\npeak-rss-kib {_peak_kib()}\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
