"""What a progress report says, as plain blocks (tested for wording before it becomes a PDF).

Two audiences: the clinician version (open safety alerts, scores with change, MCID and
reliable-change verdicts, the diary chart, the single-case summary with its methods and
caveats) and a plain patient version (the chart, what changed in everyday words, what the
report can and cannot tell). Every sentence about change comes from the outcome results'
``reading``/``caveats`` or from this module, and says "measured during care".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from atlaxis.domain import Patient
from atlaxis.reports import charts as c
from atlaxis.reports.pdf_charts import day_of, diary_chart, period

Audience = Literal["clinician", "patient"]
NOT_SCORES = ("safety_screen", "neck_screen", "diary")
WORDING = (
    "Change measured during care, with its uncertainty. A change seen during care cannot show "
    "on its own that the care caused it: natural ups and downs, a return from a flare toward "
    "the usual level and other treatments also move scores."
)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    style: Literal["body", "small", "note"] = "body"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # fractions of the frame width


@dataclass(frozen=True)
class Chart:
    chart: c.TimelineChart


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


Block = Heading | Para | Table | Chart | Bullets


@dataclass(frozen=True)
class ReportInput:
    """Everything a report shows, gathered by :mod:`atlaxis.services.reports`."""

    patient: Patient
    clinic_name: str
    timeline: dict[str, Any]
    outcomes: dict[str, Any]
    generated_at: datetime
    audience: Audience = "clinician"
    open_alerts: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    title: str
    footer: str
    blocks: list[Block]

    def text(self) -> str:
        """Every word of the report (for wording checks and search)."""
        parts: list[str] = [self.title, self.footer]
        for b in self.blocks:
            if isinstance(b, Heading | Para):
                parts.append(b.text)
            elif isinstance(b, Table):
                parts += list(b.columns) + [cell for row in b.rows for cell in row]
            elif isinstance(b, Bullets):
                parts += list(b.items)
            else:
                parts += [b.chart.title, b.chart.description]
        return "\n".join(parts)


def _num(value: Any, digits: int = 1) -> str:
    return "–" if value is None else c.fmt(float(value), digits)


def _when(value: str | None) -> str:
    return "" if not value else day_of(value).isoformat()


def _period_text(data: ReportInput) -> str:
    span = period(data.timeline)
    if span is None:
        return "no data recorded yet"
    return f"{span[0].isoformat()} to {span[1].isoformat()}"


def _chart_blocks(data: ReportInput) -> list[Block]:
    span = period(data.timeline)
    if span is None or not data.timeline.get("diary"):
        return [Para("No diary entries in this period.", "note")]
    chart = diary_chart(data.timeline, span[0], span[1])
    return [Chart(chart), Para(chart.description, "small")]


def _scored(data: ReportInput) -> list[dict[str, Any]]:
    return [i for i in data.outcomes.get("instruments", []) if i["instrument"] not in NOT_SCORES]


def _patient_facts(data: ReportInput) -> Table:
    p = data.patient
    rows = [
        ("Patient", p.display_name),
        ("Record number", p.record_number),
        ("Born", "" if p.birth_date is None else p.birth_date.isoformat()),
        ("Clinic", data.clinic_name),
        ("Period", _period_text(data)),
        ("Care started", data.outcomes.get("care_start") or "not recorded"),
        ("Report made", data.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if data.audience == "patient":
        rows = [r for r in rows if r[0] in ("Patient", "Clinic", "Period", "Care started")]
    return Table(("", ""), tuple(rows), (0.25, 0.75))


def _alerts(data: ReportInput) -> list[Block]:
    blocks: list[Block] = [Heading("Open safety alerts")]
    if not data.open_alerts:
        return [*blocks, Para("No open safety alerts.")]
    rows = tuple(
        (
            str(a.get("severity", "")),
            _when(a.get("raised_at")),
            str(a.get("kind", "")),
            str(a.get("reason", "")),
        )
        for a in data.open_alerts
    )
    return [
        *blocks,
        Table(("Severity", "Raised", "Alert", "Reason"), rows, (0.12, 0.14, 0.18, 0.56)),
        Para(
            "Alerts are decision support for the clinician, not a diagnosis; each stays open "
            "until a clinician acknowledges it.",
            "note",
        ),
    ]


def _mcid_text(entry: dict[str, Any]) -> str:
    m = entry.get("mcid")
    if not m:
        return "no published threshold"
    if m.get("insufficient"):
        return str(m["insufficient"])
    meets = "meets" if m.get("meets_mcid") else "below"
    unit = "%" if m.get("unit") == "percent" else " pts"
    return f"{m.get('category', '')} ({meets} MCID {_num(m.get('mcid'))}{unit})"


def _rc_text(entry: dict[str, Any]) -> str:
    rc = entry.get("reliable_change")
    if not rc:
        return "not available (no published reliability and SD)"
    if rc.get("insufficient"):
        return str(rc["insufficient"])
    return f"{rc.get('category', '')} (RC {_num(rc.get('rc'), 2)})"


def _score_rows(data: ReportInput) -> tuple[tuple[str, ...], ...]:
    rows = []
    for e in _scored(data):
        base, last = e["baseline"], e["latest"]
        change = (
            "–"
            if e.get("insufficient") or base["total"] is None or last["total"] is None
            else c.fmt(float(last["total"]) - float(base["total"]), 1)
        )
        rows.append(
            (
                str(e.get("title") or e["instrument"]),
                f"{_num(base['total'])} ({_when(base['taken_at'])})",
                f"{_num(last['total'])} ({_when(last['taken_at'])})",
                change,
                "one assessment so far" if e.get("insufficient") else _mcid_text(e),
                "–" if e.get("insufficient") else _rc_text(e),
            )
        )
    return tuple(rows)


def _scores(data: ReportInput) -> list[Block]:
    rows = _score_rows(data)
    if not rows:
        return [Heading("Questionnaire scores"), Para("No questionnaire scores yet.")]
    return [
        Heading("Questionnaire scores"),
        Table(
            ("Instrument", "First", "Latest", "Change", "MCID", "Reliable change"),
            rows,
            (0.25, 0.14, 0.14, 0.09, 0.2, 0.18),
        ),
        Para(
            "Change = latest minus first. MCID: minimal clinically important difference "
            "(source in the instrument reference). Reliable change: Jacobson–Truax index, "
            "|RC| > 1.96 means larger than measurement error.",
            "small",
        ),
    ]


def _analysis(label: str, part: dict[str, Any] | None, clinician: bool) -> list[str]:
    if not part:
        return []
    if part.get("insufficient"):
        return [f"{label}: not computed ({part['insufficient']})."] if clinician else []
    out = [f"{label}: {part.get('reading', '')}"]
    if clinician and part.get("method"):
        out.append(f"Method: {part['method']}.")
    return out


def _diary_summary(data: ReportInput, clinician: bool) -> list[Block]:
    blocks: list[Block] = []
    for d in data.outcomes.get("diary", []):
        name = str(d["item"]).replace("_", " ").capitalize()
        blocks.append(Heading(f"{name} ({d.get('n_days', 0)} days with entries)", 2))
        parts = [
            ("Level change at care start", "segmented"),
            ("Overlap", "nonoverlap"),
            ("Baseline vs last two weeks", "immpact"),
            ("Around visits", "visit_windows"),
        ]
        if not clinician:
            parts = [("Compared with before care", "immpact")]
        for label, key in parts:
            blocks += [
                Para(t, "body" if not t.startswith("Method") else "small")
                for t in _analysis(label, d.get(key), clinician)
            ]
    return blocks


def _caveats(data: ReportInput) -> list[str]:
    seen: dict[str, None] = {}
    results = [e.get("mcid") or {} for e in _scored(data)]
    results += [e.get("reliable_change") or {} for e in _scored(data)]
    for d in data.outcomes.get("diary", []):
        results += [d.get(k) or {} for k in ("segmented", "nonoverlap", "immpact", "visit_windows")]
    for r in results:
        for cav in r.get("caveats", []) if isinstance(r, dict) else []:
            seen[str(cav)] = None
    return list(seen)


def clinician_report(data: ReportInput) -> Report:
    blocks: list[Block] = [_patient_facts(data), Para(WORDING, "note"), *_alerts(data)]
    blocks += _scores(data)
    blocks += [Heading("Diary, visits and co-therapies"), *_chart_blocks(data)]
    blocks += [Heading("Single-case summary of the diary")]
    summary = _diary_summary(data, clinician=True)
    blocks += summary or [Para("Not enough diary data around the care start to analyse.")]
    cav = _caveats(data)
    if cav:
        blocks += [Heading("Caveats"), Bullets(tuple(cav))]
    footer = f"Progress report · {data.patient.display_name} · change measured during care"
    return Report("Progress report", footer, blocks)


PATIENT_CAVEATS = (
    "Symptoms go up and down by themselves; a change during care can happen without the care.",
    "Many people start care during a bad spell, and bad spells often ease by themselves.",
    "Other treatments and life events in the same weeks can also change how you feel.",
)


def _patient_scores(data: ReportInput) -> list[Block]:
    rows = []
    for e in _scored(data):
        m = e.get("mcid") or {}
        meaning = (
            "Only one so far: nothing to compare yet."
            if e.get("insufficient")
            else str(m.get("reading") or "No published threshold to compare the change with.")
        )
        rows.append(
            (
                str(e.get("title") or e["instrument"]),
                _num(e["baseline"]["total"]),
                _num(e["latest"]["total"]),
                meaning,
            )
        )
    if not rows:
        return []
    return [
        Heading("Your questionnaires"),
        Table(
            ("Questionnaire", "First", "Latest", "What this means"),
            tuple(rows),
            (0.3, 0.1, 0.1, 0.5),
        ),
    ]


def patient_report(data: ReportInput) -> Report:
    blocks: list[Block] = [_patient_facts(data), Heading("How you have been"), *_chart_blocks(data)]
    blocks += _patient_scores(data)
    diary = _diary_summary(data, clinician=False)
    if diary:
        blocks += [Heading("Your diary"), *diary]
    blocks += [
        Heading("What this report can and cannot tell you"),
        Para(
            "These are changes measured during your care. They cannot show on their "
            "own that the care caused them:"
        ),
        Bullets(PATIENT_CAVEATS),
        Para(
            "Your clinician has a detailed version with the methods and their limits. "
            "Please talk to them about anything in this report.",
            "note",
        ),
    ]
    footer = f"Your progress report · {data.patient.display_name}"
    return Report("Your progress report", footer, blocks)


def build_report(data: ReportInput) -> Report:
    return patient_report(data) if data.audience == "patient" else clinician_report(data)
