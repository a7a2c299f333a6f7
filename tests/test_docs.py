"""Every registered instrument is documented in docs/reference/instruments.md, and the page
is exactly what the generator renders from the registry (so it cannot go stale)."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlaxis.instruments import all_instruments
from atlaxis.instruments.catalog import cite, render_catalog
from atlaxis.instruments.model import Instrument

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "instruments.md"
INSTRUMENTS = all_instruments()


def _section(text: str, instrument_id: str) -> str:
    start = text.index(f'<a id="{instrument_id}"></a>')
    end = text.find('<a id="', start + 1)
    return text[start:] if end == -1 else text[start:end]


def test_instrument_reference_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == render_catalog(), (
        "docs/reference/instruments.md is stale: run "
        "python -m atlaxis.instruments.catalog > docs/reference/instruments.md"
    )


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=[i.id for i in INSTRUMENTS])
def test_every_instrument_is_documented(instrument: Instrument) -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert f"## `{instrument.id}`" in text, f"{instrument.id} has no section"
    section = _section(text, instrument.id)
    assert cite(instrument.citation) in section
    assert instrument.licence.holder.replace("|", "\\|") in section
    shipped = "yes" if instrument.licence.ship_text else "no — topic labels only"
    assert f"item text shipped: {shipped}" in section
    assert instrument.scoring.missing_rule.replace("|", "\\|") in section
    if instrument.interpretation is not None:
        for band in instrument.interpretation.bands:
            assert f"| {band.label} |" in section


def test_section_lookup_sees_a_missing_instrument() -> None:
    """The check itself must be able to fail."""
    with pytest.raises(ValueError):
        _section("# nothing here\n", "fiqr")
