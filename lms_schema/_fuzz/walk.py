"""Iterative walks over fuzz inputs, and the file format that saves one for replay.

Fuzz inputs nest as deep as the harness makes them (1,200 levels and more after mutations
wrap values), so nothing here recurses over the depth of a value: every walk keeps its own
stack. Only exact ``dict`` and ``list`` are descended into (the JSON containers)::

    >>> payload = {"a": [1, {"b": 2}]}
    >>> count_nodes(payload), nth_path(payload, 3), get_at(payload, ("a", 1, "b"))
    (5, ('a', 1), 2)
    >>> set_at(payload, ("a", 1, "b"), 3)
    {'a': [1, {'b': 3}]}
    >>> load_value(dump_value({"k": [float("nan"), b"x", {1, 2}]}))
    {'k': [nan, b'x', {1, 2}]}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = [
    "count_nodes",
    "depth",
    "dump_value",
    "get_at",
    "load_value",
    "nth_path",
    "set_at",
    "stringify",
]

Path = tuple[Any, ...]

#: Walks stop counting here (no input the harness makes comes near it).
MAX_NODES = 10_000_000


def _children(node: Any) -> Iterator[tuple[Any, Any]]:
    if type(node) is dict:
        return iter(node.items())
    if type(node) is list:
        return enumerate(node)
    return iter(())


def _is_container(node: Any) -> bool:
    return type(node) is dict or type(node) is list


def count_nodes(root: Any) -> int:
    """The number of values in ``root``, itself included (keys are not values)."""
    count = 1
    stack = [root] if _is_container(root) else []
    while stack and count < MAX_NODES:
        node = stack.pop()
        for _, child in _children(node):
            count += 1
            if _is_container(child):
                stack.append(child)
    return count


def depth(root: Any) -> int:
    """Nesting depth: 0 for a scalar, 1 for ``[]`` or ``[1]``, 2 for ``[[1]]``."""
    deepest = 0
    stack = [(root, 1)] if _is_container(root) else []
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for _, child in _children(node) if _is_container(child))
    return deepest


def nth_path(root: Any, index: int) -> Path:
    """The path of the ``index``-th value of ``root`` in pre-order (0 is ``root`` itself)."""
    if index == 0:
        return ()
    seen = 0
    path: list[Any] = []
    stack = [_children(root)]
    while stack:
        for part, child in stack[-1]:
            seen += 1
            if seen == index:
                return (*path, part)
            if _is_container(child):
                path.append(part)
                stack.append(_children(child))
                break
        else:
            stack.pop()
            if stack:
                path.pop()
    raise IndexError(f"no value number {index}")


def get_at(root: Any, path: Path) -> Any:
    """The value at ``path``."""
    node = root
    for part in path:
        node = node[part]
    return node


def set_at(root: Any, path: Path, value: Any, *, delete: bool = False) -> Any:
    """A copy of ``root`` with ``value`` at ``path`` (or the key/element there deleted).

    Only the containers along the path are copied (shallowly); everything else is shared.
    """
    if not path:
        return value
    chain = [root]
    for part in path[:-1]:
        chain.append(chain[-1][part])
    new: Any = value
    for level in range(len(path) - 1, -1, -1):
        node = chain[level]
        copy: Any = list(node) if type(node) is list else dict(node)
        if delete and level == len(path) - 1:
            del copy[path[level]]
        else:
            copy[path[level]] = new
        new = copy
    return new


#: Values deeper than this are shown by their shape, not by ``str()`` (which recurses).
_STR_DEPTH = 100


def stringify(value: Any) -> str:
    """``str(value)``, or a short description when that would recurse too deep or fail."""
    levels = depth(value)
    if levels > _STR_DEPTH:
        return f"<{type(value).__name__} nested {levels} levels>"
    try:
        return str(value)
    except (ValueError, RecursionError):  # an integer too long for str(); a deep tuple
        return f"<{type(value).__name__}>"


# -- the replay file format -----------------------------------------------------------------------
#
# A value is a flat list of nodes, each a short JSON list: ["dict", [[key, value], ...]] with
# node numbers for keys and values, ["list", [...]], ["tuple", ...], ["set", ...],
# ["frozenset", ...], and scalars ["none"], ["bool", b], ["int", hex], ["float", hex],
# ["str", s], ["bytes", hex], ["bytearray", hex], ["memoryview", hex], ["object"] (a bare
# object()), ["repr", type name, text] (anything else; replayed as the text). A container
# met twice is one node, so shared values stay shared and lists/dicts may even contain
# themselves. Nothing recurses, in writing or in reading.

_SEQUENCES: dict[Any, str] = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}


def dump_value(root: Any) -> dict[str, Any]:
    """The JSON-ready form of a fuzz input (see the comment above for the node kinds)."""
    nodes: list[Any] = []
    memo: dict[int, int] = {}
    keep: list[Any] = []  # containers stay alive, so their ids stay unique
    todo: list[tuple[int, Any]] = []

    def ref(obj: Any) -> int:
        kind = type(obj)
        if kind is dict or kind in _SEQUENCES:
            found = memo.get(id(obj))
            if found is not None:
                return found
            memo[id(obj)] = index = len(nodes)
            nodes.append(None)
            keep.append(obj)
            todo.append((index, obj))
            return index
        nodes.append(_scalar(obj))
        return len(nodes) - 1

    root_index = ref(root)
    while todo:
        index, obj = todo.pop()
        if type(obj) is dict:
            nodes[index] = ["dict", [[ref(k), ref(v)] for k, v in obj.items()]]
        else:
            nodes[index] = [_SEQUENCES[type(obj)], [ref(item) for item in obj]]
    return {"root": root_index, "nodes": nodes}


def _scalar(obj: Any) -> list[Any]:
    kind = type(obj)
    if obj is None:
        return ["none"]
    if kind is bool:
        return ["bool", obj]
    if kind is int:
        return ["int", format(obj, "x")]  # hex: no limit on the number of digits
    if kind is float:
        return ["float", obj.hex()]
    if isinstance(obj, str):
        return ["str", str(obj)]
    if kind is bytes or kind is bytearray or kind is memoryview:
        return [kind.__name__, bytes(obj).hex()]
    if kind is object:
        return ["object"]
    return ["repr", kind.__name__, _safe_repr(obj)]


def _safe_repr(obj: Any) -> str:
    try:
        return repr(obj)[:1000]
    except Exception:  # noqa: BLE001 - any object: its type name will do
        return f"<{type(obj).__name__}>"


_BUILD_SCALAR: dict[str, Any] = {
    "none": lambda node: None,
    "bool": lambda node: bool(node[1]),
    "int": lambda node: int(node[1], 16),
    "float": lambda node: float.fromhex(node[1]),
    "str": lambda node: str(node[1]),
    "bytes": lambda node: bytes.fromhex(node[1]),
    "bytearray": lambda node: bytearray.fromhex(node[1]),
    "memoryview": lambda node: memoryview(bytes.fromhex(node[1])),
    "object": lambda node: object(),
    "repr": lambda node: str(node[2]),
}
_MUTABLE = {"dict": dict, "list": list, "set": set}


def load_value(document: dict[str, Any]) -> Any:
    """The value :func:`dump_value` wrote (ValueError for a malformed document)."""
    try:
        nodes: list[Any] = document["nodes"]
        return _load(nodes, document["root"])
    except (KeyError, IndexError, TypeError) as exc:
        raise ValueError(f"not a saved fuzz input: {exc!r}") from None


def _load(nodes: list[Any], root: int) -> Any:
    built: dict[int, Any] = {}
    done: set[int] = set()
    stack: list[tuple[int, bool]] = [(root, False)]
    while stack:
        index, children_ready = stack.pop()
        if index in done:
            continue
        node = nodes[index]
        tag = node[0]
        if tag in _BUILD_SCALAR:
            built[index] = _BUILD_SCALAR[tag](node)
            done.add(index)
            continue
        refs = [i for pair in node[1] for i in pair] if tag == "dict" else list(node[1])
        if not children_ready:
            if tag in _MUTABLE:
                if index in built:  # met again on the way down: a cycle; it is filled later
                    continue
                built[index] = _MUTABLE[tag]()
            elif index in built:
                raise ValueError("a cycle through a tuple or frozenset")
            else:
                built[index] = None  # in progress
            stack.append((index, True))
            stack.extend((i, False) for i in refs if i not in done)
            continue
        if tag == "dict":
            target = built[index]
            for key, value in node[1]:
                target[built[key]] = built[value]
        elif tag == "list":
            built[index].extend(built[i] for i in refs)
        elif tag == "set":
            built[index].update(built[i] for i in refs)
        elif tag == "tuple":
            built[index] = tuple(built[i] for i in refs)
        elif tag == "frozenset":
            built[index] = frozenset(built[i] for i in refs)
        else:
            raise ValueError(f"unknown node kind {tag!r}")
        done.add(index)
    return built[root]
