"""The demo clinic: a seeded, reproducible synthetic clinic for trying atlaxis out.

>>> from atlaxis.demo import build_demo  # build_demo("sqlite:///demo.db", patients=60)

Imported lazily: worker processes that generate batches (``atlaxis.demo.batch``) need
neither the services nor the database layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atlaxis.demo.build import DEFAULT_SEED, DEMO_PASSWORD, DemoResult, Login, build_demo

__all__ = ["DEFAULT_SEED", "DEMO_PASSWORD", "DemoResult", "Login", "build_demo"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from atlaxis.demo import build

        return getattr(build, name)
    raise AttributeError(name)
