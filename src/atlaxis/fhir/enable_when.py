"""An item's conditions (:class:`EnableWhen`) as FHIR ``enableWhen`` or an SDC expression.

FHIR R4 compares Coding answers only with ``=``/``!=``/``exists``. A comparison such as
"ask item 10 when item 9 > 0" on a choice item is expanded into ``=`` conditions over
the options whose code satisfies it, joined with ``enableBehavior: any``. When an item
has several conditions and one of them needs such an expansion, plain ``enableWhen``
cannot say "all of these, where one is any of those", so the conditions are written as
an SDC ``enableWhenExpression`` (FHIRPath), which LHC-Forms evaluates.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from atlaxis.errors import ConfigurationError, Problem
from atlaxis.fhir.common import EXT_ENABLE_EXPR, answer_system, code_text
from atlaxis.instruments.model import EnableWhen, Instrument, Item

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}
_ANSWER_KEY = {
    "boolean": "answerBoolean",
    "integer": "answerInteger",
    "decimal": "answerDecimal",
    "date": "answerDate",
    "time": "answerTime",
    "text": "answerString",
}


def enable_when_fields(instrument: Instrument, item: Item) -> dict[str, Any]:
    """``enableWhen``/``enableBehavior`` (or an ``extension``) for ``item``; ``{}`` if none."""
    if not item.enable_when:
        return {}
    groups = [_alternatives(instrument, item, cond) for cond in item.enable_when]
    if all(len(g) == 1 for g in groups):
        rules = [g[0] for g in groups]
        out: dict[str, Any] = {"enableWhen": rules}
        if len(rules) > 1:
            out["enableBehavior"] = "all"
        return out
    if len(groups) == 1:
        return {"enableWhen": groups[0], "enableBehavior": "any"}
    expression = " and ".join(f"({_fhirpath(instrument, c)})" for c in item.enable_when)
    return {
        "extension": [
            {
                "url": EXT_ENABLE_EXPR,
                "valueExpression": {"language": "text/fhirpath", "expression": expression},
            }
        ]
    }


def _target(instrument: Instrument, item: Item, cond: EnableWhen) -> Item:
    target = instrument.item(cond.question)
    if target is None:
        raise ConfigurationError(
            f"{instrument.id}: item {item.id} depends on an unknown item",
            problems=[Problem(item.id, f"enable_when refers to unknown item {cond.question!r}")],
        )
    return target


def _matching_codes(instrument: Instrument, item: Item, cond: EnableWhen) -> list[int | str]:
    """Codes of the target's options that satisfy ``cond`` (for choice targets)."""
    target = _target(instrument, item, cond)
    if cond.operator in ("=", "!="):
        opt = target.option(cond.answer)
        if opt is None:
            raise ConfigurationError(
                f"{instrument.id}: item {item.id} has an impossible condition",
                problems=[Problem(item.id, f"{cond.answer!r} is not an option of {target.id}")],
            )
        return [opt.code]
    compare = _COMPARE[cond.operator]
    codes = []
    for opt in target.options:
        key: Any = opt.code if not isinstance(opt.code, str) else opt.points
        threshold: Any = cond.answer
        if isinstance(opt.code, str) and isinstance(cond.answer, str):
            ref = target.option(cond.answer)
            threshold = ref.points if ref is not None else None
        if threshold is not None and not isinstance(threshold, str) and compare(key, threshold):
            codes.append(opt.code)
    return codes


def _alternatives(instrument: Instrument, item: Item, cond: EnableWhen) -> list[dict[str, Any]]:
    """FHIR enableWhen rules any one of which makes ``cond`` true."""
    target = _target(instrument, item, cond)
    base: dict[str, Any] = {"question": target.id}
    if cond.operator == "exists":
        return [{**base, "operator": "exists", "answerBoolean": bool(cond.answer)}]
    if target.type in ("choice", "multi_choice"):
        system = answer_system(instrument)
        op = "!=" if cond.operator == "!=" else "="
        codes = _matching_codes(instrument, item, cond)
        if not codes:
            raise ConfigurationError(
                f"{instrument.id}: item {item.id} can never be asked",
                problems=[Problem(item.id, f"no option of {target.id} is {cond.operator} "
                                           f"{cond.answer!r}")],
            )
        return [
            {**base, "operator": op, "answerCoding": {"system": system, "code": code_text(c)}}
            for c in codes
        ]
    return [{**base, "operator": cond.operator, _ANSWER_KEY[target.type]: _literal(target, cond)}]


def _literal(target: Item, cond: EnableWhen) -> Any:
    value = cond.answer
    if target.type == "time" and isinstance(value, str) and len(value) == 5:
        return f"{value}:00"
    if target.type == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fhirpath(instrument: Instrument, cond: EnableWhen) -> str:
    """One condition as FHIRPath over the QuestionnaireResponse being filled in."""
    item = instrument.item(cond.question)
    assert item is not None  # checked by _alternatives before we get here
    answers = f"%resource.repeat(item).where(linkId = {_quote(item.id)}).answer.value"
    if cond.operator == "exists":
        return f"{answers}.exists()" if cond.answer else f"{answers}.exists().not()"
    if item.type in ("choice", "multi_choice"):
        codes = _matching_codes(instrument, item, cond)
        test = " or ".join(f"code = {_quote(code_text(c))}" for c in codes) or "false"
        if cond.operator == "!=":
            return f"{answers}.where({test}).exists().not()"
        return f"{answers}.where({test}).exists()"
    literal = _literal(item, cond)
    if isinstance(literal, bool):
        text = "true" if literal else "false"
    elif item.type == "date":
        text = f"@{literal}"
    elif item.type == "time":
        text = f"@T{literal}"
    elif isinstance(literal, str):
        text = _quote(literal)
    else:
        text = repr(literal)
    return f"{answers}.where($this {cond.operator} {text}).exists()"
