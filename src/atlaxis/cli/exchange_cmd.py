"""``atlaxis report``, ``atlaxis export redcap|research``, ``atlaxis import redcap``.

Each command reads the database from ``--database`` or ``ATLAXIS_DATABASE_URL``, opens one
unit of work as the CLI's system actor, calls one service (authorisation + audit: an export
is an audited event) and commits once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from atlaxis.cli.exchange_groups import add_groups, export_app, import_app
from atlaxis.domain import Actor
from atlaxis.errors import Problem, UnknownInstrument, ValidationError

if TYPE_CHECKING:
    from atlaxis.config import Settings
    from atlaxis.instruments.model import Instrument

DatabaseOpt = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: ATLAXIS_DATABASE_URL).")
]


def _settings(database: str | None = None) -> Settings:
    from atlaxis.config import load_settings

    return load_settings(database_url=database) if database else load_settings()


def _instrument(instrument_id: str, settings: Settings) -> Instrument:
    """A built-in instrument (with the clinic's licensed wording) or a stored custom one."""
    from atlaxis.instruments import get_instrument
    from atlaxis.instruments.texts import with_local_text
    from atlaxis.interop.custom_instruments import CustomInstrumentStore, custom_dir

    try:
        return with_local_text(get_instrument(instrument_id), settings.text_dir)
    except UnknownInstrument:
        store = CustomInstrumentStore(custom_dir(settings.text_dir))
        if instrument_id in store.ids():
            return store.load(instrument_id)
        raise


def _instrument_list(text: str, settings: Settings) -> list[Instrument]:
    ids = [i.strip() for i in text.split(",") if i.strip()]
    if not ids:
        raise ValidationError(
            "no instruments given", problems=[Problem("--instruments", "empty", "ID,ID,…")]
        )
    problems, found = [], []
    for i in dict.fromkeys(ids):
        try:
            found.append(_instrument(i, settings))
        except UnknownInstrument as exc:
            problems.append(Problem(f"--instruments {i}", exc.detail))
    if problems:
        raise ValidationError("unknown instruments", problems=problems)
    return found


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationError(
            "cannot write the output", problems=[Problem(str(path), exc.strerror or str(exc))]
        ) from None


def export_redcap(
    instruments: Annotated[
        str, typer.Option("--instruments", help="Instrument ids, comma separated.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Data dictionary CSV to write.")],
    records: Annotated[
        Path | None,
        typer.Option(
            "--records",
            help="Also write the matching records import CSV (pseudonymous ids, shifted dates).",
        ),
    ] = None,
    all_patients: Annotated[
        bool, typer.Option(help="Records of patients without an active research consent too.")
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Export instruments as a REDCap data dictionary (and, with --records, their records)."""
    from atlaxis.interop.redcap_dictionary import export_dictionary

    settings = _settings(database)
    chosen = _instrument_list(instruments, settings)
    _write(out, export_dictionary(chosen))
    typer.echo(f"wrote {out}: REDCap data dictionary for {', '.join(i.id for i in chosen)}")
    if records is None:
        return
    from atlaxis.services.research_export import export_redcap_records
    from atlaxis.storage import Database

    db = Database(settings.database_url)
    try:
        with db.uow(read_only=True) as uow:
            text, n = export_redcap_records(
                uow,
                Actor.system(),
                chosen,
                secret=settings.secret_key,
                require_consent=not all_patients,
            )
            _write(records, text)
            uow.commit()
    finally:
        db.dispose()
    typer.echo(f"wrote {records}: {n} records")


def import_redcap(
    file: Annotated[Path, typer.Argument(help="REDCap data dictionary CSV.")],
    rename: Annotated[
        list[str] | None,
        typer.Option("--rename", help="FORM=NEW_ID: store a form under another id (repeatable)."),
    ] = None,
    replace: Annotated[bool, typer.Option(help="Replace a custom instrument of that id.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Check only; store nothing.")] = False,
) -> None:
    """Import a REDCap data dictionary as custom instruments (one per form)."""
    from atlaxis.interop.custom_instruments import CustomInstrumentStore, custom_dir
    from atlaxis.interop.redcap_import import import_dictionary

    mapping = {}
    for pair in rename or []:
        old, sep, new = pair.partition("=")
        if not sep or not old or not new:
            raise ValidationError(
                "invalid --rename", problems=[Problem("--rename", repr(pair), "FORM=NEW_ID")]
            )
        mapping[old.strip()] = new.strip()
    result = import_dictionary(_read_dictionary(file), file.name, mapping)
    store = CustomInstrumentStore(custom_dir(_settings().text_dir))
    for inst in result.instruments:
        where = "checked" if dry_run else str(store.save(inst, replace_existing=replace))
        typer.echo(f"{inst.id}: {len(inst.items)} items, total {inst.scoring.total} ({where})")
    if result.skipped:
        typer.echo("skipped: " + ", ".join(result.skipped))


def _read_dictionary(file: Path) -> str:
    """The dictionary's text; a clear error when it cannot be read or is implausibly large."""
    from atlaxis.interop.redcap_format import MAX_DICTIONARY_BYTES

    try:
        if file.is_file() and file.stat().st_size > MAX_DICTIONARY_BYTES:
            raise ValidationError(
                "REDCap data dictionary too large",
                problems=[
                    Problem(str(file), "file too large", f"at most {MAX_DICTIONARY_BYTES} bytes")
                ],
            )
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            "cannot read the dictionary", problems=[Problem(str(file), str(exc))]
        ) from None


def export_research(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the tables into.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    include_notes: Annotated[
        bool, typer.Option(help="Include free-text notes, scrubbed of obvious identifiers.")
    ] = False,
    all_patients: Annotated[
        bool, typer.Option(help="Include patients without an active research consent.")
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Export de-identified research tables (Safe Harbor) and their codebook."""
    from atlaxis.services.research_export import export_research as run
    from atlaxis.storage import Database

    if fmt not in ("csv", "parquet"):
        raise ValidationError(
            "unknown format", problems=[Problem("--format", repr(fmt), "csv, parquet")]
        )
    settings = _settings(database)
    db = Database(settings.database_url)
    try:
        with db.uow(read_only=True) as uow:
            summary = run(
                uow,
                Actor.system(),
                out,
                secret=settings.secret_key,
                fmt="csv" if fmt == "csv" else "parquet",
                include_notes=include_notes,
                require_consent=not all_patients,
            )
            uow.commit()
    finally:
        db.dispose()
    typer.echo(
        f"wrote {len(summary.files)} files to {out}: {summary.patients} patients "
        f"({summary.left_out_without_consent} left out without an active research consent)"
    )


def _progress_bar() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )


def report(
    patient_id: Annotated[int | None, typer.Argument(help="Patient id.")] = None,
    out: Annotated[
        Path, typer.Option("--out", help="PDF file (one patient) or folder (with --all).")
    ] = Path("report.pdf"),
    all_patients: Annotated[
        bool, typer.Option("--all", help="A report for every patient, into the --out folder.")
    ] = False,
    audience: Annotated[
        str, typer.Option("--audience", help="clinician (full) or patient (plain words).")
    ] = "clinician",
    database: DatabaseOpt = None,
) -> None:
    """Write a PDF progress report: change measured during care, with its uncertainty."""
    from atlaxis.services.reports import clinic_reports, patient_report_pdf
    from atlaxis.storage import Database

    if audience not in ("clinician", "patient"):
        raise ValidationError(
            "unknown audience",
            problems=[Problem("--audience", repr(audience), "clinician, patient")],
        )
    if (patient_id is None) == (not all_patients):
        raise ValidationError(
            "say which report", problems=[Problem("PATIENT_ID", "give a patient id or --all")]
        )
    who: Literal["clinician", "patient"] = "patient" if audience == "patient" else "clinician"
    db = Database(_settings(database).database_url)
    try:
        with db.uow(read_only=True) as uow:
            if patient_id is not None:
                _write_bytes(out, patient_report_pdf(uow, Actor.system(), patient_id, who))
                uow.commit()
                typer.echo(f"wrote {out}")
                return
            with _progress_bar() as bar:
                task = bar.add_task("reports", total=None)
                done = clinic_reports(
                    uow,
                    Actor.system(),
                    out,
                    audience=who,
                    progress=lambda n, total: bar.update(task, completed=n, total=total),
                )
            uow.commit()
    finally:
        db.dispose()
    typer.echo(f"wrote {len(done.written)} reports to {out}")
    for pid, reason in done.failed.items():
        typer.echo(f"patient {pid}: not written ({reason})", err=True)


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ValidationError(
            "cannot write the output", problems=[Problem(str(path), exc.strerror or str(exc))]
        ) from None


def _add(group: typer.Typer, name: str, fn: Callable[..., None]) -> None:
    """Register once, however often ``register`` is called (tests call it repeatedly)."""
    if not any(c.name == name for c in group.registered_commands):
        group.command(name)(fn)


def register(app: typer.Typer) -> None:
    _add(export_app, "redcap", export_redcap)
    _add(export_app, "research", export_research)
    _add(import_app, "redcap", import_redcap)
    _add(app, "report", report)
    add_groups(app)
