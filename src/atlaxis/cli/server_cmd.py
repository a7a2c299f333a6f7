"""``atlaxis serve``, ``atlaxis token create`` and ``atlaxis audit verify``."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from atlaxis.cli.common import print_json
from atlaxis.config import Settings, load_settings
from atlaxis.errors import ConfigurationError, NotFound, Problem

token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option("--database", help="Database URL (default: ATLAXIS_DATABASE_URL)."),
]

#: uvicorn's own access log would print full URLs (query strings can hold patient data),
#: so it is off; atlaxis.access logs the route template, status and duration instead.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_config(level: str = "INFO") -> dict[str, Any]:
    """Logging for the server: atlaxis.access / atlaxis.error and uvicorn's errors, to stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": LOG_FORMAT}},
        "handlers": {"stderr": handler},
        "loggers": {
            "atlaxis": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def _settings(database: str | None, **overrides: Any) -> Settings:
    if database is not None:
        overrides["database_url"] = database
    return load_settings(**overrides)


def _check_migrated(url: str) -> None:
    from atlaxis.storage import current_revision

    if current_revision(url) is None:
        raise ConfigurationError(
            "the database has no schema",
            problems=[Problem("database_url", "not migrated", "run: atlaxis db upgrade")],
        )


def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default: ATLAXIS_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: ATLAXIS_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    database: DatabaseOption = None,
) -> None:
    """Serve the web app and the JSON API (uvicorn)."""
    import uvicorn

    overrides: dict[str, Any] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = _settings(database, **overrides)  # refuses unsafe production settings
    _check_migrated(settings.database_url)
    # Workers build the app from the environment, so pass the checked values on.
    os.environ["ATLAXIS_DATABASE_URL"] = settings.database_url
    os.environ["ATLAXIS_HOST"] = settings.host
    os.environ["ATLAXIS_PORT"] = str(settings.port)
    sys.stderr.write(f"atlaxis serving on http://{settings.host}:{settings.port}\n")
    uvicorn.run(
        "atlaxis.web.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        access_log=False,
        log_config=log_config(),
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="The account the token acts as.")],
    name: Annotated[str, typer.Option(help="A label to recognise the token by.")],
    scope: Annotated[
        list[str] | None, typer.Option("--scope", help="read and/or write (repeatable).")
    ] = None,
    expires_days: Annotated[
        int | None, typer.Option(min=1, help="Expire after this many days (default: never).")
    ] = None,
    database: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create a personal API token; the secret is printed once and stored only hashed."""
    from atlaxis.domain import Actor
    from atlaxis.services.auth import create_api_token
    from atlaxis.storage import Database

    settings = _settings(database)
    expires = None if expires_days is None else datetime.now(UTC) + timedelta(days=expires_days)
    db = Database(settings.database_url)
    try:
        with db.uow() as uow:
            user = uow.users.by_email(email)
            if user is None or user.id is None:
                raise NotFound("no such user", problems=[Problem("--email", "unknown address")])
            new = create_api_token(
                uow, Actor.system(), user.id, name, scope or ["read"], expires_at=expires
            )
            uow.commit()
    finally:
        db.dispose()
    if as_json:
        print_json(
            {
                "id": new.token.id,
                "name": new.token.name,
                "scopes": new.token.scopes,
                "token": new.secret,
                "expires_at": expires,
            }
        )
        return
    sys.stdout.write(new.secret + "\n")
    sys.stderr.write("Store this token now: it is shown only once.\n")


@audit_app.command("verify")
def audit_verify(
    database: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check the whole hash chain; name the first broken link (exit 1 when broken)."""
    from atlaxis.domain import Actor
    from atlaxis.services.audit import verify_as
    from atlaxis.storage import Database

    db = Database(_settings(database).database_url)
    try:
        with db.uow() as uow:
            result = verify_as(uow, Actor.system())
            uow.commit()
    finally:
        db.dispose()
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "checked": result.checked,
                "first_broken_seq": result.first_broken_seq,
                "reason": result.reason,
            }
        )
    elif result.ok:
        sys.stdout.write(f"audit log intact: {result.checked} events checked\n")
    else:
        sys.stdout.write(
            f"audit log BROKEN at event {result.first_broken_seq}: {result.reason} "
            f"({result.checked} events before it are intact)\n"
        )
    if not result.ok:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")
    app.add_typer(audit_app, name="audit")
