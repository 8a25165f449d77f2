"""Rebuild the vector files of this directory from the upstream repositories (maintainers only).

Reads each source's test files from a git directory at a pinned commit and writes one
compact JSON file per source: ``{"source": {...provenance...}, "vectors": [...]}``, each
vector ``{"kind", "value", "verdict", "where"}`` (``kind``: date-time, duration or uuid;
``verdict``: valid or invalid as the source's own tests assert it; ``where``: the file, test
and line it comes from). Python test files are read with :mod:`ast`, never imported::

    python3 tests/data/conformance/extract.py NAME=GIT_DIR ...

NAME is one of ``isodate``, ``aniso8601``, ``isoduration``, ``lrs``, ``jsts``, ``xsd``.
The test suite never runs this; it reads the JSON files it wrote.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

Vector = dict[str, Any]


def _git(git_dir: str, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", git_dir, *args], check=True, capture_output=True, text=True
    ).stdout


def _show(git_dir: str, commit: str, path: str) -> str:
    return _git(git_dir, "show", f"{commit}:{path}")


def _head(git_dir: str) -> str:
    return _git(git_dir, "rev-parse", "HEAD").strip()


# -- Python test files ------------------------------------------------------------------------


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return None


def _raises(node: ast.With) -> bool:
    return any(_call_name(item.context_expr) in ("assertRaises", "raises") for item in node.items)


def _literal(node: ast.AST) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _json_value(value: Any) -> bool:
    return value is None or type(value) in (str, int, float, bool)


def _first(node: ast.AST) -> ast.AST:
    """The first element of a tuple literal, or the node itself."""
    if isinstance(node, ast.Tuple) and node.elts:
        return node.elts[0]
    return node


class _Calls(ast.NodeVisitor):
    """Calls of the target functions, each with whether an assertRaises/pytest.raises
    block encloses it and whether it passes options other than ``builder``."""

    def __init__(self, targets: dict[str, str]) -> None:
        self.targets = targets
        self.found: list[tuple[ast.Call, bool]] = []
        self._raising = 0

    def visit_With(self, node: ast.With) -> None:
        raising = _raises(node)
        self._raising += raising
        self.generic_visit(node)
        self._raising -= raising

    def visit_Call(self, node: ast.Call) -> None:
        if _call_name(node) in self.targets and node.args:
            self.found.append((node, self._raising > 0))
        self.generic_visit(node)


def _python_vectors(
    source: str, path: str, targets: dict[str, str], tables: dict[str, tuple[str, int | None]]
) -> Iterator[Vector]:
    """Vectors of one Python test file.

    ``targets`` maps a parse function's name to the kind it parses. In each test function,
    a string literal passed to a target is valid, or invalid inside a raises block; the
    elements of a ``testtuples`` assignment take the verdict of the function's target call
    (skipped when that call passes options, such as ``delimiter=" "``). ``tables`` names
    module-level lists of cases: name -> (kind, index of the expected value, where None
    means invalid; None: all valid). ``@pytest.mark.parametrize`` lists of a test function
    that calls a target take its verdict.
    """
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            name = target.id if isinstance(target, ast.Name) else ""
            if name in tables and node.value is not None:
                kind, expected_index = tables[name]
                assert isinstance(node.value, ast.List | ast.Tuple)
                for element in node.value.elts:
                    ok, case = _literal(element)
                    if not ok:  # an expected value built by a call: judge by its node
                        assert isinstance(element, ast.Tuple)
                        value = ast.literal_eval(element.elts[0])
                        invalid = False
                        if expected_index is not None:
                            expected = element.elts[expected_index]
                            invalid = isinstance(expected, ast.Constant) and expected.value is None
                    else:
                        value = case[0]
                        invalid = expected_index is not None and case[expected_index] is None
                    yield {
                        "kind": kind,
                        "value": value,
                        "verdict": "invalid" if invalid else "valid",
                        "where": f"{path}:{element.lineno} {name}",
                    }
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef) or not func.name.startswith("test"):
            continue
        visitor = _Calls(targets)
        for statement in func.body:
            visitor.visit(statement)
        if not visitor.found:
            continue
        kind = targets[_call_name(visitor.found[0][0]) or ""]
        plain = [
            (call, raising)
            for call, raising in visitor.found
            if all(k.arg == "builder" for k in call.keywords)
        ]
        for call, raising in plain:
            ok, value = _literal(call.args[0])
            if ok and _json_value(value):
                yield {
                    "kind": kind,
                    "value": value,
                    "verdict": "invalid" if raising else "valid",
                    "where": f"{path}:{call.lineno} {func.name}",
                }
        loop_calls = [
            (call, raising)
            for call, raising in visitor.found
            if isinstance(call.args[0], ast.Name | ast.Subscript)
        ]
        if not loop_calls or any(
            any(k.arg != "builder" for k in call.keywords) for call, _ in loop_calls
        ):
            continue
        raising = loop_calls[0][1]
        cases: list[ast.expr] = []
        for item in ast.walk(func):
            if (
                isinstance(item, ast.Assign)
                and isinstance(item.targets[0], ast.Name)
                and item.targets[0].id == "testtuples"
                and isinstance(item.value, ast.Tuple | ast.List)
            ):
                cases.extend(item.value.elts)
        for decorator in func.decorator_list:
            if _call_name(decorator) == "parametrize":
                assert isinstance(decorator, ast.Call)
                table = decorator.args[1]
                if isinstance(table, ast.Tuple | ast.List):
                    cases.extend(table.elts)
        for case in cases:
            ok, value = _literal(_first(case))
            if ok and _json_value(value):
                yield {
                    "kind": kind,
                    "value": value,
                    "verdict": "invalid" if raising else "valid",
                    "where": f"{path}:{case.lineno} {func.name}",
                }


def _dedupe(vectors: Iterator[Vector]) -> list[Vector]:
    """One vector per (kind, value, verdict); the first place it appears."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for vector in vectors:
        key = (vector["kind"], json.dumps(vector["value"]), vector["verdict"])
        if key not in seen:
            seen.add(key)
            out.append(vector)
    return out


def _write(name: str, source: dict[str, Any], vectors: list[Vector]) -> None:
    for number, vector in enumerate(vectors):
        vector["id"] = f"{name}/{number}"
    document = {"source": source, "vectors": vectors}
    text = json.dumps(document, ensure_ascii=False, indent=1)
    (HERE / f"{name}.json").write_text(text + "\n", encoding="utf-8")
    print(f"{name}: {len(vectors)} vectors", file=sys.stderr)


def isodate(git_dir: str) -> None:
    commit = _head(git_dir)
    files: dict[str, tuple[dict[str, str], dict[str, int | None]]] = {
        "tests/test_duration.py": ({"parse_duration": "duration"}, {"PARSE_TEST_CASES": None}),
        "tests/test_datetime.py": ({"parse_datetime": "date-time"}, {"TEST_CASES": 1}),
    }
    vectors: list[Vector] = []
    for path, (targets, tables) in files.items():
        kinds = {name: (next(iter(targets.values())), index) for name, index in tables.items()}
        vectors += _python_vectors(_show(git_dir, commit, path), path, targets, kinds)
    source = {
        "name": "isodate",
        "repo": "https://github.com/gweis/isodate",
        "commit": commit,
        "paths": list(files),
        "licence": "BSD-3-Clause (LICENSE in the repository)",
        "meaning": "ISO 8601 as the isodate library reads it (parse_duration, parse_datetime)",
    }
    _write("isodate", source, _dedupe(iter(vectors)))


def aniso8601(git_dir: str) -> None:
    commit = _head(git_dir)
    files = {
        "aniso8601/tests/test_duration.py": {"parse_duration": "duration"},
        "aniso8601/tests/test_time.py": {"parse_datetime": "date-time"},
    }
    vectors: list[Vector] = []
    for path, targets in files.items():
        vectors += _python_vectors(_show(git_dir, commit, path), path, targets, {})
    source = {
        "name": "aniso8601",
        "repo": "https://github.com/ibm-z-oss-oda/aniso8601 (a GitHub mirror of "
        "Brandon Nielsen's aniso8601, whose upstream is not on GitHub; version 9.0.2-dev.0)",
        "commit": commit,
        "paths": list(files),
        "licence": "BSD-3-Clause (LICENSE in the repository)",
        "meaning": "ISO 8601 as the aniso8601 library reads it (parse_duration, "
        "parse_datetime with the default delimiter)",
    }
    _write("aniso8601", source, _dedupe(iter(vectors)))


def isoduration(git_dir: str) -> None:
    commit = _head(git_dir)
    path = "tests/test_parser.py"
    vectors = list(
        _python_vectors(_show(git_dir, commit, path), path, {"parse_duration": "duration"}, {})
    )
    source = {
        "name": "isoduration",
        "repo": "https://github.com/bolsote/isoduration",
        "commit": commit,
        "paths": [path],
        "licence": "ISC (LICENSE in the repository)",
        "meaning": "ISO 8601 durations as the isoduration library reads them",
    }
    _write("isoduration", source, _dedupe(iter(vectors)))


_JS_VAR = re.compile(r"""^\s*var ((?:IN)?VALID_[A-Z_0-9]+) = (?:'([^']*)'|"([^"]*)"|([0-9.]+));?""")
_EXPECT = re.compile(r"expect: \[([0-9]+)\]")
_JS_TEMPLATE = re.compile(
    r"""(timestamp|since|until|duration|registration)"?\s*:\s*['"]([^'"{]+)['"]"""
)


def lrs(git_dir: str) -> None:
    commit = _head(git_dir)
    kinds = {"durations": "duration", "timestamps": "date-time", "uuids": "uuid"}
    paths = [f"test/v2_0/configs/{name}.js" for name in kinds] + [
        "test/v2_0/templates/results/default.json",
        "test/v2_0/templates/contexts/default.json",
    ]
    vectors: list[Vector] = []
    for path in paths:
        text = _show(git_dir, commit, path)
        kind = kinds.get(Path(path).stem)
        for number, line in enumerate(text.splitlines(), 1):
            m = _JS_VAR.match(line)
            if m and kind is not None:
                raw = m.group(2) if m.group(2) is not None else m.group(3)
                value: Any = raw if raw is not None else json.loads(m.group(4))
                verdict = "invalid" if m.group(1).startswith("INVALID") else "valid"
                vectors.append(
                    {"kind": kind, "value": value, "verdict": verdict,
                     "where": f"{path}:{number} {m.group(1)}"}
                )  # fmt: skip
                continue
            for t in _JS_TEMPLATE.finditer(line):
                field, value = t.groups()
                field_kind = {"duration": "duration", "registration": "uuid"}.get(
                    field, "date-time"
                )
                # a literal in a test config: the status the test expects next
                expect = _EXPECT.search("\n".join(text.splitlines()[number:]))
                verdict = "invalid" if expect and expect.group(1) == "400" else "valid"
                vectors.append(
                    {"kind": field_kind, "value": value, "verdict": verdict,
                     "where": f"{path}:{number} {field}"}
                )  # fmt: skip
    source = {
        "name": "lrs-conformance-test-suite",
        "repo": "https://github.com/adlnet/lrs-conformance-test-suite",
        "commit": commit,
        "paths": paths,
        "licence": "MIT (LICENSE in the repository)",
        "meaning": "xAPI 2.0 statements: the LRS must accept (200) or reject (400) a "
        "statement with this timestamp, duration or UUID; the variable names say which",
    }
    _write("lrs-conformance", source, _dedupe(iter(vectors)))


def jsts(git_dir: str) -> None:
    """Copy the three format files verbatim; provenance goes to jsts.json."""
    commit = _head(git_dir)
    names = ["date-time", "duration", "uuid"]
    out = HERE / "json-schema-test-suite"
    out.mkdir(exist_ok=True)
    for name in names:
        path = f"tests/draft2020-12/optional/format/{name}.json"
        (out / f"{name}.json").write_text(_show(git_dir, commit, path), encoding="utf-8")
    (out / "LICENSE").write_text(_show(git_dir, commit, "LICENSE"), encoding="utf-8")
    print(f"jsts: {commit}", file=sys.stderr)


def xsd(git_dir: str) -> None:
    """Copy the msData duration instance files verbatim (W3C licence: copies with the
    notice, no modified versions) and record each file's expected validity."""
    commit = _head(git_dir)
    meta = _show(git_dir, commit, "msMeta/DataTypes_w3c.xml")
    out = HERE / "w3c-xsdtests"
    out.mkdir(exist_ok=True)
    (out / "00COPYRIGHT").write_text(_show(git_dir, commit, "00COPYRIGHT"), encoding="utf-8")
    verdicts: dict[str, str] = {}
    pattern = re.compile(
        r'instanceDocument xlink:href="\.\./msData/datatypes/(duration[0-9]+\.xml)"/>\s*'
        r'<expected validity="(valid|invalid)"/>'
    )
    for m in pattern.finditer(meta):
        verdicts[m.group(1)] = m.group(2)
    for name in sorted(verdicts):
        text = _show(git_dir, commit, f"msData/datatypes/{name}")
        (out / name).write_text(text, encoding="utf-8")
    source = {
        "name": "w3c-xsdtests",
        "repo": "https://github.com/w3c/xsdtests",
        "commit": commit,
        "paths": [f"msData/datatypes/{name}" for name in sorted(verdicts)],
        "verdicts_from": "msMeta/DataTypes_w3c.xml (expected validity of each instance)",
        "licence": "W3C Document Notice and License (00COPYRIGHT): the instance files are "
        "copied unmodified with the notice; the values are read from them at test time",
        "meaning": "XML Schema 1.0 xs:duration: the instance document is valid or invalid",
    }
    document = {"source": source, "verdicts": verdicts}
    text = json.dumps(document, indent=1)
    (HERE / "w3c-xsdtests.json").write_text(text + "\n", encoding="utf-8")
    print(f"xsd: {len(verdicts)} files", file=sys.stderr)


SOURCES = {
    "isodate": isodate,
    "aniso8601": aniso8601,
    "isoduration": isoduration,
    "lrs": lrs,
    "jsts": jsts,
    "xsd": xsd,
}

if __name__ == "__main__":
    for argument in sys.argv[1:]:
        name, _, git_dir = argument.partition("=")
        SOURCES[name](git_dir)
