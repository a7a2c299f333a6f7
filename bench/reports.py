"""Benchmark: PDF progress reports on the demo clinic, against the 1-second budget.

Builds the seeded demo clinic (60 patients per main clinic) in a temporary SQLite file and
times, for every patient, one report end to end through the service (authorisation, the
patient/timeline/outcome reads with their audit events, building the blocks, ReportLab
rendering with the chart drawn from the shared chart scene). Also: the first report of a
fresh process (font registration, warm-up), and ``atlaxis report --all`` as one clinic run.

    .venv/bin/python bench/reports.py --write-docs
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import reportlab

from atlaxis.demo import build_demo
from atlaxis.domain import Actor
from atlaxis.reports.pdf import render_pdf
from atlaxis.reports.pdf_content import build_report
from atlaxis.services.reports import clinic_reports, report_input
from atlaxis.storage import Database, upgrade

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
BUDGET = 1.0
AS_OF = date(2025, 6, 30)


@dataclass
class Run:
    audience: str
    data: list[float]
    render: list[float]
    pages_bytes: list[int]

    @property
    def totals(self) -> list[float]:
        return [a + b for a, b in zip(self.data, self.render, strict=True)]


def time_reports(db: Database, audience: str) -> Run:
    run = Run(audience, [], [], [])
    with db.uow(read_only=True) as uow:
        ids = [p for c in uow.clinics.all() if c.id for p in uow.patients.ids(c.id)]
        for pid in ids:
            t0 = time.perf_counter()
            data = report_input(uow, Actor.system(), pid, audience)  # type: ignore[arg-type]
            t1 = time.perf_counter()
            pdf = render_pdf(build_report(data))
            t2 = time.perf_counter()
            run.data.append(t1 - t0)
            run.render.append(t2 - t1)
            run.pages_bytes.append(len(pdf))
        uow.commit()
    return run


def _q(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def table(runs: list[Run], first: float, clinic_total: float, n: int) -> str:
    lines = [
        "| report | patients | median (s) | p95 (s) | max (s) | of which render, median (s) "
        "| budget / p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        t = r.totals
        lines.append(
            f"| {r.audience} | {len(t)} | {statistics.median(t):.3f} | {_q(t, 0.95):.3f} | "
            f"{max(t):.3f} | {statistics.median(r.render):.3f} | {BUDGET / _q(t, 0.95):.1f}x |"
        )
    lines.append("")
    lines.append(
        f"First report in a fresh process (fonts, warm-up): {first:.3f} s. "
        f"`report --all` path (service, {n} PDFs written): {clinic_total:.2f} s "
        f"= {clinic_total / n:.3f} s per report."
    )
    return "\n".join(lines)


def write_docs(body: str) -> None:
    section = (
        "## Reports\n\n"
        "`bench/reports.py`: the seeded demo clinic (`build_demo`, 60 patients, data up to "
        f"{AS_OF.isoformat()}) in a temporary SQLite file. Each patient's PDF progress report "
        "is timed end to end through `services.reports` (authorisation, patient/timeline/"
        "outcome reads with their audit events, report blocks, ReportLab rendering with the "
        "diary chart drawn from the shared chart scene).\n\n"
        f"{body}\n\n"
        f"Target: every report under {BUDGET:.0f} second. Absolute times vary with machine "
        "load (these runs shared 2 cores with other work); the ratio to the budget is the "
        "result.\n"
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"ReportLab {reportlab.Version}, {platform.system()}.\n"
        "Run: `.venv/bin/python bench/reports.py --write-docs`.\n"
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(r"## Reports\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=60)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        upgrade(url)
        build_demo(url, patients=args.patients, as_of=AS_OF)
        db = Database(url)
        with db.uow(read_only=True) as uow:
            pid = uow.patients.ids(uow.clinics.all()[0].id or 0)[0]
            t0 = time.perf_counter()
            render_pdf(build_report(report_input(uow, Actor.system(), pid)))
            first = time.perf_counter() - t0
        runs = [time_reports(db, "clinician"), time_reports(db, "patient")]
        with db.uow(read_only=True) as uow:
            t0 = time.perf_counter()
            done = clinic_reports(uow, Actor.system(), Path(tmp) / "reports")
            clinic_total = time.perf_counter() - t0
            uow.commit()
        db.dispose()
    body = table(runs, first, clinic_total, len(done.written))
    print(body)
    if args.write_docs:
        write_docs(body)


if __name__ == "__main__":
    main()
