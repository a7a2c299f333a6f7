"""The instrument library: every definition, looked up by id."""

from __future__ import annotations

import importlib
from functools import cache

from atlaxis.errors import UnknownInstrument
from atlaxis.instruments.model import Instrument

#: instrument id -> module under ``atlaxis.instruments.definitions`` defining ``INSTRUMENT``
_MODULES: dict[str, str] = {
    "acr2016": "acr2016",
    "fiqr": "fiqr",
    "ndi": "ndi",
    "dhi": "dhi",
    "hit6": "hit6",
    "jfls8": "jfls",
    "jfls20": "jfls",
    "csi": "csi",
    "phq9": "phq9",
    "gad7": "gad7",
    "psqi": "psqi",
    "compass31": "compass31",
    "pgic": "pgic",
    "diary": "diary",
    "neck_screen": "neck_screen",
    "safety_screen": "safety_screen",
}


#: clinic-defined instruments (e.g. imported from a REDCap dictionary), registered at start-up
_CUSTOM: dict[str, Instrument] = {}


def register_custom(instrument: Instrument) -> None:
    """Make a clinic-defined instrument available to ``score`` and the pages.

    Built-in ids can never be replaced.
    """
    if instrument.id in _MODULES:
        raise ValueError(f"{instrument.id!r} is a built-in instrument id")
    _CUSTOM[instrument.id] = instrument


def unregister_custom(instrument_id: str) -> None:
    _CUSTOM.pop(instrument_id, None)


def custom_ids() -> tuple[str, ...]:
    return tuple(sorted(_CUSTOM))


def instrument_ids() -> tuple[str, ...]:
    """Every built-in instrument id whose definition is present, in library order."""
    return tuple(i for i in _MODULES if _load(i) is not None)


@cache
def _load(instrument_id: str) -> Instrument | None:
    module_name = _MODULES.get(instrument_id)
    if module_name is None:
        return None
    try:
        module = importlib.import_module(f"atlaxis.instruments.definitions.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith(f"definitions.{module_name}"):
            return None
        raise
    found: Instrument | None = getattr(module, "INSTRUMENTS", {}).get(instrument_id) or getattr(
        module, "INSTRUMENT", None
    )
    if found is not None and found.id != instrument_id:
        found = None
    return found


def get_instrument(instrument_id: str) -> Instrument:
    """The definition of ``instrument_id``; :class:`UnknownInstrument` if there is none."""
    found = _load(instrument_id) if isinstance(instrument_id, str) else None
    if found is None and isinstance(instrument_id, str):
        found = _CUSTOM.get(instrument_id)
    if found is None:
        raise UnknownInstrument(
            f"unknown instrument {instrument_id!r}; known: "
            + ", ".join(instrument_ids() + custom_ids())
        )
    return found


def all_instruments() -> tuple[Instrument, ...]:
    return tuple(get_instrument(i) for i in instrument_ids())
