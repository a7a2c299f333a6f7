"""REDCap branching logic ⇄ :class:`EnableWhen`, and REDCap calc formulas for sums.

Only the part of REDCap's logic language that atlaxis can represent exactly is read:
comparisons ``[field] op value`` (and checkbox ``[field(code)] = '1'``) joined by ``and``.
Anything else (``or``, parentheses, functions, events, smart variables) is refused with the
reason, so nothing is imported with different meaning.

Calc formulas: ``sum([a],[b],…)`` (REDCap ignores blank fields) or ``[a]+[b]+…`` (blank as
soon as one field is blank), optionally as ``(…)/n`` and/or ``*w``; a total may add other calc
fields ``[sub1]+[sub2]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, cast

from atlaxis.instruments.model import EnableWhen, Item

Operator = Literal["=", "!=", ">", "<", ">=", "<=", "exists"]

_OPS_OUT = {"=": "=", "!=": "<>", ">": ">", "<": "<", ">=": ">=", "<=": "<="}
_OPS_IN = {"=": "=", "<>": "!=", "!=": "!=", ">": ">", "<": "<", ">=": ">=", "<=": "<="}
_CONDITION = re.compile(
    r"^\[(?P<var>[a-z][a-z0-9_]*)(?:\((?P<code>[A-Za-z0-9_.\-]+)\))?\]\s*"
    r"(?P<op><>|!=|>=|<=|=|>|<)\s*"
    r"(?:'(?P<sq>[^']*)'|\"(?P<dq>[^\"]*)\"|(?P<num>-?\d+(?:\.\d+)?))$"
)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_OR = re.compile(r"\s+or\s+", re.IGNORECASE)


def _literal(value: bool | int | float | str) -> str:
    if isinstance(value, bool):
        return "'1'" if value else "'0'"
    if isinstance(value, int | float):
        return f"'{value:g}'" if isinstance(value, int) else f"'{value}'"
    return f"'{value}'"


def branching_logic(
    conditions: tuple[EnableWhen, ...],
    variable: Callable[[str], str],
    item_type: Callable[[str], str],
) -> str:
    """REDCap logic for an item's conditions (all must hold)."""
    parts = []
    for cond in conditions:
        var = variable(cond.question)
        if item_type(cond.question) == "multi_choice" and cond.operator in ("=", "!="):
            flag = "'1'" if cond.operator == "=" else "'0'"
            parts.append(f"[{var}({cond.answer})] = {flag}")
        elif cond.operator == "exists":
            parts.append(f"[{var}] <> ''")
        elif cond.operator in (">", "<", ">=", "<=") and not isinstance(cond.answer, str):
            parts.append(f"[{var}] {cond.operator} {cond.answer:g}")
        else:
            parts.append(f"[{var}] {_OPS_OUT[cond.operator]} {_literal(cond.answer)}")
    return " and ".join(parts)


@dataclass(frozen=True)
class LogicContext:
    """What the parser may refer to: earlier fields of the same form, by variable name."""

    items: Mapping[str, Item]  # variable -> item (already converted)


def parse_branching(text: str, ctx: LogicContext) -> tuple[tuple[EnableWhen, ...], str | None]:
    """(conditions, None) or ((), reason it cannot be represented)."""
    if _OR.search(text):
        return (), "'or' in branching logic is not supported (only conditions joined by 'and')"
    conditions = []
    for part in _AND.split(text.strip()):
        part = part.strip()
        while part.startswith("(") and part.endswith(")") and part.count("(") == 1:
            part = part[1:-1].strip()
        match = _CONDITION.match(part)
        if match is None:
            return (), (
                f"branching condition {part!r} is not supported "
                "(allowed: [field] = 'value', <>, >, <, >=, <=, [checkbox(code)] = '1', "
                "joined by 'and')"
            )
        cond, reason = _condition(match, ctx)
        if cond is None:
            return (), reason
        conditions.append(cond)
    return tuple(conditions), None


def _condition(match: re.Match[str], ctx: LogicContext) -> tuple[EnableWhen | None, str | None]:
    var, code, op = match["var"], match["code"], _OPS_IN[match["op"]]
    raw = match["sq"] if match["sq"] is not None else match["dq"]
    if raw is None:
        raw = match["num"]
    item = ctx.items.get(var)
    if item is None:
        return None, f"branching refers to [{var}], which is not an earlier field of this form"
    if code is not None:
        if item.type != "multi_choice" or op != "=" or raw not in ("0", "1"):
            return None, f"checkbox condition on [{var}({code})] must be = '1' or = '0'"
        value = _code(code, item)
        if value is None:
            return None, f"[{var}] has no choice {code!r}"
        return EnableWhen(item.id, "=" if raw == "1" else "!=", value), None
    if raw == "":
        if op == "!=":
            return EnableWhen(item.id, "exists", True), None
        return None, f"'[{var}] = \"\"' (field is empty) is not supported"
    return _typed(item, var, op, raw)


def _code(code: str, item: Item) -> int | str | None:
    for opt in item.options:
        if str(opt.code) == code:
            return opt.code
    return None


def _typed(item: Item, var: str, op: str, raw: str) -> tuple[EnableWhen | None, str | None]:
    value: bool | int | float | str
    if item.type == "boolean":
        if raw not in ("0", "1"):
            return None, f"[{var}] is yes/no: compare with '1' or '0', not {raw!r}"
        value = raw == "1"
    elif item.type == "choice":
        found = _code(raw, item)
        if found is None:
            return None, f"[{var}] has no choice {raw!r}"
        value = found
    elif item.type in ("integer", "decimal"):
        try:
            value = int(raw) if item.type == "integer" else float(raw)
        except ValueError:
            return None, f"[{var}] is a number: {raw!r} is not one"
    else:
        value = raw
    return EnableWhen(item.id, cast(Operator, op), value), None


# --------------------------------------------------------------------------- calc


@dataclass(frozen=True)
class Calc:
    """A parsed calc formula: which fields, whether blanks are ignored, divisor and weight."""

    fields: tuple[str, ...]
    ignore_blanks: bool
    divisor: float = 1.0
    weight: float = 1.0


_SUM_FN = re.compile(r"^sum\((?P<args>[^()]*)\)$", re.IGNORECASE)
_FIELD = re.compile(r"^\[([a-z][a-z0-9_]*)\]$")
_SCALED = re.compile(
    r"^\((?P<inner>.+)\)(?:\s*/\s*(?P<div>\d+(?:\.\d+)?))?(?:\s*\*\s*(?P<w>\d+(?:\.\d+)?))?$"
)
_WEIGHT_ONLY = re.compile(r"^(?P<inner>.+?)\s*\*\s*(?P<w>\d+(?:\.\d+)?)$")


def calc_formula(variables: list[str], divisor: float = 1.0, weight: float = 1.0) -> str:
    """``[a]+[b]+…`` (blank when any field is blank), scaled when needed."""
    body = "+".join(f"[{v}]" for v in variables)
    if divisor != 1.0 or weight != 1.0:
        body = f"({body})"
    if divisor != 1.0:
        body += f"/{divisor:g}"
    if weight != 1.0:
        body += f"*{weight:g}"
    return body


def parse_calc(text: str) -> tuple[Calc | None, str | None]:
    """A sum formula, or the reason it is not one atlaxis can represent."""
    expr = " ".join(text.split())
    divisor, weight = 1.0, 1.0
    scaled = _SCALED.match(expr)
    if scaled is not None and (scaled["div"] or scaled["w"]):
        expr = scaled["inner"].strip()
        divisor = float(scaled["div"] or 1.0)
        weight = float(scaled["w"] or 1.0)
    elif (only := _WEIGHT_ONLY.match(expr)) is not None and "(" not in only["inner"][:1]:
        expr, weight = only["inner"].strip(), float(only["w"])
    if divisor == 0:
        return None, "calc divides by zero"
    fn = _SUM_FN.match(expr)
    if fn is not None:
        names = [a.strip() for a in fn["args"].split(",")]
        ignore = True
    else:
        names = [a.strip() for a in expr.split("+")]
        ignore = False
    fields = []
    for name in names:
        m = _FIELD.match(name)
        if m is None:
            return None, (
                f"calc {text!r} is not a sum atlaxis can represent (allowed: sum([a],[b],…), "
                "[a]+[b]+…, optionally (…)/n and *w)"
            )
        fields.append(m.group(1))
    if len(set(fields)) != len(fields):
        return None, f"calc {text!r} names a field twice"
    return Calc(tuple(fields), ignore, divisor, weight), None
