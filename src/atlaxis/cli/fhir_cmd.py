"""``atlaxis fhir``: instruments as FHIR Questionnaires, QuestionnaireResponses scored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from atlaxis.cli.common import print_json, read_json

fhir_app = typer.Typer(
    help="FHIR R4 (SDC) Questionnaires for the instruments; score QuestionnaireResponses.",
    no_args_is_help=True,
)


@fhir_app.command("questionnaire")
def questionnaire(
    instrument_id: Annotated[str, typer.Argument(metavar="ID", help="Instrument id, e.g. phq9.")],
    text_dir: Annotated[
        Path | None,
        typer.Option(help="Use licensed wording installed here (atlaxis instruments load-text)."),
    ] = None,
) -> None:
    """Print the instrument as a FHIR R4 Questionnaire (SDC; renders in NLM LHC-Forms)."""
    from atlaxis.fhir import to_questionnaire, validate_questionnaire
    from atlaxis.instruments import get_instrument
    from atlaxis.instruments.texts import with_local_text

    instrument = with_local_text(get_instrument(instrument_id), text_dir)
    data = to_questionnaire(instrument)
    validate_questionnaire(data)
    print_json(data)


@fhir_app.command("score-response")
def score_response_command(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="QuestionnaireResponse JSON file, or -.")
    ],
    instrument_id: Annotated[
        str | None,
        typer.Option("--instrument", help="Expected instrument id (default: from the response)."),
    ] = None,
) -> None:
    """Score a FHIR QuestionnaireResponse and print the result as JSON."""
    from atlaxis.fhir import score_response

    data = read_json(source, what="QuestionnaireResponse")
    print_json(score_response(data, instrument_id).to_dict())


def register(app: typer.Typer) -> None:
    app.add_typer(fhir_app, name="fhir")
