"""The ``atlaxis export`` and ``atlaxis import`` command groups, shared by the exchange commands.

Command modules add their commands to :data:`export_app` / :data:`import_app` and call
:func:`add_groups` from their ``register(app)``; the groups are attached to the app once.
"""

from __future__ import annotations

import typer

export_app = typer.Typer(
    help="Export data: FHIR R4 (Bundle or bulk NDJSON), REDCap, de-identified research data.",
    no_args_is_help=True,
)
import_app = typer.Typer(
    help="Import data: FHIR R4 Bundles and QuestionnaireResponses, REDCap dictionaries.",
    no_args_is_help=True,
)

_ATTACHED: set[int] = set()


def add_groups(app: typer.Typer) -> None:
    """Attach ``export`` and ``import`` to ``app`` (idempotent: later calls do nothing)."""
    if id(app) in _ATTACHED:
        return
    app.add_typer(export_app, name="export")
    app.add_typer(import_app, name="import")
    _ATTACHED.add(id(app))
