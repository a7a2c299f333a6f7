"""Typed settings from the environment (``ATLAXIS_*``), checked at start-up.

Nothing is read at import time: call :func:`load_settings`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from atlaxis.errors import ConfigurationError, Problem

DEFAULT_SECRET = "change-me-insecure-development-secret"


class Settings(BaseSettings):
    """Every setting, documented in ``docs/reference/config.md``."""

    model_config = SettingsConfigDict(env_prefix="ATLAXIS_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./atlaxis.db"
    secret_key: str = DEFAULT_SECRET
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    text_dir: Path = Path("./instrument-texts")
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    debug: bool = False

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return value

    def check_for_production(self) -> None:
        """Refuse unsafe values when running in production."""
        problems: list[Problem] = []
        if self.environment == "production":
            if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
                problems.append(
                    Problem("ATLAXIS_SECRET_KEY", "must be set to a random value of 32+ characters in production")
                )
            if self.debug:
                problems.append(Problem("ATLAXIS_DEBUG", "must be off in production"))
        if self.debug and self.host not in ("127.0.0.1", "localhost", "::1"):
            problems.append(Problem("ATLAXIS_DEBUG", "debug may only be on for a loopback host"))
        if problems:
            raise ConfigurationError("unsafe settings", problems=problems)


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; raise :class:`ConfigurationError` on bad values."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = [
            Problem("ATLAXIS_" + ".".join(str(p) for p in err["loc"]).upper(), err["msg"]) for err in exc.errors()
        ]
        raise ConfigurationError("invalid settings", problems=problems) from None
    settings.check_for_production()
    return settings
