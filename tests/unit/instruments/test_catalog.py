"""The catalogue renderer (docs/reference/instruments.md)."""

from __future__ import annotations

from dataclasses import replace

from atlaxis.instruments import get_instrument
from atlaxis.instruments.catalog import cite, instrument_section, render_catalog
from atlaxis.instruments.model import Source


def test_fiqr_section_lists_bands_thresholds_and_sd() -> None:
    text = instrument_section(get_instrument("fiqr"))
    assert "| remission | 0 | < 24 |" in text
    assert "| very severe | 83 | ≤ 100 |" in text
    assert "| mcid | 14 percent |" in text and "*[unverified]*" in text
    assert "**Normative SD:** 20.69" in text
    assert "item text shipped: no — topic labels only" in text
    assert "up to 1 missing (pro-rated)" in text


def test_gad7_section_lists_loinc() -> None:
    text = instrument_section(get_instrument("gad7"))
    assert "panel 69737-5; total 70274-6" in text
    assert "1: 69725-0" in text


def test_pipes_in_sources_are_escaped() -> None:
    assert cite(Source("a | b", "secondary")) == "a \\| b *[secondary]*"


def test_catalogue_changes_when_a_definition_changes() -> None:
    fiqr = get_instrument("fiqr")
    changed = replace(fiqr, version="2099")
    assert render_catalog([fiqr]) != render_catalog([changed])
