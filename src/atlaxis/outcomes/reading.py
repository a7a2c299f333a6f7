"""Work in progress."""
from typing import Any

CAVEATS: dict[str, str] = {}


def _todo(*_a: Any, **_k: Any) -> Any:
    raise NotImplementedError


caveats_for = check_wording = _todo
