"""The demo clinic: a seeded, reproducible synthetic clinic for trying atlaxis out.

>>> from atlaxis.demo import build_demo  # build_demo("sqlite:///demo.db", patients=60)
"""

from atlaxis.demo.build import DEFAULT_SEED, DEMO_PASSWORD, DemoResult, Login, build_demo

__all__ = ["DEFAULT_SEED", "DEMO_PASSWORD", "DemoResult", "Login", "build_demo"]
