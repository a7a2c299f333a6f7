"""A REDCap data dictionary → custom atlaxis instruments (one per form).

Supported field types: text (no validation, integer, number, number_Ndp, date_ymd/mdy/dmy,
time), notes, radio, dropdown, checkbox, yesno, truefalse, slider and calc sums (see
:mod:`atlaxis.interop.redcap_logic`). Everything else is refused, one problem per field
naming the CSV row, the variable and what is unsupported, so nothing is imported with a
different meaning. The first field (REDCap's record identifier) is skipped, as are the
``<form>_taken_at`` and atlaxis-computed score fields of dictionaries atlaxis wrote.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from atlaxis.errors import Problem, ValidationError
from atlaxis.instruments.model import Instrument, Item, Option, Scoring, Source, Subscale
from atlaxis.interop import redcap_format as rf
from atlaxis.interop.custom_instruments import LICENCE, check_new_id, unscored
from atlaxis.interop.redcap_dictionary import COMPUTED_BY_ATLAXIS
from atlaxis.interop.redcap_logic import Calc, LogicContext, parse_branching, parse_calc

_NUMBER_DP = re.compile(r"^number(_\d+dp)?(_comma_decimal)?$")
_DATES = ("date_ymd", "date_mdy", "date_dmy")
_REFUSED_TAGS = ("@CALCTEXT", "@CALCDATE", "@IF", "@SETVALUE")
TEXT_VALIDATIONS = "integer, number, number_Ndp, date_ymd, date_mdy, date_dmy, time"
FIELD_TYPES = "text, notes, radio, dropdown, checkbox, yesno, truefalse, slider, calc"


@dataclass
class _Form:
    name: str
    line: int
    items: list[Item] = field(default_factory=list)
    by_variable: dict[str, Item] = field(default_factory=dict)
    item_ids: set[str] = field(default_factory=set)
    calcs: list[tuple[int, str, str, Calc]] = field(default_factory=list)  # line, var, label
    section: str | None = None


@dataclass(frozen=True)
class ImportResult:
    instruments: list[Instrument]
    skipped: list[str]


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, line: int, variable: str, message: str, allowed: str | None = None) -> None:
        self.items.append(Problem(f"row {line} [{variable or '?'}]", message, allowed))


def _item_id(form: str, variable: str) -> str:
    prefix = f"{form}_"
    if variable.startswith(prefix) and variable != prefix:
        return variable[len(prefix) :]
    return variable


def _options(text: str, line: int, var: str, problems: _Problems) -> tuple[Option, ...]:
    pairs, bad = rf.parse_choices(text)
    for message in bad:
        problems.add(line, var, message)
    if not pairs and not bad:
        problems.add(line, var, "has no choices", "'1, Label | 2, Label'")
    options = []
    for code, label in pairs:
        if re.fullmatch(r"-?\d+", code):
            options.append(Option(int(code), label, float(code)))
        else:
            options.append(Option(code, label, 0.0))
    return tuple(options)


def _number(text: str, line: int, var: str, what: str, problems: _Problems) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        problems.add(line, var, f"{what} {text!r} is not a number")
        return None


Kind = Literal["choice", "boolean", "integer", "decimal", "time", "date", "text", "multi_choice"]


def _text_kind(validation: str) -> Kind | None:
    if validation == "":
        return "text"
    if validation == "integer":
        return "integer"
    if _NUMBER_DP.match(validation):
        return "decimal"
    if validation in _DATES:
        return "date"
    if validation == "time":
        return "time"
    return None


def _field(
    line: int, row: rf.Row, form: _Form, problems: _Problems
) -> tuple[Kind, dict[str, Any]] | None:
    """The item type and attributes of one non-calc field, or ``None`` (problem recorded)."""
    var, ftype = row[rf.VARIABLE], row[rf.FIELD_TYPE].lower()
    validation = row[rf.VALIDATION]
    extra: dict[str, Any] = {}
    if ftype in ("radio", "dropdown", "checkbox"):
        extra["options"] = _options(row[rf.CHOICES], line, var, problems)
        return ("multi_choice" if ftype == "checkbox" else "choice"), extra
    if ftype in ("yesno", "truefalse"):
        return "boolean", extra
    if ftype == "notes":
        return "text", extra
    if ftype == "slider":
        low = _number(row[rf.VALIDATION_MIN], line, var, "slider minimum", problems)
        high = _number(row[rf.VALIDATION_MAX], line, var, "slider maximum", problems)
        extra["minimum"] = 0.0 if low is None else low
        extra["maximum"] = 100.0 if high is None else high
        labels = [p.strip() for p in row[rf.CHOICES].split("|") if p.strip()]
        if labels:
            extra["help"] = "Slider: " + " … ".join(labels)
        return "integer", extra
    if ftype == "text":
        kind = _text_kind(validation)
        if kind is None:
            problems.add(
                line, var, f"text validation {validation!r} is not supported", TEXT_VALIDATIONS
            )
            return None
        if kind in ("integer", "decimal"):
            extra["minimum"] = _number(row[rf.VALIDATION_MIN], line, var, "minimum", problems)
            extra["maximum"] = _number(row[rf.VALIDATION_MAX], line, var, "maximum", problems)
        return kind, extra
    problems.add(line, var, f"field type {ftype!r} is not supported", FIELD_TYPES)
    return None


def _refusals(line: int, row: rf.Row, problems: _Problems) -> bool:
    var = row[rf.VARIABLE]
    before = len(problems.items)
    if row[rf.IDENTIFIER].lower() == "y":
        problems.add(
            line,
            var,
            "identifier fields are not imported: atlaxis keeps identity in the patient record only",
        )
    if row[rf.MATRIX_RANKING].lower() == "y":
        problems.add(line, var, "matrix ranking is not supported")
    tags = [t for t in _REFUSED_TAGS if t in row[rf.ANNOTATION].upper()]
    if tags:
        problems.add(line, var, f"action tag {', '.join(tags)} is not supported")
    if not rf.valid_variable(var):
        problems.add(line, var, "is not a valid REDCap variable name", "[a-z][a-z0-9_]*, ≤ 100")
    return len(problems.items) > before


def _skip_own(row: rf.Row, form: str) -> bool:
    """Fields atlaxis writes into its own dictionaries that are not questions."""
    var = row[rf.VARIABLE]
    if var == rf.variable_name(form, "taken_at") and row[rf.VALIDATION] == "datetime_ymd":
        return True
    return row[rf.FIELD_TYPE] == "text" and row[rf.NOTE].startswith(COMPUTED_BY_ATLAXIS)


def _add_row(line: int, row: rf.Row, form: _Form, problems: _Problems) -> None:
    var = row[rf.VARIABLE]
    if row[rf.SECTION]:
        form.section = row[rf.SECTION]
    if row[rf.FIELD_TYPE].lower() == "calc":
        calc, reason = parse_calc(row[rf.CHOICES])
        if calc is None:
            problems.add(line, var, reason or "unsupported calc")
        else:
            form.calcs.append((line, var, row[rf.LABEL], calc))
        return
    found = _field(line, row, form, problems)
    if found is None:
        return
    kind, extra = found
    conditions: tuple[Any, ...] = ()
    if row[rf.BRANCHING]:
        conditions, reason = parse_branching(row[rf.BRANCHING], LogicContext(form.by_variable))
        if reason:
            problems.add(line, var, reason)
    item_id = _item_id(form.name, var)
    if item_id in form.item_ids:
        problems.add(line, var, f"item id {item_id!r} is used twice in form {form.name!r}")
        return
    item = Item(
        id=item_id,
        text=row[rf.LABEL] or var,
        type=kind,
        required=row[rf.REQUIRED].lower() == "y",
        enable_when=conditions,
        section=form.section,
        help=extra.pop("help", None) or row[rf.NOTE] or None,
        **extra,
    )
    form.items.append(item)
    form.item_ids.add(item_id)
    form.by_variable[var] = item


_SUMMABLE = ("boolean", "integer", "decimal")


def _summable(item: Item) -> bool:
    if item.type == "choice":
        return all(isinstance(o.code, int) for o in item.options)
    return item.type in _SUMMABLE


def _scoring(form: _Form, problems: _Problems) -> tuple[Scoring, bool]:
    """The form's scoring (and whether it has a total) from its calc fields."""
    subs: dict[str, Subscale] = {}
    total: Scoring | None = None
    named_total = rf.variable_name(form.name, "total")
    only = len(form.calcs) == 1
    for line, var, _label, calc in form.calcs:
        is_total = var in (named_total, "total") or only
        if all(f in subs for f in calc.fields) and is_total:
            total = _subscale_total(form, line, var, calc, subs, problems)
            continue
        ids = []
        for f in calc.fields:
            item = form.by_variable.get(f)
            if item is None or not _summable(item):
                what = "a numeric field of this form" if item is None else "numeric"
                problems.add(line, var, f"calc field [{f}] is not {what}")
            else:
                ids.append(item.id)
        if len(ids) != len(calc.fields):
            continue
        missing = len(ids) - 1 if calc.ignore_blanks else 0
        if is_total:
            total = _items_total(form, line, var, calc, ids, missing, problems)
        else:
            subs[var] = Subscale(
                _item_id(form.name, var),
                tuple(ids),
                divisor=calc.divisor,
                weight=calc.weight,
                max_missing=missing,
                in_total=False,
            )
    if total is None:
        return Scoring(total="sum_items", subscales=tuple(subs.values())), False
    chosen = {s.name for s in total.subscales}
    every = tuple(replace(s, in_total=s.name in chosen) for s in subs.values())
    return replace(total, subscales=every), True


def _items_total(
    form: _Form,
    line: int,
    var: str,
    calc: Calc,
    ids: list[str],
    missing: int,
    problems: _Problems,
) -> Scoring | None:
    rule = (
        "REDCap sum(): blank items are ignored"
        if calc.ignore_blanks
        else "every item is needed (REDCap arithmetic is blank when an item is blank)"
    )
    if calc.weight == 1.0 and calc.divisor == 1.0:
        return Scoring("sum_items", total_items=tuple(ids), max_missing=missing, missing_rule=rule)
    if calc.weight == 1.0 and calc.divisor == len(ids) and not calc.ignore_blanks:
        return Scoring("mean_items", total_items=tuple(ids), missing_rule=rule)
    problems.add(line, var, "a scaled total is not supported: write it as a subscale calc")
    return None


def _subscale_total(
    form: _Form, line: int, var: str, calc: Calc, subs: dict[str, Subscale], problems: _Problems
) -> Scoring | None:
    parts = tuple(subs[f] for f in calc.fields)
    rule = "every subscale is needed"
    if calc.weight == 1.0 and calc.divisor == 1.0:
        return Scoring("sum_subscales", subscales=parts, missing_rule=rule)
    if calc.weight == 1.0 and calc.divisor == len(parts):
        return Scoring("mean_subscales", subscales=parts, missing_rule=rule)
    problems.add(line, var, "a scaled total of subscales is not supported")
    return None


def import_dictionary(
    text: str, source: str = "dictionary", rename: Mapping[str, str] | None = None
) -> ImportResult:
    """Every form of the dictionary as a custom instrument; one error lists every problem.

    ``rename`` maps a form name to the instrument id to store it under (a form named like a
    built-in instrument must be renamed); item ids drop the ``<form>_`` prefix either way.
    """
    rename = dict(rename or {})
    rows = rf.read_dictionary(text, source)
    problems = _Problems()
    forms: dict[str, _Form] = {}
    skipped: list[str] = []
    for index, (line, row) in enumerate(rows):
        var, form_name = row[rf.VARIABLE], row[rf.FORM]
        if index == 0:
            skipped.append(f"{var} (record identifier)")
            continue
        if form_name not in forms:
            forms[form_name] = _Form(form_name, line)
            id_problem = check_new_id(rename.get(form_name, form_name), f"row {line} form")
            if id_problem is not None:
                problems.items.append(id_problem)
        if _skip_own(row, form_name):
            skipped.append(var)
            continue
        if not _refusals(line, row, problems):
            _add_row(line, row, forms[form_name], problems)
    unknown = sorted(set(rename) - set(forms))
    if unknown:
        problems.items.append(Problem("rename", f"no form named {', '.join(unknown)}"))
    instruments = [
        _instrument(f, rename.get(f.name, f.name), source, problems) for f in forms.values()
    ]
    if problems.items:
        raise ValidationError(
            f"REDCap data dictionary {source} cannot be imported", problems=problems.items
        )
    return ImportResult([i for i in instruments if i is not None], skipped)


def _variables(form: _Form, scoring: Scoring) -> dict[str, dict[str, str]]:
    """The form's own REDCap variable names, so a re-export writes the same dictionary."""
    items = {item.id: var for var, item in form.by_variable.items()}
    scores = {}
    named = {s.name for s in scoring.subscales}
    for _line, var, _label, _calc in form.calcs:
        key = _item_id(form.name, var)
        scores[key if key in named else "total"] = var
    return {"items": items, "scores": scores}


def _instrument(form: _Form, new_id: str, source: str, problems: _Problems) -> Instrument | None:
    if not form.items:
        problems.add(form.line, form.name, f"form {form.name!r} has no importable fields")
        return None
    scoring, has_total = _scoring(form, problems)
    return Instrument(
        id=new_id,
        version="1",
        title=new_id.replace("_", " ").capitalize(),
        citation=Source(f"Imported from REDCap data dictionary {source}", evidence="unverified"),
        licence=LICENCE,
        items=tuple(form.items),
        scoring=scoring,
        score_range=None,
        custom_scorer=None if has_total else unscored,
        extra={"custom": True, "redcap": _variables(form, scoring)},
    )
