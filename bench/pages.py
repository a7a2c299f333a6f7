"""Benchmark: server render time of every page on the demo clinic (target < 100 ms each).

Builds the demo clinic (``atlaxis demo --no-serve``, 60 patients by default) in a temporary
SQLite file, signs in through the /login form as a clinician, a researcher and a patient
(in-process ASGI client, so network time is excluded), warms each page up twice (first-use
imports such as statsmodels are reported separately as "first request"), then times
``--repeat`` requests per page and reports the median and the 95th percentile.

    .venv/bin/python bench/pages.py --busy 2 --write-docs

``--busy N`` repeats the run while N processes spin on the CPU (a loaded machine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
TARGET_MS = 100.0
PASSWORD_KEY = "password"


@dataclass
class Timing:
    page: str
    role: str
    status: int
    first_ms: float
    median_ms: float
    p95_ms: float
    kb: float


def build_demo(path: Path, patients: int) -> list[dict[str, Any]]:
    cmd = [
        str(ROOT / ".venv" / "bin" / "atlaxis"),
        "demo",
        "--database",
        f"sqlite:///{path}",
        "--patients",
        str(patients),
        "--no-serve",
        "--json",
        "--force",
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    logins: list[dict[str, Any]] = json.loads(out)["logins"]
    return logins


def _client(url: str) -> Any:
    from fastapi.testclient import TestClient

    from atlaxis.config import load_settings
    from atlaxis.web.app import create_app

    return TestClient(
        create_app(load_settings(database_url=url, environment="test")), follow_redirects=False
    )


def sign_in(client: Any, login: dict[str, Any]) -> None:
    client.cookies.clear()
    form = client.get("/login").text
    token = re.search(r'name="login_token" value="([^"]*)"', form)
    assert token, "no login form"
    data = {
        "email": login["email"],
        PASSWORD_KEY: login["password"],
        "login_token": token.group(1),
        "next": "",
    }
    response = client.post("/login", data=data)
    assert response.status_code == 303, response.text[:500]


def time_page(client: Any, url: str, role: str, repeat: int) -> Timing:
    start = time.perf_counter()
    first = client.get(url)
    first_ms = (time.perf_counter() - start) * 1000
    client.get(url)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
    return Timing(
        url,
        role,
        first.status_code,
        first_ms,
        statistics.median(samples),
        p95,
        len(response.content) / 1024,
    )


def pick(logins: list[dict[str, Any]], role: str, clinic: str = "demo-main") -> dict[str, Any]:
    return next(x for x in logins if x["role"] == role and x["clinic"] == clinic)


def assign_phq9(url: str, patient_id: int) -> int:
    """Assign a PHQ-9 to the patient (as the clinic would) so that its page can be timed."""
    from atlaxis.domain import Actor
    from atlaxis.services import questionnaires
    from atlaxis.storage import Database

    database = Database(url)
    try:
        with database.uow() as uow:
            actor = Actor.system(uow.patients.clinic_of(patient_id))
            made = questionnaires.assign_instruments(uow, actor, patient_id, ["phq9"])
            uow.commit()
    finally:
        database.dispose()
    return int(made[0].id or 0)


def run(patients: int, repeat: int) -> list[Timing]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        logins = build_demo(db, patients)
        client = _client(f"sqlite:///{db}")
        with client:
            results = [time_page(client, "/login", "anonymous", repeat)]
            patient = pick(logins, "patient")
            sign_in(client, pick(logins, "clinician"))
            pid = patient["patient_id"]
            for url in (
                "/patients",
                f"/patients/{pid}",
                f"/patients/{pid}/outcomes",
                "/cohort",
                "/cohort?instrument=ndi",
            ):
                results.append(time_page(client, url, "clinician", repeat))
            sign_in(client, pick(logins, "researcher"))
            results.append(time_page(client, "/cohort", "researcher", repeat))
            sign_in(client, patient)
            assignment = assign_phq9(f"sqlite:///{db}", pid)
            for url in ("/checkin", "/questionnaires", f"/questionnaires/{assignment}", "/me"):
                results.append(time_page(client, url, "patient", repeat))
    return results


def table(results: list[Timing]) -> str:
    lines = [
        "| page | signed in as | status | first request (ms) | median (ms) | p95 (ms) | "
        "HTML (KB) | < 100 ms |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ok = "yes" if r.median_ms < TARGET_MS else "**no**"
        lines.append(
            f"| `{r.page}` | {r.role} | {r.status} | {r.first_ms:.0f} | "
            f"{r.median_ms:.1f} | {r.p95_ms:.1f} | {r.kb:.1f} | {ok} |"
        )
    return "\n".join(lines)


def busy_run(patients: int, repeat: int, busy: int) -> list[Timing]:
    """The same run while ``busy`` processes spin on the CPU (a loaded machine)."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
    try:
        return run(patients, repeat)
    finally:
        for proc in spinners:
            proc.kill()
            proc.wait()


def section(
    results: list[Timing], patients: int, repeat: int, loaded: list[Timing], busy: int
) -> str:
    under_load = (
        f"The same run with {busy} CPU-bound processes competing for the machine's "
        f"{os.cpu_count()} cores:\n\n{table(loaded)}\n\n"
        if loaded
        else ""
    )
    return (
        "## Pages\n\n"
        f"`bench/pages.py`: the demo clinic (`atlaxis demo`, {patients} patients, seeded) in a "
        "temporary SQLite file; pages requested in-process through the ASGI app after signing "
        "in with the /login form (so the time is the server's: routing, session and CSRF "
        "checks, services with their audit events, the SVG charts and the template), each "
        f"warmed up twice, then {repeat} timed requests (median and 95th percentile). "
        '"First request" includes one-off imports (statsmodels on the outcome and cohort '
        "pages). Patient pages belong to the patient side of issue 6 and are timed here too.\n\n"
        f"{table(results)}\n\n"
        f"{under_load}"
        "Target: every page under 100 ms server time (median). Absolute times vary with "
        "machine load. The clinician list, patient page and cohort page read their rows with "
        "batched queries (`storage/read_models.py`: a constant number of queries per page, "
        "not one or two per patient); the outcome page's time is mostly its statistical fits "
        "(three AR(1) segmented regressions).\n"
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{platform.system()}.\n"
        "Run: `.venv/bin/python bench/pages.py --busy 2 --write-docs`.\n"
    )


def write_docs(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    pattern = re.compile(r"^## Pages\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(doc):
        doc = pattern.sub(lambda _: text + "\n", doc)
    else:
        doc = doc.rstrip("\n") + "\n\n" + text
    DOC.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--busy", type=int, default=0, help="also run under N CPU spinners")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.patients, args.repeat)
    print(table(results))
    loaded = busy_run(args.patients, args.repeat, args.busy) if args.busy > 0 else []
    if loaded:
        print(table(loaded))
    if args.write_docs:
        write_docs(section(results, args.patients, args.repeat, loaded, args.busy))
    slow = [r.page for r in results if r.median_ms >= TARGET_MS and r.status == 200]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
