"""GET /api/v1/patients/{id}/timeline from the whole-response cache: every write to a
timeline table (through the API, in this app or another one on the same database) changes
``patients.timeline_version`` and the ETag, and the next read shows it; a cached body is
byte-identical to a fresh read; If-None-Match gives 304; every read is audited; staff and
patient views, and date ranges, are cached apart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from atlaxis.domain import Actor, Role
from atlaxis.services.timeline import patient_timeline
from atlaxis.web.api.render import dumps

Headers = dict[str, str]
DAY = (date.today() - timedelta(days=10)).isoformat()
PHQ9_ITEM9 = {str(i): 1 for i in range(1, 9)} | {"9": 2}  # raises a safety alert


@dataclass
class World:
    patient_id: int
    doc: Headers
    me: Headers
    away: Headers
    doc_actor: Actor

    @property
    def url(self) -> str:
        return f"/api/v1/patients/{self.patient_id}/timeline"


@pytest.fixture
def world(client: TestClient, factory: Any, sign_in: Callable[..., Headers]) -> World:
    home, away = factory.clinic(), factory.clinic()
    patient = factory.patient(home)
    doc = factory.user(Role.CLINICIAN, home, email="doc@home.org")
    factory.user(Role.CLINICIAN, away, email="doc@away.org")
    factory.user(Role.PATIENT, home, patient=patient, email="me@home.org")
    return World(
        patient.id,
        sign_in("doc@home.org"),
        sign_in("me@home.org"),
        sign_in("doc@away.org"),
        factory.actor(doc),
    )


def version(database: Any, patient_id: int) -> int:
    with database.engine.connect() as conn:
        sql = text("SELECT timeline_version FROM patients WHERE id = :id")
        return int(conn.execute(sql, {"id": patient_id}).scalar_one())


def audit_reads(database: Any, patient_id: int) -> int:
    with database.engine.connect() as conn:
        sql = text(
            "SELECT count(*) FROM audit_events WHERE action = 'read' AND entity = 'timeline' "
            "AND patient_id = :id"
        )
        return int(conn.execute(sql, {"id": patient_id}).scalar_one())


def ok(response: Any) -> Any:
    assert response.is_success, response.text
    return response.json()


class Reader:
    """Reads the timeline twice (the second from the cache) and checks they agree."""

    def __init__(self, client: TestClient, world: World) -> None:
        self.client, self.world = client, world

    def __call__(self, headers: Headers | None = None) -> dict[str, Any]:
        first = self.client.get(self.world.url, headers=headers or self.world.doc)
        again = self.client.get(self.world.url, headers=headers or self.world.doc)
        assert first.status_code == again.status_code == 200, first.text
        assert first.content == again.content and first.headers["etag"] == again.headers["etag"]
        body: dict[str, Any] = first.json()
        body["_etag"] = first.headers["etag"]
        return body


@pytest.fixture
def read(client: TestClient, world: World) -> Reader:
    return Reader(client, world)


def test_every_api_write_changes_version_and_the_next_read(
    client: TestClient, world: World, read: Reader, database: Any
) -> None:
    pid, doc, me = world.patient_id, world.doc, world.me
    base = f"/api/v1/patients/{pid}"
    seen: list[tuple[int, str]] = []

    def step(check: Callable[[dict[str, Any]], bool]) -> None:
        body = read()
        assert check(body), body
        seen.append((version(database, pid), body["_etag"]))
        assert len(set(seen)) == len(seen), "a write left the version or the ETag unchanged"

    step(lambda b: b["diary"] == [] and b["alerts"] == [])
    diary = ok(client.post(f"{base}/diary", json={"date": DAY, "items": {"pain": 6}}, headers=me))
    step(lambda b: [d["items"]["pain"] for d in b["diary"]] == [6])
    ok(client.patch(f"/api/v1/diary/{diary['id']}", json={"items": {"pain": 2}}, headers=me))
    step(lambda b: [d["items"]["pain"] for d in b["diary"]] == [2])
    scored = ok(
        client.post(
            f"{base}/assessments", json={"instrument": "phq9", "answers": PHQ9_ITEM9}, headers=doc
        )
    )
    step(lambda b: len(b["assessments"]) == 1 and b["alerts"][0]["acknowledged_at"] is None)
    alert = scored["alerts"][0]["id"]
    ok(client.post(f"/api/v1/alerts/{alert}/acknowledge", json={"note": "phoned"}, headers=doc))
    step(lambda b: b["alerts"][0]["acknowledged_at"] is not None)
    episode = ok(client.post(f"{base}/episodes", json={"care_start": DAY}, headers=doc))
    step(lambda b: [e["goals"] for e in b["episodes"]] == [[]])
    ok(client.patch(f"/api/v1/episodes/{episode['id']}", json={"goals": ["walk"]}, headers=doc))
    step(lambda b: [e["goals"] for e in b["episodes"]] == [["walk"]])
    visit = {"occurred_at": f"{DAY}T09:00:00Z", "technique": "toggle", "decision": "adjusted"}
    made = ok(client.post(f"{base}/visits", json=visit, headers=doc))
    step(lambda b: [v["decision"] for v in b["visits"]] == ["adjusted"])
    ok(client.patch(f"/api/v1/visits/{made['id']}", json={"decision": "held"}, headers=doc))
    step(lambda b: [v["decision"] for v in b["visits"]] == ["held"])
    co = {"kind": "physiotherapy", "name": "graded exercise", "started_on": DAY}
    made = ok(client.post(f"{base}/cotherapies", json=co, headers=doc))
    step(lambda b: [c["dose"] for c in b["cotherapies"]] == [""])
    ok(client.patch(f"/api/v1/cotherapies/{made['id']}", json={"dose": "2/wk"}, headers=doc))
    step(lambda b: [c["dose"] for c in b["cotherapies"]] == ["2/wk"])


@pytest.fixture
def second_client(make_app: Callable[..., FastAPI]) -> Iterator[TestClient]:
    with TestClient(make_app()) as c:
        yield c


def test_a_write_through_another_app_is_never_served_stale(
    client: TestClient, second_client: TestClient, world: World, read: Reader
) -> None:
    """Two apps (two processes' caches) on one database."""
    base = f"/api/v1/patients/{world.patient_id}"
    for n, pain in enumerate((4, 7, 1)):
        entry = {"date": (date.fromisoformat(DAY) + timedelta(days=n)).isoformat()}
        ok(
            second_client.post(
                f"{base}/diary", json=entry | {"items": {"pain": pain}}, headers=world.me
            )
        )
        assert [d["items"]["pain"] for d in read()["diary"]] == [4, 7, 1][: n + 1]
        other = second_client.get(world.url, headers=world.doc)
        assert other.content == client.get(world.url, headers=world.doc).content


def test_cached_body_is_byte_identical_to_a_fresh_read(
    client: TestClient, world: World, read: Reader, database: Any
) -> None:
    base = f"/api/v1/patients/{world.patient_id}"
    ok(client.post(f"{base}/diary", json={"date": DAY, "items": {"pain": 5}}, headers=world.me))
    answers = {"instrument": "phq9", "answers": PHQ9_ITEM9}
    ok(client.post(f"{base}/assessments", json=answers, headers=world.doc))
    client.get(world.url, headers=world.doc)  # fills the cache
    cached = client.get(world.url, headers=world.doc).content
    with database.uow(read_only=True) as uow:
        fresh = dumps(patient_timeline(uow, world.doc_actor, world.patient_id))
    assert cached == fresh


def test_if_none_match_gives_304_and_every_read_is_audited(
    client: TestClient, world: World, database: Any
) -> None:
    first = client.get(world.url, headers=world.doc)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 20
    assert first.headers["cache-control"] == "no-store"  # the API's PHI policy, unchanged
    before = audit_reads(database, world.patient_id)
    for sent in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
        again = client.get(world.url, headers=world.doc | {"If-None-Match": sent})
        assert again.status_code == 304 and again.content == b"", sent
        assert again.headers["etag"] == etag and again.headers["cache-control"] == "no-store"
    hit = client.get(world.url, headers=world.doc)  # from the cache
    assert hit.content == first.content
    assert audit_reads(database, world.patient_id) == before + 5
    stale = client.get(world.url, headers=world.doc | {"If-None-Match": '"nope"'})
    assert stale.status_code == 200 and stale.content == first.content
    entry = {"date": DAY, "items": {"pain": 3}}
    ok(client.post(f"/api/v1/patients/{world.patient_id}/diary", json=entry, headers=world.me))
    changed = client.get(world.url, headers=world.doc | {"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert [d["items"]["pain"] for d in changed.json()["diary"]] == [3]


def test_out_of_scope_is_the_same_404_and_not_audited(
    client: TestClient, world: World, database: Any
) -> None:
    client.get(world.url, headers=world.doc)  # cached for the home clinic
    before = audit_reads(database, world.patient_id)
    other = client.get(world.url, headers=world.away)
    missing = client.get("/api/v1/patients/987654/timeline", headers=world.away)
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"].replace(str(world.patient_id), "N") == missing.json()[
        "detail"
    ].replace("987654", "N")
    assert "etag" not in other.headers
    assert audit_reads(database, world.patient_id) == before


def test_staff_and_patient_views_and_date_ranges_are_cached_apart(
    client: TestClient, world: World, read: Reader
) -> None:
    base = f"/api/v1/patients/{world.patient_id}"
    days = [(date.fromisoformat(DAY) + timedelta(days=n)).isoformat() for n in range(3)]
    for n, day in enumerate(days):
        ok(client.post(f"{base}/diary", json={"date": day, "items": {"pain": n}}, headers=world.me))
    answers = {"instrument": "phq9", "answers": PHQ9_ITEM9}
    ok(client.post(f"{base}/assessments", json=answers, headers=world.doc))
    staff, mine = read(world.doc), read(world.me)
    assert staff["alerts"] and "alerts" not in mine and staff["_etag"] != mine["_etag"]
    assert {k: v for k, v in staff.items() if k not in ("alerts", "_etag")} == {
        k: v for k, v in mine.items() if k != "_etag"
    }
    etags = {staff["_etag"]}
    for params in ({"start": days[1]}, {"end": days[1]}, {"start": days[1], "end": days[1]}):
        for _ in range(2):
            got = client.get(world.url, params=params, headers=world.doc)
            assert got.status_code == 200
        body = got.json()
        days_seen = [d["date"] for d in body["diary"]]
        assert days_seen == [d for d in days if params.get("start", d) <= d <= params.get("end", d)]
        assert (body["start"], body["end"]) == (params.get("start"), params.get("end"))
        etags.add(got.headers["etag"])
    assert len(etags) == 4


@pytest.mark.parametrize("fast_path", [True, False])
def test_a_cached_read_is_one_batch_of_the_committer(
    make_app: Callable[..., FastAPI],
    factory: Any,
    database: Any,
    fast_path: bool,
) -> None:
    """Only building a body takes the group reader (and then the committer, for the audit
    event): a cached body, or a 304, is read and audited in one committer batch."""
    app = make_app(fast_path=fast_path)
    clinic = factory.clinic()
    patient = factory.patient(clinic)
    factory.user(Role.CLINICIAN, clinic, email="batch@home.org")
    reads: list[int] = []
    commits: list[int] = []
    reader, committer = app.state.reader, app.state.committer
    read_batch, commit_batch = reader._read, committer._run_batch
    reader._read = lambda batch: reads.append(len(batch)) or read_batch(batch)

    async def counting(batch: list[Any]) -> Any:  # either path: event loop or thread
        commits.append(len(batch))
        return await commit_batch(batch)

    committer._run_batch = counting
    url = f"/api/v1/patients/{patient.id}/timeline"
    with TestClient(app) as client:
        body = {"email": "batch@home.org", "password": "correct horse battery staple"}
        token = client.post("/api/v1/auth/token", json=body).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        commits.clear()
        first = client.get(url, headers=headers)  # built: the reader, then the committer
        assert first.status_code == 200 and len(reads) == 1 and len(commits) == 2
        again = client.get(url, headers=headers)
        same = client.get(url, headers=headers | {"If-None-Match": first.headers["etag"]})
        assert again.content == first.content and same.status_code == 304
        assert len(reads) == 1 and len(commits) == 4  # one batch each, no reader
    assert audit_reads(database, patient.id) == 3
