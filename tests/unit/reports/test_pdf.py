"""PDF progress reports: what they say (both audiences), honest wording, and valid PDFs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from atlaxis.domain import Patient, Sex
from atlaxis.instruments import get_instrument
from atlaxis.outcomes import check_wording, mcid_change, nonoverlap, segmented_regression
from atlaxis.reports.chart_layout import layout
from atlaxis.reports.charts import ChartText
from atlaxis.reports.pdf import render_pdf
from atlaxis.reports.pdf_content import Chart, ReportInput, Table, build_report
from atlaxis.reports.pdf_scene import scene_drawing

CARE = date(2024, 3, 1)
FORBIDDEN = re.compile(r"\b(worked|works|cured?|cures|restored?|restores)\b", re.IGNORECASE)


def _diary() -> list[dict[str, Any]]:
    rows = []
    for k in range(-14, 28):
        pain = 6.0 if k < 0 else 4.0 + (k % 3) * 0.5
        rows.append(
            {
                "date": (CARE + timedelta(days=k)).isoformat(),
                "items": {"pain": pain, "fatigue": 5, "sleep_quality": 4},
            }
        )
    return rows


def _input(audience: str = "clinician") -> ReportInput:
    days = [(CARE + timedelta(days=k)).toordinal() for k in range(-14, 28)]
    pain = [6.0 if d < CARE.toordinal() else 4.0 + (i % 3) * 0.5 for i, d in enumerate(days)]
    base = [p for d, p in zip(days, pain, strict=True) if d < CARE.toordinal()]
    care = [p for d, p in zip(days, pain, strict=True) if d >= CARE.toordinal()]
    phq9 = get_instrument("phq9")
    outcomes = {
        "care_start": CARE.isoformat(),
        "instruments": [
            {
                "instrument": "phq9",
                "title": phq9.title,
                "n": 2,
                "baseline": {"taken_at": "2024-02-28T09:00:00+00:00", "total": 15.0},
                "latest": {"taken_at": "2024-03-27T09:00:00+00:00", "total": 8.0},
                "reliable_change": None,
                "mcid": mcid_change(15.0, 8.0, instrument=phq9).to_dict(),
            }
        ],
        "diary": [
            {
                "item": "pain",
                "n_days": len(days),
                "improvement": "decrease",
                "segmented": segmented_regression(
                    days, pain, CARE.toordinal(), improvement="decrease", label="pain"
                ).to_dict(),
                "nonoverlap": nonoverlap(base, care, improvement="decrease").to_dict(),
            }
        ],
    }
    timeline = {
        "episodes": [{"care_start": CARE.isoformat()}],
        "diary": _diary(),
        "assessments": [{"taken_at": "2024-02-28T09:00:00+00:00"}],
        "visits": [
            {
                "occurred_at": f"{(CARE + timedelta(days=k)).isoformat()}T10:00:00+00:00",
                "technique": "toggle",
                "decision": "adjusted",
            }
            for k in (0, 7, 14)
        ],
        "cotherapies": [
            {
                "name": "Physiotherapy",
                "kind": "physiotherapy",
                "started_on": (CARE + timedelta(days=3)).isoformat(),
                "ended_on": None,
            }
        ],
    }
    alerts = [
        {
            "severity": "urgent",
            "raised_at": "2024-03-27T09:00:00+00:00",
            "kind": "phq9_item9",
            "reason": "PHQ-9 item 9 answered above 'not at all'.",
        }
    ]
    patient = Patient(1, 1, "R-0001", "Ada", "Łukasiewicz", date(1970, 5, 1), Sex.FEMALE)
    return ReportInput(
        patient,
        "North Clinic",
        timeline,
        outcomes,
        datetime(2024, 4, 1, 12, 0, tzinfo=UTC),
        audience,  # type: ignore[arg-type]
        alerts if audience == "clinician" else [],
    )


def test_clinician_report_has_every_section() -> None:
    report = build_report(_input())
    text = report.text()
    for words in (
        "Open safety alerts",
        "PHQ-9 item 9",
        "Questionnaire scores",
        "MCID",
        "Reliable change",
        "Diary, visits and co-therapies",
        "Single-case summary of the diary",
        "Method: segmented regression",
        "Caveats",
        "Care started",
        "2024-03-01",
    ):
        assert words in text, words
    scores = next(b for b in report.blocks if isinstance(b, Table) and "MCID" in b.columns)
    (row,) = scores.rows
    assert row[3] == "-7"  # 8 - 15 (Kroenke 2001 scale, hand-computed)
    assert row[4].startswith("improved (meets MCID 5")  # 7 >= 5 points


def test_patient_report_is_plain() -> None:
    text = build_report(_input("patient")).text()
    assert "Your progress report" in text
    assert "cannot show on their own that the care caused them" in text
    for technical in ("Open safety alerts", "Method:", "NAP", "AR(1)", "Record number"):
        assert technical not in text, technical


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_wording_is_honest(audience: str) -> None:
    text = build_report(_input(audience)).text()
    assert not FORBIDDEN.search(text), FORBIDDEN.search(text)
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        check_wording(sentence)  # raises on "caused" outside "cannot show ... caused"


def test_chart_marks_visits_cotherapies_and_care_start() -> None:
    chart = next(b for b in build_report(_input()).blocks if isinstance(b, Chart)).chart
    scene = layout(chart, ChartText())
    assert any("Care started" in getattr(i, "text", "") for i in scene.items)
    events = [i for i in scene.items if getattr(i, "role", "") == "event"]
    assert [e.title for e in events] == [  # type: ignore[union-attr]
        f"{(CARE + timedelta(days=k)).isoformat()}: toggle · adjusted" for k in (0, 7, 14)
    ]
    assert any(
        getattr(i, "title", "") == "Physiotherapy" or getattr(i, "text", "") == "Physiotherapy"
        for i in scene.items
    )
    drawing = scene_drawing(scene, 500.0)
    assert drawing.width == 500.0
    assert len(drawing.contents[0].contents) == len(scene.items)  # every primitive drawn


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_renders_a_pdf(audience: str) -> None:
    pdf = render_pdf(build_report(_input(audience)))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
    assert b"FontFile2" in pdf  # fonts embedded (names in any script print)


def test_empty_record_still_renders() -> None:
    data = _input()
    empty = ReportInput(
        data.patient, "", {"diary": []}, {"instruments": [], "diary": []}, data.generated_at
    )
    text = build_report(empty).text()
    assert "No diary entries" in text and "No questionnaire scores yet" in text
    assert render_pdf(build_report(empty)).startswith(b"%PDF-")
