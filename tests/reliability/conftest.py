"""Fixtures for the reliability tests: an app on the test database (in-process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def app(db_url: str) -> Iterator[Any]:
    from atlaxis.config import load_settings
    from atlaxis.web.app import create_app

    application = create_app(load_settings(database_url=db_url, environment="test"))
    yield application
    application.state.database.dispose()
