"""Custom (clinic-defined) instruments, stored as JSON files.

An instrument imported from a REDCap data dictionary is saved as
``<folder>/<id>.json`` where ``<folder>`` is :func:`custom_dir` (``custom_instruments/``
inside the clinic's instrument-text folder, ``ATLAXIS_TEXT_DIR``: both are clinic-local
instrument material). The file holds the items, options, branching and the sum rules only;
it is scored by the same engine as the built-in instruments (``score(instrument, answers)``).
Built-in ids can never be replaced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from atlaxis.errors import ConfigurationError, Conflict, NotFound, Problem, ValidationError
from atlaxis.instruments.engine import score_declarative
from atlaxis.instruments.model import (
    EnableWhen,
    Instrument,
    Item,
    Licence,
    Option,
    Scoring,
    Source,
    Subscale,
)
from atlaxis.instruments.registry import instrument_ids
from atlaxis.instruments.result import ScoreResult

FORMAT = "atlaxis-custom-instrument/1"
ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LICENCE = Licence(
    holder="the clinic that imported it",
    ship_text=True,
    note="Wording supplied by the clinic; check its licence before sharing.",
)


def custom_dir(text_dir: Path) -> Path:
    return text_dir / "custom_instruments"


def unscored(instrument: Instrument, answers: Mapping[str, Any]) -> ScoreResult:
    """No total (the dictionary had no total calc); subscales still computed."""
    plain = replace(instrument, scoring=replace(instrument.scoring, total="sum_subscales"))
    result = score_declarative(plain, answers)
    return replace(result, total=None, band=None, complete=not result.missing)


def build_instrument(spec: Mapping[str, Any]) -> Instrument:
    """The :class:`Instrument` described by a stored spec (see :func:`to_spec`)."""
    items = tuple(_item(i) for i in spec["items"])
    sc = spec["scoring"]
    subscales = tuple(
        Subscale(
            name=s["name"],
            items=tuple(s["items"]),
            divisor=float(s.get("divisor", 1.0)),
            weight=float(s.get("weight", 1.0)),
            max_missing=int(s.get("max_missing", 0)),
            in_total=bool(s.get("in_total", False)),
        )
        for s in sc.get("subscales", [])
    )
    total = sc["total"]
    scoring = Scoring(
        total="sum_items" if total == "none" else total,
        subscales=subscales,
        total_items=tuple(sc.get("total_items", [])),
        max_missing=int(sc.get("max_missing", 0)),
        missing_rule=sc.get("missing_rule", "every item is needed"),
    )
    return Instrument(
        id=spec["id"],
        version=spec.get("version", "1"),
        title=spec["title"],
        citation=Source(spec.get("source", "custom instrument"), evidence="unverified"),
        licence=LICENCE,
        items=items,
        scoring=scoring,
        score_range=None,
        custom_scorer=unscored if total == "none" else None,
        extra={"custom": True, "redcap": spec.get("redcap", {})},
    )


def _item(data: Mapping[str, Any]) -> Item:
    return Item(
        id=data["id"],
        text=data["text"],
        type=data["type"],
        options=tuple(Option(o["code"], o["label"], float(o["points"])) for o in data["options"]),
        minimum=data.get("minimum"),
        maximum=data.get("maximum"),
        required=bool(data.get("required", False)),
        enable_when=tuple(
            EnableWhen(c["question"], c["operator"], c["answer"])
            for c in data.get("enable_when", [])
        ),
        section=data.get("section"),
        help=data.get("help"),
    )


def to_spec(instrument: Instrument) -> dict[str, Any]:
    """A JSON-ready description of a custom instrument (what :func:`build_instrument` reads)."""
    sc = instrument.scoring
    total = "none" if instrument.custom_scorer is unscored else sc.total
    return {
        "format": FORMAT,
        "id": instrument.id,
        "version": instrument.version,
        "title": instrument.title,
        "source": instrument.citation.citation,
        "redcap": instrument.extra.get("redcap", {}),
        "items": [
            {
                "id": i.id,
                "text": i.text,
                "type": i.type,
                "options": [
                    {"code": o.code, "label": o.label, "points": o.points} for o in i.options
                ],
                "minimum": i.minimum,
                "maximum": i.maximum,
                "required": i.required,
                "enable_when": [
                    {"question": c.question, "operator": c.operator, "answer": c.answer}
                    for c in i.enable_when
                ],
                "section": i.section,
                "help": i.help,
            }
            for i in instrument.items
        ],
        "scoring": {
            "total": total,
            "total_items": list(sc.total_items),
            "max_missing": sc.max_missing,
            "missing_rule": sc.missing_rule,
            "subscales": [
                {
                    "name": s.name,
                    "items": list(s.items),
                    "divisor": s.divisor,
                    "weight": s.weight,
                    "max_missing": s.max_missing,
                    "in_total": s.in_total,
                }
                for s in sc.subscales
            ],
        },
    }


def check_new_id(instrument_id: str, field: str) -> Problem | None:
    if not ID_RE.match(instrument_id):
        return Problem(field, f"{instrument_id!r} is not a valid instrument id", "[a-z][a-z0-9_]*")
    if instrument_id in instrument_ids():
        return Problem(field, f"{instrument_id!r} is a built-in instrument and cannot be replaced")
    return None


class CustomInstrumentStore:
    """Custom instruments in one folder, one JSON file each."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, instrument_id: str) -> Path:
        return self.folder / f"{instrument_id}.json"

    def save(self, instrument: Instrument, *, replace_existing: bool = False) -> Path:
        problem = check_new_id(instrument.id, "instrument")
        if problem is not None:
            raise ValidationError("cannot store the instrument", problems=[problem])
        target = self.path(instrument.id)
        if target.exists() and not replace_existing:
            raise Conflict(
                f"custom instrument {instrument.id!r} already exists ({target}); "
                "use --replace to overwrite it"
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(to_spec(instrument), indent=2, ensure_ascii=False) + "\n")
        tmp.replace(target)
        return target

    def load(self, instrument_id: str) -> Instrument:
        target = self.path(instrument_id)
        if not ID_RE.match(instrument_id) or not target.is_file():
            raise NotFound(f"custom instrument {instrument_id!r} not found in {self.folder}")
        try:
            return build_instrument(json.loads(target.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigurationError(
                f"custom instrument file {target} cannot be read",
                problems=[Problem(str(target), f"{type(exc).__name__}: {str(exc)[:200]}")],
            ) from None

    def ids(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.json") if ID_RE.match(p.stem))


def register_stored_instruments(text_dir: Path) -> list[str]:
    """Register every custom instrument stored under ``text_dir`` (start-up of app and CLI)."""
    from atlaxis.instruments.registry import register_custom

    folder = custom_dir(text_dir)
    if not folder.is_dir():
        return []
    store = CustomInstrumentStore(folder)
    loaded = []
    for instrument_id in store.ids():
        register_custom(store.load(instrument_id))
        loaded.append(instrument_id)
    return loaded
