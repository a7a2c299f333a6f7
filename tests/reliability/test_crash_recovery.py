"""Kill the server with SIGKILL in the middle of a diary write load, restart it, and prove
that every acknowledged (2xx) write is in the database, that SQLite's integrity check
passes, that the audit chain is intact and that phones retrying with their Idempotency-Keys
create no duplicates. Runs ``atlaxis serve`` for real (uvicorn, a subprocess)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from atlaxis.domain import Actor, Patient, Role
from atlaxis.services.audit import verify
from atlaxis.services.auth import create_api_token
from atlaxis.storage import Database, upgrade

pytestmark = pytest.mark.slow
CLIENTS = 16
SECRET_NOTE = "crash-test private note"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"ATLAXIS_ENVIRONMENT": "test", "ATLAXIS_DATABASE_URL": url}
    command = [sys.executable, "-m", "atlaxis.cli.main", "serve", "--host", "127.0.0.1"]
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=sink,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("server did not start: " + log.read_text())


def _seed(url: str) -> tuple[int, str]:
    database = Database(url)
    try:
        with database.uow() as uow:
            clinic = uow.clinics.add("Crash clinic", "crash")
            patient = uow.patients.add(Patient(None, clinic.id, "C-1", "Crash", "Test"))
            user = uow.users.add(
                "p@example.org", "x", Role.PATIENT, clinic.id, patient_id=patient.id
            )
            token = create_api_token(uow, Actor.system(), user.id, "phone", ["read", "write"])
            uow.commit()
    finally:
        database.dispose()
    assert patient.id is not None
    return patient.id, token.secret


async def _load(
    port: int, patient_id: int, token: str, acked: dict[str, int], sent: list[str]
) -> None:
    url = f"http://127.0.0.1:{port}/api/v1/patients/{patient_id}/diary"
    today = datetime.now(UTC).date().isoformat()

    async def client(n: int) -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            for i in range(10_000):
                key = f"phone-{n}-{i}"
                sent.append(key)
                body = {"date": today, "items": {"pain": i % 11}, "note": f"{SECRET_NOTE} {key}"}
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
                try:
                    response = await http.post(url, json=body, headers=headers)
                except httpx.HTTPError:
                    return  # the server died under us
                if response.status_code == 201:
                    acked[key] = response.json()["id"]

    await asyncio.gather(*(client(n) for n in range(CLIENTS)))


def _killed_under_load(
    url: str, port: int, log: Path, patient_id: int, token: str
) -> tuple[dict[str, int], list[str]]:
    """Serve ``url``, load it with check-ins, SIGKILL it after 200 acknowledged writes; the
    acknowledged keys (with their ids) and every key sent."""
    server = _start(url, port, log)
    acked: dict[str, int] = {}
    sent: list[str] = []

    async def load_then_kill() -> None:
        task = asyncio.create_task(_load(port, patient_id, token, acked, sent))
        while len(acked) < 200:
            await asyncio.sleep(0.02)
        os.killpg(server.pid, signal.SIGKILL)  # no shutdown, no flush: as a power cut
        await task

    try:
        asyncio.run(asyncio.wait_for(load_then_kill(), timeout=60))
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    assert len(acked) >= 200
    return acked, sent


def test_sigkill_during_diary_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    db_file = tmp_path / "crash.db"
    url = f"sqlite:///{db_file}"
    upgrade(url)
    patient_id, token = _seed(url)
    port, log = _free_port(), tmp_path / "server.log"
    acked, sent = _killed_under_load(url, port, log, patient_id, token)

    with sqlite3.connect(db_file) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in raw.execute("SELECT id FROM diary_entries")}
    missing = sorted(set(acked.values()) - stored)
    assert missing == [], f"acknowledged writes lost after SIGKILL: {missing[:10]}"

    server = _start(url, port, log)  # it comes back on the same file
    try:
        _retry_everything(port, patient_id, token, sent, acked)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    with sqlite3.connect(db_file) as raw:
        count = raw.execute("SELECT count(*) FROM diary_entries").fetchone()[0]
    assert count == len(set(sent)), "a retried key made a second entry"
    database = Database(url)
    try:
        with database.uow(read_only=True) as uow:
            assert verify(uow).ok
    finally:
        database.dispose()
    assert SECRET_NOTE not in log.read_text(errors="replace")


def test_sigkill_on_postgresql_loses_no_acknowledged_write(tmp_path: Path, db_url: str) -> None:
    """The same on PostgreSQL, where the group committer's batches run on the event loop
    (``storage.event_loop_batch``): every acknowledged write was committed before its
    answer, and retried keys replay."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite is the test above")
    from sqlalchemy import text

    patient_id, token = _seed(db_url)
    port, log = _free_port(), tmp_path / "server.log"
    acked, sent = _killed_under_load(db_url, port, log, patient_id, token)
    database = Database(db_url)
    try:
        with database.uow(read_only=True) as uow:
            stored = set(uow.session.execute(text("SELECT id FROM diary_entries")).scalars())
        missing = sorted(set(acked.values()) - stored)
        assert missing == [], f"acknowledged writes lost after SIGKILL: {missing[:10]}"
        server = _start(db_url, port, log)
        try:
            _retry_everything(port, patient_id, token, sent, acked)
        finally:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        with database.uow(read_only=True) as uow:
            count = uow.session.execute(text("SELECT count(*) FROM diary_entries")).scalar_one()
            assert count == len(set(sent)), "a retried key made a second entry"
            assert verify(uow).ok
    finally:
        database.dispose()
    assert SECRET_NOTE not in log.read_text(errors="replace")


def _retry_everything(
    port: int, patient_id: int, token: str, sent: list[str], acked: dict[str, Any]
) -> None:
    """Phones resend whatever they are unsure about; acknowledged keys replay the same id."""
    url = f"http://127.0.0.1:{port}/api/v1/patients/{patient_id}/diary"
    today = datetime.now(UTC).date().isoformat()
    with httpx.Client(timeout=10) as http:
        for key in sent:
            i = int(key.rsplit("-", 1)[1])
            body = {"date": today, "items": {"pain": i % 11}, "note": f"{SECRET_NOTE} {key}"}
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
            response = http.post(url, json=body, headers=headers)
            assert response.status_code == 201, response.text
            if key in acked:
                assert response.json()["id"] == acked[key]


def test_mixed_load_at_64_clients_stays_live(tmp_path: Path) -> None:
    """64 phones writing and 64 clinicians reading at once: every request is answered (2xx)
    in bounded time. Guards against the pool/thread-pool deadlock (requests that hold
    connections while waiting for the write gate, and threads waiting for connections)."""
    url = f"sqlite:///{tmp_path / 'load.db'}"
    upgrade(url)
    patient_id, token = _seed(url)
    port, log = _free_port(), tmp_path / "server.log"
    server = _start(url, port, log)
    statuses: list[int | str] = []

    async def hammer(n: int, http: httpx.AsyncClient) -> None:
        base = f"http://127.0.0.1:{port}/api/v1/patients/{patient_id}"
        headers = {"Authorization": f"Bearer {token}"}
        today = datetime.now(UTC).date().isoformat()
        stop = time.monotonic() + 3
        while time.monotonic() < stop:
            try:
                if n % 2:
                    body = {"date": today, "items": {"pain": n % 11}}
                    response = await http.post(f"{base}/diary", json=body, headers=headers)
                else:
                    response = await http.get(f"{base}/timeline", headers=headers)
            except httpx.HTTPError as exc:
                statuses.append(type(exc).__name__)
                return
            statuses.append(response.status_code)

    async def run() -> None:
        limits = httpx.Limits(max_connections=128)
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            await asyncio.gather(*(hammer(n, http) for n in range(128)))

    try:
        asyncio.run(run())
        live = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    assert live.status_code == 200
    assert statuses and set(statuses) <= {200, 201}, sorted(map(str, set(statuses)))
