"""Backups that prove themselves: SQLite online backup or ``pg_dump``, a manifest of row
counts and the audit head taken from the same snapshot, and a restore that checks the
restored copy against that manifest (row counts, audit chain, SQLite integrity check).

The manifest is written next to the backup as ``FILE.manifest.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.engine import make_url

from atlaxis.errors import ConfigurationError, Conflict, Problem, ValidationError
from atlaxis.storage.base import Base
from atlaxis.storage.engine import make_engine


@dataclass
class Manifest:
    backend: str
    created_at: str
    counts: dict[str, int]
    audit_head: list[Any]
    sha256: str = ""
    format: int = 1

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise ValidationError(
                "backup manifest unreadable", problems=[Problem(str(path), str(exc))]
            ) from None


@dataclass
class CheckResult:
    ok: bool
    counts: dict[str, int]
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def manifest_path(file: Path) -> Path:
    return file.with_name(file.name + ".manifest.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot_counts(conn: Connection) -> tuple[dict[str, int], list[Any]]:
    """Row counts of every table and the audit head, read on ``conn``."""
    counts = {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for t in Base.metadata.sorted_tables
    }
    head = conn.execute(text("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")).first()
    return counts, [0, "0" * 64] if head is None else [int(head[0]), str(head[1])]


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ConfigurationError(
            "backup needs a file database",
            problems=[Problem("database_url", "in-memory SQLite", "sqlite:///path")],
        )
    return Path(database)


def libpq_url(url: str) -> str:
    """``postgresql+psycopg://…`` → ``postgresql://…`` for pg_dump / pg_restore."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, file: Path) -> Manifest:
    """Write a consistent backup of the database at ``url`` to ``file`` (+ its manifest)."""
    file = file.resolve()
    file.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        manifest = _backup_sqlite(sqlite_path(url), file)
    else:
        manifest = _backup_postgres(url, file)
    manifest.sha256 = _sha256(file)
    manifest_path(file).write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
    return manifest


def _backup_sqlite(source: Path, file: Path) -> Manifest:
    if not source.exists():
        raise ConfigurationError("no such database", problems=[Problem("database", str(source))])
    tmp = file.with_name(file.name + ".partial")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(tmp))
    try:
        src.backup(dst, pages=4096)  # online: writers continue between steps
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    os.replace(tmp, file)
    engine = make_engine(f"sqlite:///{file}")
    try:
        with engine.connect() as conn:
            counts, head = snapshot_counts(conn)
    finally:
        engine.dispose()
    return Manifest("sqlite", datetime.now(UTC).isoformat(), counts, head)


def _backup_postgres(url: str, file: Path) -> Manifest:
    pg_dump = _tool("pg_dump")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts, head = snapshot_counts(conn)
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={file}",
                    libpq_url(url),
                ]
            )
            conn.rollback()
    finally:
        engine.dispose()
    return Manifest("postgresql", datetime.now(UTC).isoformat(), counts, head)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ConfigurationError(f"{name} not found", problems=[Problem("PATH", f"no {name}")])
    return found


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigurationError(
            f"{Path(args[0]).name} failed",
            problems=[Problem(Path(args[0]).name, done.stderr.strip()[-500:] or "exit code")],
        )


def restore(url: str, file: Path, *, force: bool = False) -> CheckResult:
    """Restore ``file`` into the database at ``url`` and check it against the manifest."""
    file = file.resolve()
    if not file.exists():
        raise ValidationError("no such backup", problems=[Problem("FILE", str(file))])
    manifest = Manifest.read(manifest_path(file))
    if manifest.sha256 and manifest.sha256 != _sha256(file):
        raise ValidationError(
            "backup damaged", problems=[Problem("FILE", "content differs from its manifest")]
        )
    if not force and _has_rows(url):
        raise Conflict("the target database holds data; restore with --force to replace it")
    if url.startswith("sqlite"):
        _restore_sqlite(file, sqlite_path(url))
    else:
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={libpq_url(url)}",
                str(file),
            ]
        )
    return check(url, manifest)


def _has_rows(url: str) -> bool:
    if url.startswith("sqlite") and not sqlite_path(url).exists():
        return False
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = set(conn.dialect.get_table_names(conn))
            return any(
                conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables
                if t.name in names and t.name != "audit_head"
            )
    finally:
        engine.dispose()


def _restore_sqlite(file: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "restore.db"
        shutil.copyfile(file, staged)  # the backup file itself is never opened for writing
        src = sqlite3.connect(str(staged))
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
            src.close()


def check(url: str, manifest: Manifest) -> CheckResult:
    """Compare row counts and the audit head with ``manifest``; SQLite integrity check."""
    engine = make_engine(url)
    problems: list[str] = []
    try:
        with engine.connect() as conn:
            counts, head = snapshot_counts(conn)
            if conn.dialect.name == "sqlite":
                verdict = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                if verdict != "ok":
                    problems.append(f"integrity check: {verdict}")
            conn.rollback()
    finally:
        engine.dispose()
    for name, expected in manifest.counts.items():
        if counts.get(name) != expected:
            problems.append(f"{name}: {counts.get(name)} rows, the backup had {expected}")
    if list(head) != list(manifest.audit_head):
        problems.append("audit head differs from the backup's")
    return CheckResult(ok=not problems, counts=counts, problems=problems)
