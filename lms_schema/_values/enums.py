"""Open enums: ``OpenEnum``, and the two of the API, ``Grade`` and ``Status``.

Bindbee maps a source value onto a member when it can and otherwise passes the source value
through verbatim. An open enum models exactly that: every string is a value, the members are
the known ones. Values are ``str`` subclasses, so they compare, hash and serialize as the
plain string::

    >>> Grade("PASS") is Grade.PASS
    True
    >>> Grade("Passed").is_known, Grade("Passed") == "Passed"
    (False, True)

An open enum declares its members as class attributes, as :class:`enum.Enum` does; every
layer (strict parsing, the fast paths, normalization rules, strategies) reads them off the
class::

    class Level(lms_schema.OpenEnum, synonyms={"expert level": "EXPERT"}):
        BEGINNER = "BEGINNER"
        EXPERT = "EXPERT"

    list(Level)                  # [Level.BEGINNER, Level.EXPERT]
    Level.rule_prefix            # 'level': normalize() names its fixes level.case, level.synonym
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Self

from .leaf import FieldError, json_type_name

__all__ = ["Grade", "OpenEnum", "Status", "on_new_open_enum", "open_enums"]

_REGISTRY: list[type[OpenEnum]] = []
_CALLBACKS: list[Callable[[type[OpenEnum]], None]] = []


def open_enums() -> tuple[type[OpenEnum], ...]:
    """Every open enum class defined so far (Grade, Status, and users' own), in definition
    order."""
    return tuple(_REGISTRY)


def on_new_open_enum(callback: Callable[[type[OpenEnum]], None]) -> None:
    """Call ``callback(cls)`` for every open enum class defined from now on."""
    _CALLBACKS.append(callback)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class _OpenEnumType(type):
    """The metaclass: an open enum class iterates over its members (``list(Grade)``)."""

    def __iter__(cls) -> Iterator[Any]:
        return iter(cls.__dict__.get("_members", {}).values())

    def __len__(cls) -> int:
        return len(cls.__dict__.get("_members", {}))


class OpenEnum(str, metaclass=_OpenEnumType):
    """Base class of an open enum: a ``str`` whose known values are named members.

    Members are the class attributes whose value is a plain string and whose name does not
    start with an underscore. Class keywords: ``synonyms`` (source spellings the normalizer
    maps onto members by default, matched ignoring case and surrounding whitespace) and
    ``rule_prefix`` (the prefix of its normalization rules; default: the class name in
    snake case, ``CourseLevel`` -> ``course_level``).
    """

    __slots__ = ()
    _members: ClassVar[dict[str, OpenEnum]] = {}
    _names: ClassVar[dict[str, str]] = {}
    #: the prefix of this enum's normalization rules (``grade`` -> ``grade.case``)
    rule_prefix: ClassVar[str] = ""
    #: source spelling (stripped, lower case) -> member value, applied by normalize() by default
    default_synonyms: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def __init_subclass__(
        cls,
        *,
        synonyms: Mapping[str, str] | None = None,
        rule_prefix: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        values: dict[str, str] = {}
        for klass in reversed(cls.__mro__):  # inherited members first
            if isinstance(klass, _OpenEnumType) and klass is not OpenEnum:
                for name, value in vars(klass).items():
                    if name.startswith("_") or name in _RESERVED:
                        continue
                    if type(value) is str or isinstance(value, OpenEnum):
                        values[name] = str(value)
        cls._members = {}
        cls._names = {}
        for name, value in values.items():
            member = str.__new__(cls, value)
            cls._members.setdefault(value, member)
            cls._names.setdefault(value, name)
            setattr(cls, name, cls._members[value])
        cls.rule_prefix = rule_prefix or _snake(cls.__name__)
        folded: dict[str, str] = {}
        for key, target in (synonyms or {}).items():
            if target not in cls._members:
                raise TypeError(f"{cls.__name__} synonym {key!r} -> {target!r}: not a member")
            folded[key.strip().lower()] = target
        cls.default_synonyms = MappingProxyType(folded)
        _REGISTRY.append(cls)
        for callback in _CALLBACKS:
            callback(cls)

    def __new__(cls, value: str) -> Self:
        if not isinstance(value, str):
            raise TypeError(f"{cls.__name__} values are strings, got {type(value).__name__}")
        member = cls._members.get(value)
        if member is not None:
            return member  # type: ignore[return-value]
        return str.__new__(cls, value)

    @classmethod
    def members(cls) -> tuple[Self, ...]:
        """The known members, in definition order (also ``tuple(cls)``)::

        >>> Status.members()
        (Status.ACTIVE, Status.PENDING, Status.INACTIVE)
        """
        return tuple(cls._members.values())  # type: ignore[arg-type]

    @classmethod
    def parse(cls, value: object) -> Self:
        """Strict structuring: any string (case-sensitive), nothing else."""
        if type(value) is str:
            member = cls._members.get(value)
            return member if member is not None else str.__new__(cls, value)  # type: ignore[return-value]
        raise FieldError("wrong_type", f"expected a string or null, got {json_type_name(value)}")

    @property
    def is_known(self) -> bool:
        """True for the named members, False for a passed-through source value."""
        return self._members.get(str(self)) is self

    @property
    def name(self) -> str | None:
        """The member name (``Grade.NO_GRADE.name == "NO_GRADE"``), None for unknown values."""
        return self._names.get(str(self)) if self.is_known else None

    def __repr__(self) -> str:
        name = self.name
        if name is not None:
            return f"{type(self).__name__}.{name}"
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[type[Self], tuple[str]]:
        return (type(self), (str(self),))

    def __deepcopy__(self, memo: object) -> Self:
        return self

    def __copy__(self) -> Self:
        return self


#: Names of OpenEnum's own attributes: never members.
_RESERVED = frozenset(vars(OpenEnum))


class Grade(OpenEnum, synonyms={"passed": "PASS", "failed": "FAIL", "": "-"}):
    """The grade of a completion: A-F, PASS, FAIL, ``-`` (no usable grade), or any source value.

    ``normalize()`` maps the synonyms ``passed``, ``failed`` and the empty string by default.
    """

    __slots__ = ()
    A: ClassVar[Grade] = "A"  # type: ignore[assignment]
    B: ClassVar[Grade] = "B"  # type: ignore[assignment]
    C: ClassVar[Grade] = "C"  # type: ignore[assignment]
    D: ClassVar[Grade] = "D"  # type: ignore[assignment]
    F: ClassVar[Grade] = "F"  # type: ignore[assignment]
    PASS: ClassVar[Grade] = "PASS"  # type: ignore[assignment]
    FAIL: ClassVar[Grade] = "FAIL"  # type: ignore[assignment]
    NO_GRADE: ClassVar[Grade] = "-"  # type: ignore[assignment]


class Status(OpenEnum):
    """The status of a user, course, content, category or skill, or any source value."""

    __slots__ = ()
    ACTIVE: ClassVar[Status] = "ACTIVE"  # type: ignore[assignment]
    PENDING: ClassVar[Status] = "PENDING"  # type: ignore[assignment]
    INACTIVE: ClassVar[Status] = "INACTIVE"  # type: ignore[assignment]
