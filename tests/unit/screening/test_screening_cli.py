"""``atlaxis screen safety|neck``: JSON out, a clear error and non-zero exit on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "atlaxis.cli.main", "screen", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_safety_prints_the_decision(no_flags: dict[str, Any]) -> None:
    out = _run("safety", "--answers", "-", stdin=json.dumps({**no_flags, "fever": True}))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["decision"] == "caution"
    assert [f["rule"] for f in data["fired"]] == ["rf_fever"]
    assert data["ccr"]["applies"] is False


def test_safety_rejects_invalid_answers() -> None:
    out = _run("safety", "--answers", "-", stdin='{"fever": "yes", "elbow": true}')
    assert out.returncode == 2
    assert "fever" in out.stderr and "elbow" in out.stderr
    assert out.stdout == ""


def test_safety_rejects_bad_json() -> None:
    out = _run("safety", "--answers", "-", stdin="{not json")
    assert out.returncode == 2
    assert "not valid JSON" in out.stderr


def test_neck_with_scores(tmp_path: Path) -> None:
    answers = tmp_path / "neck.json"
    answers.write_text(json.dumps({"chronic_neck_pain": True, "headaches": False}))
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({"ndi": {str(k): 2 for k in range(1, 11)}}))
    out = _run("neck", "--answers", str(answers), "--scores", str(scores))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["present"] == ["chronic_neck_pain"]
    pain = next(s for s in data["signs"] if s["id"] == "chronic_neck_pain")
    assert pain["severity"]["band"] == "moderate"  # NDI raw 20: Vernon band 15-24


def test_neck_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    out = _run("neck", "--answers", str(tmp_path / "nope.json"))
    assert out.returncode == 2
    assert "cannot read" in out.stderr
