"""``atlaxis db upgrade``, ``clinic create``, ``user create``, ``backup``, ``restore``, ``demo``.

Each command opens one unit of work, calls services, commits once. The database is
``--database`` or ``ATLAXIS_DATABASE_URL``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from atlaxis.cli.common import print_json
from atlaxis.domain import Actor, Role
from atlaxis.errors import AtlaxisError, NotFound, Problem, ValidationError

DatabaseOpt = Annotated[
    str | None,
    typer.Option("--database", help="Database URL (default: ATLAXIS_DATABASE_URL)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
clinic_app = typer.Typer(help="Clinics.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)


class RestoreCheckFailed(AtlaxisError):
    exit_code = 8
    code = "restore-check-failed"
    title = "Restored copy incomplete"


def database_url(option: str | None) -> str:
    if option:
        return option
    from atlaxis.config import load_settings

    return load_settings().database_url


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None, revision: str = "head") -> None:
    """Create or migrate the schema to the latest revision."""
    from atlaxis.storage import current_revision, upgrade

    url = database_url(database)
    upgrade(url, revision)
    typer.echo(f"database at revision {current_revision(url)}")


@clinic_app.command("create")
def clinic_create(
    name: str,
    slug: Annotated[str | None, typer.Option(help="Short id (default: from the name).")] = None,
    timezone: str = "UTC",
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create a clinic."""
    from atlaxis.services.accounts import create_clinic
    from atlaxis.storage import Database

    db = Database(database_url(database))
    try:
        with db.uow() as uow:
            clinic = create_clinic(uow, Actor.system(), name, slug, timezone)
            uow.commit()
    finally:
        db.dispose()
    if json_out:
        print_json({"id": clinic.id, "name": clinic.name, "slug": clinic.slug})
    else:
        typer.echo(f"clinic {clinic.slug} created (id {clinic.id})")


def read_password(from_stdin: bool) -> str:
    """The first line of stdin when it is not a terminal (or asked), else a hidden prompt."""
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise ValidationError("no password given", problems=[Problem("password", "empty")])
    return password


def _clinic_id(uow: Any, clinic: str) -> int:
    numeric = clinic.isascii() and clinic.isdigit() and len(clinic) <= 18  # a 64-bit id
    found = uow.clinics.get(int(clinic)) if numeric else uow.clinics.by_slug(clinic[:80])
    if found is None:
        raise NotFound(f"clinic {clinic[:80]} not found")
    return int(found.id)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Login e-mail address.")],
    role: Annotated[Role, typer.Option(help="admin, clinician, researcher or patient.")],
    clinic: Annotated[str, typer.Option(help="Clinic slug or id.")],
    patient_id: Annotated[int | None, typer.Option(help="Patient record (patient role).")] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create an account; the password comes from stdin or a hidden prompt."""
    from atlaxis.services.accounts import create_user
    from atlaxis.storage import Database

    password = read_password(password_stdin)
    db = Database(database_url(database))
    try:
        with db.uow() as uow:
            user = create_user(
                uow,
                Actor.system(),
                email=email,
                password=password,
                role=role,
                clinic_id=_clinic_id(uow, clinic),
                patient_id=patient_id,
                display_name=name,
            )
            uow.commit()
    finally:
        db.dispose()
    if json_out:
        print_json({"id": user.id, "email": user.email, "role": user.role.value})
    else:
        typer.echo(f"user {user.email} ({user.role.value}) created (id {user.id})")


def backup_cmd(
    file: Annotated[Path, typer.Argument(help="Backup file to write.")],
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Write a consistent backup (SQLite online backup or pg_dump) and its manifest."""
    from atlaxis.services import audit
    from atlaxis.storage import Database
    from atlaxis.storage.backup import backup

    url = database_url(database)
    db = Database(url)
    try:
        with db.uow() as uow:
            audit.record(uow, Actor.system(), "backup", "database", detail={"file": file.name})
            uow.commit()
    finally:
        db.dispose()
    manifest = backup(url, file)
    rows = sum(manifest.counts.values())
    if json_out:
        print_json({"file": str(file), "backend": manifest.backend, "counts": manifest.counts})
    else:
        typer.echo(f"backup written to {file} ({rows} rows, audit head {manifest.audit_head[0]})")


def restore_cmd(
    file: Annotated[Path, typer.Argument(help="Backup file to restore.")],
    database: DatabaseOpt = None,
    force: Annotated[bool, typer.Option(help="Replace a database that holds data.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Restore a backup, then check the copy: row counts, audit chain, integrity."""
    from atlaxis.services import audit
    from atlaxis.storage import Database
    from atlaxis.storage.backup import restore

    url = database_url(database)
    result = restore(url, file, force=force)
    db = Database(url)
    try:
        with db.uow() as uow:
            chain = audit.verify(uow)
            if chain.ok:
                audit.record(uow, Actor.system(), "restore", "database", detail={"file": file.name})
            uow.commit()
    finally:
        db.dispose()
    problems = [Problem("restore", p) for p in result.problems]
    if not chain.ok:
        problems.append(Problem("audit_events", f"seq {chain.first_broken_seq}: {chain.reason}"))
    if json_out:
        print_json({**result.to_dict(), "ok": not problems, "audit_checked": chain.checked})
    if problems:
        raise RestoreCheckFailed("the restored copy is not complete", problems=problems)
    if not json_out:
        typer.echo(
            f"restored {sum(result.counts.values())} rows; {chain.checked} audit events verify"
        )


def register(app: typer.Typer) -> None:
    from atlaxis.cli.demo_cmd import demo_cmd

    app.add_typer(db_app, name="db")
    app.add_typer(clinic_app, name="clinic")
    app.add_typer(user_app, name="user")
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
    app.command("demo")(demo_cmd)
