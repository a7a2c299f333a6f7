"""Work in progress."""
from typing import Any

MixedModelResult = PooledEffect = Any


def _todo(*_a: Any, **_k: Any) -> Any:
    raise NotImplementedError


mixed_model = pool_effects = _todo
