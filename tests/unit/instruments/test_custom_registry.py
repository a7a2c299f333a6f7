"""Clinic-defined instruments can be registered and scored; built-in ids cannot be replaced."""

from __future__ import annotations

from dataclasses import replace

import pytest

from atlaxis.errors import UnknownInstrument
from atlaxis.instruments import get_instrument, score
from atlaxis.instruments.registry import custom_ids, register_custom, unregister_custom


def test_registered_custom_instrument_scores_and_can_be_removed() -> None:
    # A copy of GAD-7 under another id: 7 items coded 0-3, so all 2s sum to 14.
    custom = replace(get_instrument("gad7"), id="clinic_anxiety")
    register_custom(custom)
    try:
        assert "clinic_anxiety" in custom_ids()
        assert score("clinic_anxiety", {str(i): 2 for i in range(1, 8)}).total == 14
    finally:
        unregister_custom("clinic_anxiety")
    with pytest.raises(UnknownInstrument):
        get_instrument("clinic_anxiety")


def test_builtin_id_cannot_be_replaced() -> None:
    with pytest.raises(ValueError, match="built-in"):
        register_custom(get_instrument("phq9"))
