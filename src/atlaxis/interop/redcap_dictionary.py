"""Instruments → a REDCap data dictionary (and the column list of the matching records CSV).

Each instrument becomes one REDCap form named by its id. The project's first form,
``participant``, holds only ``record_id`` (REDCap wants the record identifier first), so every
instrument form can be set to *repeating* in REDCap's Project Setup (one instance per
completed questionnaire). Per form: one field per item, a ``<form>_taken_at`` date-time, and
score fields: a REDCap ``calc`` where REDCap arithmetic can express the published rule,
otherwise a number field filled by atlaxis (its Field Note says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from atlaxis.errors import ConfigurationError, Problem
from atlaxis.instruments.model import Instrument, Item, Subscale
from atlaxis.interop import redcap_format as rf
from atlaxis.interop.redcap_logic import branching_logic, calc_formula

_NUMERIC_TYPES = ("choice", "boolean", "integer", "decimal")
COMPUTED_BY_ATLAXIS = "Calculated by atlaxis and imported as a value"


@dataclass(frozen=True)
class ScoreField:
    """A score column: its variable, label, and calc formula (``None`` = imported value)."""

    variable: str
    key: str  # "total" or the subscale name
    label: str
    formula: str | None
    note: str


def _kept(instrument: Instrument, group: str, key: str) -> str | None:
    """The REDCap variable an imported custom instrument came with (kept on re-export)."""
    names: dict[str, str] = instrument.extra.get("redcap", {}).get(group, {})
    return names.get(key)


def item_variable(instrument: Instrument, item_id: str) -> str:
    return _kept(instrument, "items", item_id) or rf.variable_name(instrument.id, item_id)


def score_variable(instrument: Instrument, key: str) -> str:
    return _kept(instrument, "scores", key) or rf.variable_name(instrument.id, key)


def checkbox_column(variable: str, code: object) -> str:
    """REDCap's records column for one checkbox choice: ``<variable>___<code>``."""
    return f"{variable}___{str(code).lower().replace('-', '_').replace('.', '_')}"


def taken_at_variable(instrument: Instrument) -> str:
    return rf.variable_name(instrument.id, "taken_at")


def complete_variable(instrument: Instrument) -> str:
    """REDCap adds ``<form>_complete`` (0 incomplete, 1 unverified, 2 complete) to each form."""
    return f"{instrument.id}_complete"


def _calc_ready(instrument: Instrument, item: Item) -> bool:
    """Whether REDCap arithmetic on the stored code gives this item's scoring points."""
    if item.type not in _NUMERIC_TYPES:
        return False
    if instrument.extra.get("points", {}).get(item.id) is not None:
        return False
    if item.type == "choice":
        return all(
            isinstance(o.code, int) and not isinstance(o.code, bool) and o.points == o.code
            for o in item.options
        )
    return True


def _scored_ids(instrument: Instrument) -> tuple[str, ...]:
    if instrument.scoring.total_items:
        return instrument.scoring.total_items
    return tuple(i.id for i in instrument.items if i.type in (*_NUMERIC_TYPES, "multi_choice"))


def _sum_formula(
    instrument: Instrument, ids: Sequence[str], divisor: float, weight: float
) -> str | None:
    items = [instrument.item(i) for i in ids]
    if not ids or any(it is None or not _calc_ready(instrument, it) for it in items):
        return None
    return calc_formula([item_variable(instrument, i) for i in ids], divisor, weight)


def _missing_note(max_missing: int, prorate: bool, rule: str) -> str:
    if max_missing == 0:
        return "REDCap calc: blank until every item is answered (as the published rule)."
    how = "with proration" if prorate else "without proration"
    return (
        f"REDCap calc is blank when any item is missing; the published rule ({rule}) allows "
        f"up to {max_missing} missing {how}, which REDCap cannot express — atlaxis applies it."
    )


def _subscale_field(instrument: Instrument, sub: Subscale) -> ScoreField:
    divisor = sub.divisor * (len(sub.items) if sub.statistic == "mean" else 1)
    formula = _sum_formula(instrument, sub.items, divisor, sub.weight)
    rule = f"subscale {sub.name}"
    note = (
        _missing_note(sub.max_missing, sub.prorate, rule)
        if formula is not None
        else f"{COMPUTED_BY_ATLAXIS}: the item codes are not the scoring points."
    )
    label = f"{instrument.title}: {sub.name} subscale"
    return ScoreField(score_variable(instrument, sub.name), sub.name, label, formula, note)


def _total_field(instrument: Instrument, subs: list[ScoreField]) -> ScoreField:
    sc = instrument.scoring
    variable = score_variable(instrument, "total")
    label = f"{instrument.title}: total score"
    formula: str | None = None
    why = "the scoring algorithm is not a sum of item codes"
    if instrument.custom_scorer is None and sc.total in ("sum_items", "mean_items"):
        ids = _scored_ids(instrument)
        divisor = float(len(ids)) if sc.total == "mean_items" else 1.0
        formula = _sum_formula(instrument, ids, divisor, 1.0)
        why = "the item codes are not the scoring points"
    elif instrument.custom_scorer is None and sc.total in ("sum_subscales", "mean_subscales"):
        parts = [f for f, s in zip(subs, sc.subscales, strict=True) if s.in_total]
        if all(p.formula is not None for p in parts):
            k = float(len(parts)) if sc.total == "mean_subscales" else 1.0
            formula = calc_formula([p.variable for p in parts], k, 1.0)
        why = "a subscale is not a sum of item codes"
    if formula is None:
        return ScoreField(variable, "total", label, None, f"{COMPUTED_BY_ATLAXIS}: {why}.")
    note = _missing_note(sc.max_missing, sc.prorate, sc.missing_rule)
    if sc.total in ("sum_subscales", "mean_subscales"):
        worst = max((s.max_missing for s in sc.subscales if s.in_total), default=0)
        note = _missing_note(worst, any(s.prorate for s in sc.subscales), sc.missing_rule)
    return ScoreField(variable, "total", label, formula, note)


def score_fields(instrument: Instrument) -> list[ScoreField]:
    """Subscale fields (in definition order), then the total."""
    subs = [_subscale_field(instrument, s) for s in instrument.scoring.subscales]
    return [*subs, _total_field(instrument, subs)]


def _item_row(instrument: Instrument, item: Item) -> rf.Row:
    def var(item_id: str) -> str:
        return item_variable(instrument, item_id)

    def kind(item_id: str) -> str:
        found = instrument.item(item_id)
        return "" if found is None else found.type

    notes = [item.help or ""]
    if item.text_is_label:
        notes.append("Topic label only: the licensed wording is not shipped.")
    if item.unit:
        notes.append(f"Unit: {item.unit}.")
    note = " ".join(n for n in notes if n)
    row = rf.blank_row(
        variable=var(item.id),
        form=instrument.id,
        section=item.section or "",
        label=item.text,
        note=note,
        branching=branching_logic(item.enable_when, var, kind),
        required="y" if item.required else "",
    )
    _set_type(row, item)
    return row


def _set_type(row: rf.Row, item: Item) -> None:
    pairs = [(str(o.code), o.label) for o in item.options]
    simple = {"boolean": "yesno", "choice": "radio", "multi_choice": "checkbox"}
    if item.type in simple:
        row[rf.FIELD_TYPE] = simple[item.type]
        if item.type != "boolean":
            row[rf.CHOICES] = rf.format_choices(pairs)
        return
    row[rf.FIELD_TYPE] = "text"
    validation = {"integer": "integer", "decimal": "number", "time": "time", "date": "date_ymd"}
    row[rf.VALIDATION] = validation.get(item.type, "")
    if item.type in ("integer", "decimal"):
        row[rf.VALIDATION_MIN] = "" if item.minimum is None else f"{item.minimum:g}"
        row[rf.VALIDATION_MAX] = "" if item.maximum is None else f"{item.maximum:g}"


def instrument_rows(instrument: Instrument) -> list[rf.Row]:
    rows = [
        rf.blank_row(
            variable=taken_at_variable(instrument),
            form=instrument.id,
            section=instrument.title,
            field_type="text",
            label="Date and time completed",
            note="In atlaxis de-identified exports this is shifted by a per-patient offset.",
            validation="datetime_ymd",
        )
    ]
    section: str | None = None
    for item in instrument.items:
        row = _item_row(instrument, item)
        if item.section == section:
            row[rf.SECTION] = ""  # REDCap shows a header where a section starts
        section = item.section
        rows.append(row)
    for f in score_fields(instrument):
        row = rf.blank_row(variable=f.variable, form=instrument.id, label=f.label, note=f.note)
        if f.formula is not None:
            row[rf.FIELD_TYPE], row[rf.CHOICES] = "calc", f.formula
        else:
            row[rf.FIELD_TYPE], row[rf.VALIDATION] = "text", "number"
        rows.append(row)
    return rows


def dictionary_rows(instruments: Sequence[Instrument]) -> list[rf.Row]:
    """Every row of the dictionary: ``record_id`` first, then one form per instrument."""
    rows = [
        rf.blank_row(
            variable=rf.RECORD_ID,
            form=rf.PARTICIPANT_FORM,
            field_type="text",
            label="Record ID (atlaxis pseudonym)",
        )
    ]
    for instrument in instruments:
        rows.extend(instrument_rows(instrument))
    _check_unique(rows)
    return rows


def _check_unique(rows: list[rf.Row]) -> None:
    seen: dict[str, str] = {}
    problems = []
    for row in rows:
        name = row[rf.VARIABLE]
        if name in seen:
            problems.append(Problem(name, f"used twice (forms {seen[name]}, {row[rf.FORM]})"))
        elif not rf.valid_variable(name):
            problems.append(Problem(name, "is not a valid REDCap variable name"))
        seen[name] = row[rf.FORM]
    if problems:
        raise ConfigurationError("cannot write a REDCap dictionary", problems=problems)


def export_dictionary(instruments: Sequence[Instrument]) -> str:
    """The data dictionary as CSV text (the 18 REDCap columns, in order)."""
    return rf.write_csv(rf.COLUMNS, dictionary_rows(instruments))
