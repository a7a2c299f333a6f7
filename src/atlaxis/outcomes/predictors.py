"""Work in progress."""
from typing import Any

LogisticResult = RiskRatio = Any


def _todo(*_a: Any, **_k: Any) -> Any:
    raise NotImplementedError


logistic_predictor = risk_ratio = _todo
