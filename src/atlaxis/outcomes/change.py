"""Work in progress."""
from typing import Any

ClinicalSignificance = ImmpactChange = McidChange = ReliableChange = Any


def _todo(*_a: Any, **_k: Any) -> Any:
    raise NotImplementedError


clinical_significance = immpact_category = immpact_change = mcid_change = reliable_change = _todo
