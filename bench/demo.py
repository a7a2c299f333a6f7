"""Benchmark: the demo generator (``atlaxis demo --no-serve --json``) at several sizes.

Each size runs the real command in a child process on a fresh database (SQLite in a
temporary directory, or a fresh PostgreSQL database with ``--postgres URL``). Reported:
wall time, CPU time of the command and its generator processes, peak RSS of the largest
process (from ``wait4``), rows written, and whether ``atlaxis audit verify`` passes on the
result. The numbers go into the "## Demo generator" section of docs/benchmarks.md.

Run: ``.venv/bin/python bench/demo.py [--sizes 60,2000,10000] [--workers N] [--postgres URL]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2025-06-30"
TABLES = ("patients", "diary_entries", "assessments", "visits", "alerts", "cotherapies")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "atlaxis.cli.main", *args]


def _counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        out = {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}
    engine.dispose()
    return out


def _pg_database(admin: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"atx_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(admin: str, url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def run(patients: int, workers: int | None, postgres: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = _pg_database(postgres) if postgres else f"sqlite:///{tmp}/demo.db"
        try:
            return _measure(url, tmp, patients, workers, postgres is not None)
        finally:
            if postgres:
                _drop_pg_database(postgres, url)


def _measure(url: str, tmp: str, patients: int, workers: int | None, pg: bool) -> dict[str, Any]:
    args = ["demo", "--no-serve", "--json", "--patients", str(patients), "--database", url]
    args += ["--as-of", AS_OF] + ([] if workers is None else ["--workers", str(workers)])
    start = time.perf_counter()
    child = subprocess.Popen(_cli(*args), stdout=subprocess.DEVNULL, cwd=tmp)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"atlaxis demo failed for {patients} patients")
    verify = subprocess.run(
        _cli("audit", "verify", "--database", url), capture_output=True, cwd=tmp
    )
    size = Path(tmp, "demo.db").stat().st_size if not pg else 0
    return {
        "patients": patients,
        "backend": "postgresql" if pg else "sqlite",
        "workers": workers,
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "rows": _counts(url),
        "db_mb": size / 1e6,
        "audit_ok": verify.returncode == 0,
    }


def table(results: list[dict[str, Any]]) -> str:
    head = (
        "| backend | patients | wall (s) | CPU (s) | ms / patient (wall) | peak RSS (MB) | "
        "diary entries | assessments | visits | alerts | rows / s | audit verify |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    lines = []
    for r in results:
        rows = sum(r["rows"].values())
        lines.append(
            f"| {r['backend']} | {r['patients']:,} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} "
            f"| {1000 * r['seconds'] / r['patients']:.2f} | {r['peak_rss_mb']:.0f} "
            f"| {r['rows']['diary_entries']:,} | {r['rows']['assessments']:,} "
            f"| {r['rows']['visits']:,} | {r['rows']['alerts']:,} "
            f"| {rows / r['seconds']:,.0f} | {'passes' if r['audit_ok'] else 'FAILS'} |"
        )
    return head + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="60,2000,10000")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--postgres", default=None, help="admin URL for a fresh database")
    args = parser.parse_args()
    results = []
    for n in (int(x) for x in args.sizes.split(",")):
        results.append(run(n, args.workers, args.postgres))
        print(json.dumps(results[-1]), flush=True)
    text = table(results)
    print(text)
    print(
        f"Machine: {platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
