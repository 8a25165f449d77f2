"""Open enums: ``Grade`` and ``Status``.

Bindbee maps a source value onto a member when it can and otherwise passes the source value
through verbatim. An open enum models exactly that: every string is a value, the members are
the known ones. Values are ``str`` subclasses, so they compare, hash and serialize as the
plain string::

    >>> Grade("PASS") is Grade.PASS
    True
    >>> Grade("Passed").is_known, Grade("Passed") == "Passed"
    (False, True)
"""

from __future__ import annotations

from typing import ClassVar, Self

from .leaf import FieldError, json_type_name

__all__ = ["Grade", "OpenEnum", "Status"]


class OpenEnum(str):
    """Base class of an open enum: a ``str`` whose known values are named members."""

    __slots__ = ()
    _members: ClassVar[dict[str, OpenEnum]]
    _names: ClassVar[dict[str, str]]

    def __new__(cls, value: str) -> Self:
        if not isinstance(value, str):
            raise TypeError(f"{cls.__name__} values are strings, got {type(value).__name__}")
        member = cls._members.get(value)
        if member is not None:
            return member  # type: ignore[return-value]
        return str.__new__(cls, value)

    @classmethod
    def _define(cls, **members: str) -> None:
        cls._members = {}
        cls._names = {}
        for name, value in members.items():
            member = str.__new__(cls, value)
            cls._members[value] = member
            cls._names[value] = name
            setattr(cls, name, member)

    @classmethod
    def members(cls) -> tuple[Self, ...]:
        """The known members, in definition order."""
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


class Grade(OpenEnum):
    """The grade of a completion: A-F, PASS, FAIL, ``-`` (no usable grade), or any source value."""

    __slots__ = ()
    A: ClassVar[Grade]
    B: ClassVar[Grade]
    C: ClassVar[Grade]
    D: ClassVar[Grade]
    F: ClassVar[Grade]
    PASS: ClassVar[Grade]
    FAIL: ClassVar[Grade]
    NO_GRADE: ClassVar[Grade]


Grade._define(A="A", B="B", C="C", D="D", F="F", PASS="PASS", FAIL="FAIL", NO_GRADE="-")


class Status(OpenEnum):
    """The status of a user, course, content, category or skill, or any source value."""

    __slots__ = ()
    ACTIVE: ClassVar[Status]
    PENDING: ClassVar[Status]
    INACTIVE: ClassVar[Status]


Status._define(ACTIVE="ACTIVE", PENDING="PENDING", INACTIVE="INACTIVE")
