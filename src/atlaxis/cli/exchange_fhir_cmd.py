"""``atlaxis export fhir`` (a patient as a Bundle, a clinic as bulk NDJSON) and
``atlaxis import fhir FILE`` (Bundle, QuestionnaireResponse, NDJSON file or folder).

The database comes from ``--database`` or ``ATLAXIS_DATABASE_URL``; each command opens one
unit of work as the CLI's system actor, calls one service (which checks access and writes
the audit event) and commits once. An import with any problem commits nothing and exits
non-zero with every problem listed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from atlaxis.cli.exchange_groups import add_groups, export_app, import_app
from atlaxis.domain import Actor
from atlaxis.errors import ConfigurationError, NotFound, Problem, ValidationError

if TYPE_CHECKING:
    from atlaxis.storage import Database, UnitOfWork

DatabaseOpt = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: ATLAXIS_DATABASE_URL).")
]
ClinicOpt = Annotated[
    str | None,
    typer.Option("--clinic", help="Clinic slug (needed when the database holds several)."),
]


def _database(option: str | None) -> Database:
    from atlaxis.config import load_settings
    from atlaxis.storage import Database, current_revision

    url = option or load_settings().database_url
    try:
        revision = current_revision(url)
    except Exception as exc:  # any driver error becomes one clear message
        raise ConfigurationError(
            "cannot open the database",
            problems=[Problem("ATLAXIS_DATABASE_URL", f"{type(exc).__name__}: {exc}"[:300])],
        ) from None
    if revision is None:
        raise ConfigurationError(
            "the database has no atlaxis tables",
            problems=[Problem("ATLAXIS_DATABASE_URL", "not initialised", "atlaxis db upgrade")],
        )
    return Database(url)


def _clinic_id(uow: UnitOfWork, slug: str | None) -> int:
    clinics = uow.clinics.all()
    if slug is not None:
        found = next((c for c in clinics if c.slug == slug), None)
        if found is None or found.id is None:
            raise NotFound(f"clinic {slug!r} not found")
        return found.id
    if len(clinics) == 1 and clinics[0].id is not None:
        return clinics[0].id
    slugs = ", ".join(c.slug for c in clinics) or "none yet (atlaxis clinic create)"
    raise ValidationError(
        "which clinic?", problems=[Problem("--clinic", "the database holds several", slugs)]
    )


@contextmanager
def _progress(description: str) -> Iterator[Any]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        yield bar


@export_app.command("fhir")
def export_fhir(
    out: Annotated[Path, typer.Option("--out", help="FILE.json (--patient) or DIR (--all).")],
    patient: Annotated[int | None, typer.Option("--patient", help="Patient id.")] = None,
    all_patients: Annotated[bool, typer.Option("--all", help="Every patient, as NDJSON.")] = False,
    clinic: ClinicOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Export FHIR R4: one patient as a transaction Bundle, or a clinic as bulk NDJSON."""
    if (patient is None) == (not all_patients):
        raise ValidationError(
            "say what to export",
            problems=[Problem("--patient / --all", "give exactly one", "--patient ID or --all")],
        )
    db = _database(database)
    try:
        if patient is not None:
            _export_patient(db, patient, out)
        else:
            _export_all(db, clinic, out)
    finally:
        db.dispose()


def _export_patient(db: Database, patient: int, out: Path) -> None:
    from atlaxis.services.fhir_exchange import export_patient_bundle

    with db.uow(read_only=True) as uow:
        bundle = export_patient_bundle(uow, Actor.system(), patient)
        text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ValidationError(
                "cannot write the export", problems=[Problem(str(out), exc.strerror or str(exc))]
            ) from None
        uow.commit()
    typer.echo(f"wrote {out}: Bundle with {len(bundle['entry'])} resources")


def _export_all(db: Database, slug: str | None, out: Path) -> None:
    from atlaxis.services.fhir_exchange import export_clinic_ndjson

    with db.uow(read_only=True) as uow, _progress("exporting patients") as bar:
        clinic_id = _clinic_id(uow, slug)
        task = bar.add_task("exporting patients", total=None)
        counts = export_clinic_ndjson(
            uow,
            Actor.system(clinic_id),
            out,
            clinic_id=clinic_id,
            progress=lambda n: bar.advance(task, n),
            total=lambda n: bar.update(task, total=n),
        )
        uow.commit()
    for kind, count in counts.items():
        typer.echo(f"{out / (kind + '.ndjson')}: {count}")


@import_app.command("fhir")
def import_fhir_command(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="Bundle or QuestionnaireResponse JSON, "
            ".ndjson file, or a folder of bulk NDJSON files.",
        ),
    ],
    clinic: ClinicOpt = None,
    skip_unsupported: Annotated[
        bool, typer.Option(help="Skip resource kinds atlaxis does not store (listed).")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    database: DatabaseOpt = None,
) -> None:
    """Import FHIR R4 data into a clinic: all of it, or nothing (every problem listed)."""
    from atlaxis.fhir.reader import Source
    from atlaxis.services.fhir_import import import_fhir

    db = _database(database)
    try:
        with db.uow() as uow, _progress("checking") as bar:
            clinic_id = _clinic_id(uow, clinic)
            tasks: dict[str, Any] = {}

            def progress(phase: str, advance: int, total: int | None) -> None:
                if phase not in tasks:
                    label = "checking" if phase == "check" else "importing"
                    tasks[phase] = bar.add_task(label, total=total)
                bar.update(tasks[phase], advance=advance, total=total)

            summary = import_fhir(
                uow,
                Actor.system(clinic_id),
                Source(source),
                clinic_id=clinic_id,
                skip_unsupported=skip_unsupported,
                progress=progress,
            )
            uow.commit()
    finally:
        db.dispose()
    body = {
        "read": summary.read,
        "stored": summary.stored,
        "skipped": summary.skipped,
        "derived_scores_recomputed": summary.derived_scores,
    }
    if json_out:
        sys.stdout.write(json.dumps(body, indent=2) + "\n")
        return
    typer.echo("imported: " + ", ".join(f"{k} {v}" for k, v in summary.stored.items()))
    if summary.skipped:
        typer.echo("skipped: " + ", ".join(f"{k} {v}" for k, v in summary.skipped.items()))


def register(app: typer.Typer) -> None:
    add_groups(app)
