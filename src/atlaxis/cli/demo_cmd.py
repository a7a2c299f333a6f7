"""``atlaxis demo``: build the synthetic demo clinic, print the logins, serve it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from atlaxis.cli.common import print_json
from atlaxis.errors import Conflict

if TYPE_CHECKING:
    from rich.progress import Progress

DEFAULT_DEMO_URL = "sqlite:///./atlaxis-demo.db"


def _target(database: str | None) -> tuple[str, bool]:
    """(URL, whether it is the throw-away default demo database)."""
    url = database or os.environ.get("ATLAXIS_DATABASE_URL")
    return (url, False) if url else (DEFAULT_DEMO_URL, True)


def _fresh(url: str, throwaway: bool, force: bool) -> None:
    from atlaxis.storage import is_empty, reset, upgrade

    if throwaway or force:
        reset(url)
    elif not is_empty(url):
        raise Conflict(f"{url} already holds data; use --force to replace it with the demo")
    upgrade(url)


def _progress_bar() -> Progress:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        SpinnerColumn(),
        "[progress.description]{task.description}",
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        TextColumn("[cyan]{task.fields[rows]}"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )


def _compact(n: int) -> str:
    return f"{n / 1e6:.1f}M" if n >= 1_000_000 else f"{n / 1e3:.0f}k" if n >= 10_000 else str(n)


def _rows_text(counts: Mapping[str, int]) -> str:
    shown = (("diary_entries", "diary"), ("assessments", "scores"), ("alerts", "alerts"))
    return " ".join(f"{_compact(counts.get(k, 0))} {label}" for k, label in shown)


def demo_cmd(
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default: a fresh demo file).")
    ] = None,
    patients: Annotated[int, typer.Option(min=1, max=1_000_000, help="Patients.")] = 60,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same clinic).")] = 20240501,
    as_of: Annotated[str | None, typer.Option(help="Last day of data, YYYY-MM-DD.")] = None,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve it afterwards.")] = True,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print JSON (database, logins).")
    ] = False,
    force: Annotated[bool, typer.Option(help="Replace a database that holds data.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(min=0, max=16, help="Generator processes (default: 1 from 3,000 patients)."),
    ] = None,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Build a seeded synthetic clinic (and a small second one), print logins, serve it."""
    from atlaxis.demo import build_demo

    url, throwaway = _target(database)
    _fresh(url, throwaway, force)
    day = date.fromisoformat(as_of) if as_of else None
    if sys.stderr.isatty():  # the bar goes to stderr, so it is shown with --json too
        with _progress_bar() as bar:
            task = bar.add_task("demo patients", total=None, rows="")
            result = build_demo(
                url,
                patients=patients,
                seed=seed,
                as_of=day,
                workers=workers,
                progress=lambda done, total, counts: bar.update(
                    task, completed=done, total=total, rows=_rows_text(counts)
                ),
            )
    else:
        result = build_demo(url, patients=patients, seed=seed, as_of=day, workers=workers)
    if json_out:
        print_json({"database": url, "logins": [login.to_dict() for login in result.logins]})
    else:
        _print_logins(url, result)
    if serve and not json_out:
        _serve(url, host, port)


def _print_logins(url: str, result: object) -> None:
    """Plain lines, so every login can be copied whole on any terminal width."""
    from rich.console import Console

    from atlaxis.demo import DemoResult

    assert isinstance(result, DemoResult)
    console = Console(soft_wrap=True)
    console.print(f"[bold]Demo logins[/bold] (password for all: {result.logins[0].password})")
    staff = [x for x in result.logins if x.role != "patient"]
    patients = [x for x in result.logins if x.role == "patient"][:5]
    for login in staff + patients:
        who = f"patient {login.patient_id}" if login.patient_id else login.role
        console.print(f"  {login.email}  ({who}, {login.clinic})", highlight=False)
    console.print(
        f"database: {url}  ({result.counts.get('diary_entries', 0)} diary entries, "
        f"{result.counts.get('alerts', 0)} alerts; synthetic data only)"
    )


def _serve(url: str, host: str, port: int) -> None:
    try:
        import uvicorn

        from atlaxis.config import load_settings
        from atlaxis.web.app import create_app
    except ImportError as exc:  # pragma: no cover - the web package not installed
        typer.echo(f"cannot serve ({exc}); the database is ready at {url}", err=True)
        return
    app = create_app(load_settings(database_url=url, host=host, port=port))
    typer.echo(f"serving on http://{host}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
