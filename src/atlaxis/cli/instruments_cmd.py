"""``atlaxis instruments`` and ``atlaxis score``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from atlaxis.cli.common import print_json, read_json
from atlaxis.instruments import all_instruments, get_instrument, score
from atlaxis.instruments.model import Instrument
from atlaxis.instruments.texts import install_text_file

instruments_app = typer.Typer(
    help="List and inspect the instrument library.", no_args_is_help=False
)


def definition_dict(instrument: Instrument) -> dict[str, Any]:
    """The public JSON form of a definition (``instruments show --json``)."""
    return {
        "id": instrument.id,
        "version": instrument.version,
        "title": instrument.title,
        "citation": instrument.citation.citation,
        "licence": {
            "holder": instrument.licence.holder,
            "ship_text": instrument.licence.ship_text,
            "note": instrument.licence.note,
        },
        "score_range": list(instrument.score_range) if instrument.score_range else None,
        "lower_is_better": instrument.lower_is_better,
        "recall_period": instrument.recall_period,
        "missing_rule": instrument.scoring.missing_rule,
        "bands": (
            [{"label": b.label, "lower": b.lower} for b in instrument.interpretation.bands]
            if instrument.interpretation
            else []
        ),
        "thresholds": [
            {
                "kind": t.kind,
                "value": t.value,
                "unit": t.unit,
                "source": t.source.citation,
                "evidence": t.source.evidence,
            }
            for t in instrument.thresholds
        ],
        "loinc": {"panel": instrument.loinc_panel, "total": instrument.loinc_total},
        "items": [
            {
                "id": i.id,
                "type": i.type,
                "text": i.text,
                "text_is_label": i.text_is_label,
                "required": i.required,
                "options": [asdict(o) for o in i.options],
                **({"minimum": i.minimum, "maximum": i.maximum} if i.minimum is not None else {}),
            }
            for i in instrument.items
        ],
    }


@instruments_app.callback(invoke_without_command=True)
def list_instruments(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every instrument with its version, licence and item count."""
    if ctx.invoked_subcommand is not None:
        return
    rows = all_instruments()
    if as_json:
        print_json(
            [
                {
                    "id": i.id,
                    "version": i.version,
                    "title": i.title,
                    "items": len(i.items),
                    "ship_text": i.licence.ship_text,
                    "kind": i.kind,
                }
                for i in rows
            ]
        )
        return
    table = Table(title="atlaxis instruments")
    for col in ("id", "title", "items", "item text"):
        table.add_column(col)
    for i in rows:
        table.add_row(
            i.id, i.title, str(len(i.items)), "shipped" if i.licence.ship_text else "topic labels"
        )
    Console().print(table)


@instruments_app.command("show")
def show(
    instrument_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one instrument's definition."""
    instrument = get_instrument(instrument_id)
    data = definition_dict(instrument)
    if as_json:
        print_json(data)
        return
    console = Console()
    console.print(f"[bold]{instrument.title}[/bold] ({instrument.id} {instrument.version})")
    console.print(instrument.citation.citation)
    console.print(f"Licence: {instrument.licence.note}")
    console.print(f"Missing items: {instrument.scoring.missing_rule}")
    for item in instrument.items:
        opts = ", ".join(f"{o.code}={o.label}" for o in item.options)
        console.print(
            f"  {item.id:>4}  {item.text}" + (f"  [{opts}]" if opts else f"  ({item.type})")
        )


@instruments_app.command("load-text")
def load_text(
    file: Annotated[Path, typer.Argument(help="JSON file: {instrument, items: {item_id: text}}")],
    text_dir: Annotated[Path | None, typer.Option(help="Where licensed texts are kept.")] = None,
) -> None:
    """Install licensed item wording held by the clinic (never shipped with atlaxis)."""
    from atlaxis.config import load_settings

    target_dir = text_dir or load_settings().text_dir
    target, count = install_text_file(file, target_dir)
    typer.echo(f"installed wording for {count} items in {target}")


def score_command(
    instrument_id: Annotated[str, typer.Argument(metavar="ID")],
    answers: Annotated[
        str, typer.Option("--answers", help="JSON file of answers, or - for stdin.")
    ],
) -> None:
    """Score one response and print the result as JSON."""
    instrument = get_instrument(instrument_id)
    data = read_json(answers)
    print_json(score(instrument, data).to_dict())


def tour() -> None:
    """A short guided tour of the instrument library (what ``make run`` shows for now)."""
    console = Console()
    console.print("[bold]atlaxis[/bold]: validated instruments, scored exactly as published.\n")
    for i in all_instruments():
        ship = (
            "wording shipped" if i.licence.ship_text else "topic labels (licensed wording loadable)"
        )
        console.print(f"[bold]{i.id:<14}[/bold]{i.title} — {len(i.items)} items, {ship}")
    example = {str(k): 1 for k in range(1, 10)}
    console.print("\nExample: PHQ-9 with every item 'several days':")
    console.print_json(data=score("phq9", example).to_dict())


def register(app: typer.Typer) -> None:
    app.add_typer(instruments_app, name="instruments")
    app.command("score")(score_command)
    app.command("tour")(tour)
