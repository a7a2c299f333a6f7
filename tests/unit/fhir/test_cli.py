"""``atlaxis fhir questionnaire`` and ``atlaxis fhir score-response``, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fhir.resources.R4B.questionnaire import Questionnaire

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "fhir" / "phq9-lhcforms-response.json"


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "atlaxis.cli.main", "fhir", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_questionnaire_prints_valid_fhir() -> None:
    done = _run("questionnaire", "phq9")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    Questionnaire.model_validate(data)
    assert data["url"] == "https://atlaxis.org/fhir/Questionnaire/phq9"


def test_unknown_instrument_fails_cleanly() -> None:
    done = _run("questionnaire", "nope")
    assert done.returncode == 3
    assert done.stderr.startswith("error: unknown instrument 'nope'")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_score_response_from_file_and_stdin() -> None:
    """The golden response: items 1,2,3,2,0,1,1,0,0 -> PHQ-9 total 10 (moderate)."""
    from_file = _run("score-response", str(GOLDEN))
    from_stdin = _run("score-response", "-", stdin=GOLDEN.read_text(encoding="utf-8"))
    for done in (from_file, from_stdin):
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert (result["instrument"], result["total"], result["band"]) == ("phq9", 10, "moderate")


def test_invalid_response_lists_problems_without_traceback() -> None:
    qr = json.loads(GOLDEN.read_text(encoding="utf-8"))
    qr["item"][0]["answer"][0]["valueCoding"]["code"] = "9"
    qr["item"].append({"linkId": "42", "answer": [{"valueBoolean": True}]})
    done = _run("score-response", "-", stdin=json.dumps(qr))
    assert done.returncode == 2
    assert "error: phq9: invalid QuestionnaireResponse" in done.stderr
    assert "1: code '9' is not an answerOption" in done.stderr
    assert "42: unknown linkId" in done.stderr
    assert "Traceback" not in done.stderr


def test_not_json_and_missing_file_fail_cleanly(tmp_path: Path) -> None:
    bad = _run("score-response", "-", stdin="{not json")
    missing = _run("score-response", str(tmp_path / "absent.json"))
    for done in (bad, missing):
        assert done.returncode == 2
        assert done.stderr.startswith("error:")
        assert "Traceback" not in done.stderr
