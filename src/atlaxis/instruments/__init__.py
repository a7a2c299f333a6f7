"""Validated instruments as data, scored exactly as published.

>>> from atlaxis.instruments import score
>>> score("phq9", {str(i): 1 for i in range(1, 10)}).total
9.0
"""

from atlaxis.instruments.engine import score, score_many, validate
from atlaxis.instruments.model import Instrument, Item, Option
from atlaxis.instruments.registry import all_instruments, get_instrument, instrument_ids
from atlaxis.instruments.result import ScoreResult

__all__ = [
    "Instrument",
    "Item",
    "Option",
    "ScoreResult",
    "all_instruments",
    "get_instrument",
    "instrument_ids",
    "score",
    "score_many",
    "validate",
]
