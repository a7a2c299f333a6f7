"""Work in progress."""
from typing import Any

PairedChange = ResponderRates = Any


def _todo(*_a: Any, **_k: Any) -> Any:
    raise NotImplementedError


paired_change = proportion_ci = regression_to_mean = responder_rates = _todo
