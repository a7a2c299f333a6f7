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

    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="Where atlaxis runs; `production` turns on the start-up safety checks.",
    )
    database_url: str = Field(
        default="sqlite:///./atlaxis.db",
        description=(
            "SQLAlchemy URL: `sqlite:///path.db` (default) or `postgresql+psycopg://user@host/db`."
            " On PostgreSQL each server process holds, beside its pool (up to 30 connections),"
            " one connection of its own for the group committer's batches (ADR 0002): allow for"
            " it in `max_connections`."
        ),
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET,
        description="Secret for keyed pseudonyms and signing (32+ random chars in production).",
    )
    host: str = Field(default="127.0.0.1", description="Interface `atlaxis serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `atlaxis serve` listens on.")
    text_dir: Path = Field(
        default=Path("./instrument-texts"),
        description="Folder of licensed item wording (`atlaxis instruments load-text`).",
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1024, description="Request bodies larger than this are refused (413)."
    )
    fast_path: bool = Field(
        default=True,
        description="Answer the health probe and plain diary check-ins in plain ASGI, without "
        "FastAPI's routing (same checks and answers; `false` sends every request through FastAPI).",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="A session ends after this much inactivity."
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, description="A session ends this long after login, whatever its activity."
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed logins in a row before the account is locked for a while.",
    )
    login_lockout_minutes: int = Field(default=15, ge=1, description="How long a lockout lasts.")
    debug: bool = Field(
        default=False, description="Debug mode; refused on a non-loopback host and in production."
    )

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
                    Problem(
                        "ATLAXIS_SECRET_KEY",
                        "must be set to a random value of 32+ characters in production",
                    )
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
            Problem("ATLAXIS_" + ".".join(str(p) for p in err["loc"]).upper(), err["msg"])
            for err in exc.errors()
        ]
        raise ConfigurationError("invalid settings", problems=problems) from None
    settings.check_for_production()
    return settings
