"""Conditions as data, evaluated with three-valued (Kleene) logic.

A safety rule's condition is a small expression tree over answer ids. Each
node evaluates to ``True``, ``False`` or ``None`` (cannot tell yet, because an
answer it depends on is missing). ``any_of`` is true as soon as one part is
true, even if others are missing; ``all_of`` is false as soon as one part is
false. So a rule fires on the answers given whenever those answers already
decide it, and a missing answer never silently reads as "no".

Every node can describe itself in words (:meth:`Condition.describe`), which is
how ``docs/reference/safety-rules.md`` is generated from the rule data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

Truth = bool | None


class Condition(Protocol):
    """A node of a rule's condition."""

    def evaluate(self, answers: Mapping[str, Any]) -> Truth: ...

    def inputs(self) -> tuple[str, ...]: ...

    def describe(self) -> str: ...


def _unique(ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Yes:
    """The yes/no answer ``item`` is yes."""

    item: str

    def evaluate(self, answers: Mapping[str, Any]) -> Truth:
        value = answers.get(self.item)
        return None if value is None else bool(value)

    def inputs(self) -> tuple[str, ...]:
        return (self.item,)

    def describe(self) -> str:
        return f"`{self.item}`"


@dataclass(frozen=True)
class AtLeast:
    """The number ``item`` is ``value`` or more."""

    item: str
    value: float

    def evaluate(self, answers: Mapping[str, Any]) -> Truth:
        got = answers.get(self.item)
        return None if got is None else bool(got >= self.value)

    def inputs(self) -> tuple[str, ...]:
        return (self.item,)

    def describe(self) -> str:
        return f"`{self.item}` ≥ {self.value:g}"


@dataclass(frozen=True)
class Below:
    """The number ``item`` is less than ``value``."""

    item: str
    value: float

    def evaluate(self, answers: Mapping[str, Any]) -> Truth:
        got = answers.get(self.item)
        return None if got is None else bool(got < self.value)

    def inputs(self) -> tuple[str, ...]:
        return (self.item,)

    def describe(self) -> str:
        return f"`{self.item}` < {self.value:g}"


@dataclass(frozen=True)
class Not:
    part: Condition

    def evaluate(self, answers: Mapping[str, Any]) -> Truth:
        got = self.part.evaluate(answers)
        return None if got is None else not got

    def inputs(self) -> tuple[str, ...]:
        return self.part.inputs()

    def describe(self) -> str:
        return f"not {_wrap(self.part)}"


@dataclass(frozen=True)
class UnlessKnown:
    """True unless ``part`` is known to be true (a missing answer does not block it).

    Used where every answer ``part`` could get leads to the same action, so a
    missing answer must not hold the rule back.
    """

    part: Condition

    def evaluate(self, answers: Mapping[str, Any]) -> Truth:
        return self.part.evaluate(answers) is not True

    def inputs(self) -> tuple[str, ...]:
        return self.part.inputs()

    def describe(self) -> str:
        return f"unless known: {_wrap(self.part)}"


@dataclass(frozen=True)
class AnyOf:
    """True if any part is true; false only if every part is false."""

    parts: tuple[Condition, ...]

    def evaluate(self, answers: Mapping[str, Any]) -> Truth:
        unknown = False
        for part in self.parts:
            got = part.evaluate(answers)
            if got is True:
                return True
            unknown = unknown or got is None
        return None if unknown else False

    def inputs(self) -> tuple[str, ...]:
        return _unique(tuple(i for p in self.parts for i in p.inputs()))

    def describe(self) -> str:
        return "any of (" + ", ".join(p.describe() for p in self.parts) + ")"


@dataclass(frozen=True)
class AllOf:
    """False if any part is false; true only if every part is true."""

    parts: tuple[Condition, ...]

    def evaluate(self, answers: Mapping[str, Any]) -> Truth:
        unknown = False
        for part in self.parts:
            got = part.evaluate(answers)
            if got is False:
                return False
            unknown = unknown or got is None
        return None if unknown else True

    def inputs(self) -> tuple[str, ...]:
        return _unique(tuple(i for p in self.parts for i in p.inputs()))

    def describe(self) -> str:
        return " and ".join(_wrap(p) for p in self.parts)


def _wrap(part: Condition) -> str:
    """Parenthesise a conjunction inside another expression, so the words stay unambiguous."""
    text = part.describe()
    return f"({text})" if isinstance(part, AllOf) else text


def any_yes(*items: str) -> AnyOf:
    """Shorthand: any of these yes/no answers is yes."""
    return AnyOf(tuple(Yes(i) for i in items))


def any_of(*parts: Condition) -> AnyOf:
    return AnyOf(parts)


def all_of(*parts: Condition) -> AllOf:
    return AllOf(parts)
