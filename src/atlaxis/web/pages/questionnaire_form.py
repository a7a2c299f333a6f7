"""Questionnaires as plain HTML forms, rendered from instrument definitions (no JS needed).

Items are split into short pages (by section, at most :data:`PAGE_SIZE` items each) so a
tired patient sees a few questions at a time, with progress; each page's answers are
checked with the instrument's own rules (:func:`atlaxis.instruments.validation.check_value`)
and any problem is shown next to its item. Items whose skip-logic condition is already
answered "no" are left out. The wording is the licensed text when the clinic installed it
(:func:`atlaxis.instruments.texts.with_local_text`), otherwise the shipped text or topic label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from atlaxis.instruments.model import EnableWhen, Instrument, Item
from atlaxis.instruments.validation import check_value

PAGE_SIZE = 6
FormValues = Mapping[str, list[str]]


@dataclass(frozen=True, slots=True)
class FormPage:
    number: int  # 1-based
    items: tuple[Item, ...]


def pages(instrument: Instrument, answers: Mapping[str, Any]) -> list[FormPage]:
    """The instrument's asked items in pages (sections kept together where they fit)."""
    asked = [i for i in instrument.items if enabled(i, answers)]
    out: list[list[Item]] = []
    for item in asked:
        current = out[-1] if out else None
        same_section = current is not None and current[-1].section == item.section
        if current is not None and len(current) < PAGE_SIZE and (same_section or not item.section):
            current.append(item)
        else:
            out.append([item])
    return [FormPage(n + 1, tuple(items)) for n, items in enumerate(out)]


def _holds(cond: EnableWhen, value: Any) -> bool | None:
    if cond.operator == "exists":
        return (value is not None) == bool(cond.answer)
    if value is None:
        return None
    try:
        ops = {
            "=": value == cond.answer,
            "!=": value != cond.answer,
            ">": value > cond.answer,
            "<": value < cond.answer,
            ">=": value >= cond.answer,
            "<=": value <= cond.answer,
        }
    except TypeError:
        return None
    return bool(ops[cond.operator])


def enabled(item: Item, answers: Mapping[str, Any]) -> bool:
    """False only when a condition is already known to fail (unknown → still asked)."""
    return all(_holds(c, answers.get(c.question)) is not False for c in item.enable_when)


def _parse(item: Item, raw: list[str]) -> Any:
    """A form string (or list, for multi-choice) → the answer type the instrument expects."""
    if item.type == "multi_choice":
        codes = {str(o.code): o.code for o in item.options}
        return [codes.get(r, r) for r in raw]
    text = raw[0].strip() if raw else ""
    if text == "":
        return None
    if item.type == "choice":
        return {str(o.code): o.code for o in item.options}.get(text, text)
    if item.type == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if item.type == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if item.type == "decimal":
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return text
    return text


def read_page(page: FormPage, form: FormValues) -> tuple[dict[str, Any], dict[str, str]]:
    """This page's answers (None = left blank) and a problem message per invalid item."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for item in page.items:
        value = _parse(item, form.get(f"q_{item.id}", []))
        if value is None or value == []:
            answers[item.id] = None
            continue
        normal, problem = check_value(item, value)
        if problem is not None:
            problems[item.id] = problem
        else:
            answers[item.id] = normal
    return answers, problems


def unanswered(instrument: Instrument, answers: Mapping[str, Any]) -> list[str]:
    """Required, asked items still without an answer."""
    return [
        i.id
        for i in instrument.items
        if i.required and enabled(i, answers) and answers.get(i.id) is None
    ]


def field_value(item: Item, answers: Mapping[str, Any]) -> Any:
    """The saved answer as the form shows it (codes as strings, booleans as true/false)."""
    value = answers.get(item.id)
    if value is None:
        return [] if item.type == "multi_choice" else ""
    if item.type == "multi_choice":
        return [str(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
