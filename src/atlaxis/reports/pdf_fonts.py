"""Fonts for PDF reports: DejaVu Sans when the system has it (names in any Latin, Greek or
Cyrillic script), else Bitstream Vera, which ships with ReportLab. Registered once, lazily.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "AtlaxisSans"
BOLD = "AtlaxisSans-Bold"

_SYSTEM = Path("/usr/share/fonts/truetype/dejavu")
_BUNDLED = Path(reportlab.__file__).resolve().parent / "fonts"
#: characters Vera lacks, written the way a reader would say them
_FALLBACK = str.maketrans({"−": "-", "≥": ">=", "≤": "<=", "ρ": "rho", "β": "beta", "→": "->"})


@cache
def register() -> bool:
    """Register the report fonts; ``True`` when DejaVu (wide coverage) is used."""
    regular, bold = _SYSTEM / "DejaVuSans.ttf", _SYSTEM / "DejaVuSans-Bold.ttf"
    wide = regular.is_file() and bold.is_file()
    if not wide:
        regular, bold = _BUNDLED / "Vera.ttf", _BUNDLED / "VeraBd.ttf"
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
    return wide


def safe_text(text: str) -> str:
    """Text the registered font can show (symbols spelled out when only Vera is there)."""
    return text if register() else text.translate(_FALLBACK)
