"""Assessments → a REDCap records import CSV matching :mod:`atlaxis.interop.redcap_dictionary`.

Columns: ``record_id``, ``redcap_repeat_instrument``, ``redcap_repeat_instance``, then per
form its ``<form>_taken_at``, one column per item (a checkbox item gives one
``<variable>___<code>`` column per choice, ``1``/``0``), the score fields REDCap cannot
calculate, and ``<form>_complete`` (``2`` = complete). Calc fields are not written: REDCap
calculates them. Record ids and dates arrive already de-identified (pseudonym, shifted
date); free-text answers are left blank.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from atlaxis.errors import Problem, ValidationError
from atlaxis.instruments.model import Instrument, Item
from atlaxis.interop import redcap_dictionary as rd
from atlaxis.interop import redcap_format as rf

REPEAT_INSTRUMENT = "redcap_repeat_instrument"
REPEAT_INSTANCE = "redcap_repeat_instance"


@dataclass(frozen=True)
class RecordInput:
    """One stored assessment, with its record's pseudonym and the patient's date shift."""

    record_id: str
    shift_days: int
    instrument: str
    taken_at: datetime
    answers: dict[str, Any]
    result: dict[str, Any]


def item_columns(instrument: Instrument, item: Item) -> list[str]:
    var = rd.item_variable(instrument, item.id)
    if item.type == "multi_choice":
        return [rd.checkbox_column(var, o.code) for o in item.options]
    return [var]


def form_columns(instrument: Instrument) -> list[str]:
    cols = [rd.taken_at_variable(instrument)]
    for item in instrument.items:
        cols.extend(item_columns(instrument, item))
    cols.extend(f.variable for f in rd.score_fields(instrument) if f.formula is None)
    cols.append(rd.complete_variable(instrument))
    return cols


def record_columns(instruments: Sequence[Instrument]) -> list[str]:
    cols = [rf.RECORD_ID, REPEAT_INSTRUMENT, REPEAT_INSTANCE]
    for instrument in instruments:
        cols.extend(form_columns(instrument))
    return cols


def _number(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _answer_cells(instrument: Instrument, item: Item, value: Any, shift: int) -> dict[str, str]:
    var = rd.item_variable(instrument, item.id)
    if item.type == "multi_choice":
        chosen = set(value or [])
        return {
            rd.checkbox_column(var, o.code): "1" if o.code in chosen else "0" for o in item.options
        }
    if value is None:
        return {var: ""}
    if item.type == "boolean":
        return {var: "1" if value else "0"}
    if item.type in ("integer", "decimal"):
        return {var: _number(value)}
    if item.type == "date":
        shifted = datetime.fromisoformat(str(value)) + timedelta(days=shift)
        return {var: shifted.date().isoformat()}
    if item.type == "text":
        return {var: ""}  # free text never leaves in a records export
    return {var: str(value)}


def _score_cells(instrument: Instrument, result: dict[str, Any]) -> dict[str, str]:
    cells = {}
    subs = result.get("subscales") or {}
    for f in rd.score_fields(instrument):
        if f.formula is not None:
            continue
        value = result.get("total") if f.key == "total" else subs.get(f.key)
        cells[f.variable] = "" if value is None else _number(value)
    return cells


def record_rows(
    instruments: Sequence[Instrument], records: Iterable[RecordInput]
) -> Iterable[dict[str, str]]:
    """One row per assessment, numbered per record and instrument (1, 2, …)."""
    by_id = {i.id: i for i in instruments}
    instance: dict[tuple[str, str], int] = defaultdict(int)
    for rec in records:
        instrument = by_id.get(rec.instrument)
        if instrument is None:
            raise ValidationError(
                "assessment of an instrument outside the export",
                problems=[Problem(f"record {rec.record_id}", f"instrument {rec.instrument!r}")],
            )
        instance[(rec.record_id, rec.instrument)] += 1
        shifted = rec.taken_at + timedelta(days=rec.shift_days)
        row = {
            rf.RECORD_ID: rec.record_id,
            REPEAT_INSTRUMENT: instrument.id,
            REPEAT_INSTANCE: str(instance[(rec.record_id, rec.instrument)]),
            rd.taken_at_variable(instrument): shifted.strftime("%Y-%m-%d %H:%M"),
            rd.complete_variable(instrument): "2",
        }
        for item in instrument.items:
            row.update(_answer_cells(instrument, item, rec.answers.get(item.id), rec.shift_days))
        row.update(_score_cells(instrument, rec.result))
        yield row


def export_records(instruments: Sequence[Instrument], records: Iterable[RecordInput]) -> str:
    columns = record_columns(instruments)
    rows = ({c: row.get(c, "") for c in columns} for row in record_rows(instruments, records))
    return rf.write_csv(columns, rows)
