"""``atlaxis screen safety`` and ``atlaxis screen neck``: decision support as JSON."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from atlaxis.cli.common import print_json, read_json
from atlaxis.errors import Problem, ValidationError
from atlaxis.instruments import ScoreResult, score
from atlaxis.screening import neck_profile, safety

screen_app = typer.Typer(
    help="Safety screen before neck care and the neck-involvement profile "
    "(decision support for the clinician, not a diagnosis).",
    no_args_is_help=True,
)

AnswersOption = Annotated[
    str, typer.Option("--answers", help="JSON file of answers, or - for stdin.")
]


@screen_app.command("safety")
def safety_command(answers: AnswersOption) -> None:
    """Evaluate safety_screen answers; print the decision, fired rules and missing inputs."""
    print_json(safety(read_json(answers)).to_dict())


def _scores(source: str) -> dict[str, ScoreResult]:
    data: Any = read_json(source, what="scores")
    if not isinstance(data, dict):
        raise ValidationError(
            "scores must be a JSON object",
            problems=[Problem(source, "expected {instrument id: answers}", "a JSON object")],
        )
    return {str(inst): score(str(inst), ans) for inst, ans in data.items()}


@screen_app.command("neck")
def neck_command(
    answers: AnswersOption,
    scores: Annotated[
        str | None,
        typer.Option(
            "--scores",
            help="Optional JSON file {instrument id: answers} (ndi, hit6, hdi, dhi, jfls8, "
            "jfls20, csi); each is scored and its band shown as the sign's severity.",
        ),
    ] = None,
) -> None:
    """Profile neck_screen answers: signs present, severity, follow-up instruments."""
    data = read_json(answers)
    results = _scores(scores) if scores is not None else None
    print_json(neck_profile(data, results).to_dict())


def register(app: typer.Typer) -> None:
    app.add_typer(screen_app, name="screen")
