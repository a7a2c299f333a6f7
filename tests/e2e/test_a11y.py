"""Accessibility scan of every page with axe-core (from the npm registry, pinned in
tests/e2e/package.json): no serious or critical WCAG 2.1 A/AA violations, for each role.

axe is injected as a script tag; the pages' Content-Security-Policy forbids inline script, so the
scanning browser context alone bypasses CSP (``bypass_csp=True``). Every ``<details>`` is opened
before the scan so that method/caveat texts, data tables and the landmark form are checked too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import PHONE, Server

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")

RUN_AXE = """async (tags) => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  const found = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return found.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}"""


def _install_axe() -> Path:
    if AXE.is_file():
        return AXE
    npm = shutil.which("npm")
    if npm is None:
        message = "npm not found: cannot install axe-core (apt-get install -y npm)"
        if os.environ.get("ATLAXIS_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run([npm, "install", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300)
    assert AXE.is_file(), "npm install did not provide axe-core"
    return AXE


@pytest.fixture(scope="session")
def axe() -> Path:
    return _install_axe()


@pytest.fixture
def scanner(browser: Any, axe: Path) -> Iterator[Callable[..., Any]]:
    """``scanner(phone=False)`` → a page in a CSP-bypassing context (closed after the test)."""
    contexts: list[Any] = []

    def new_page(phone: bool = False) -> Any:
        options: dict[str, Any] = {"bypass_csp": True}
        if phone:
            options.update(viewport=PHONE, is_mobile=True, has_touch=True)
        else:
            options.update(viewport={"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


DUPLICATE_IDS = """() => {
  const seen = {};
  document.querySelectorAll('[id]').forEach((e) => { seen[e.id] = (seen[e.id] || 0) + 1; });
  return Object.keys(seen).filter((k) => seen[k] > 1);
}"""


def scan(page: Any, axe: Path, where: str) -> list[str]:
    """axe on the current page; the serious/critical violations as readable lines (plus any
    duplicate id, which breaks labels and aria references and which axe 4 no longer reports)."""
    page.wait_for_load_state("load")
    duplicates = page.evaluate(DUPLICATE_IDS)
    page.add_script_tag(path=str(axe))
    found = page.evaluate(RUN_AXE, TAGS)
    for v in found:
        if v["impact"] not in BLOCKING:
            print(f"{where}: {v['impact']} {v['id']}: {v['help']}: {v['nodes'][:2]}")
    return [f"{where}: duplicate id {d!r}" for d in duplicates] + [
        f"{where}: {v['impact']} {v['id']} ({v['help']}): " + " | ".join(v["nodes"])
        for v in found
        if v["impact"] in BLOCKING
    ]


def test_anonymous_pages(server: Server, scanner: Callable[..., Any], axe: Path) -> None:
    page = scanner(phone=True)
    page.goto(f"{server.base_url}/login")
    problems = scan(page, axe, "/login")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    problems += scan(page, axe, "/login (refused)")
    assert not problems, "\n".join(problems)


def _assign(server: Server, patient_id: int, instruments: list[str]) -> list[int]:
    """Assign questionnaires as the clinic would (set-up only, straight through the service)."""
    from atlaxis.domain import Actor
    from atlaxis.services import questionnaires
    from atlaxis.storage import Database

    database = Database(server.database_url)
    try:
        with database.uow() as u:
            actor = Actor.system(u.patients.clinic_of(patient_id))
            made = questionnaires.assign_instruments(u, actor, patient_id, instruments)
            u.commit()
    finally:
        database.dispose()
    return [int(a.id) for a in made]


def test_patient_pages(
    server: Server, scanner: Callable[..., Any], axe: Path, sign_in: Callable[..., None]
) -> None:
    login = server.login_for("patient", 6)
    phq9, fiqr = _assign(server, login.patient_id, ["phq9", "fiqr"])
    page = scanner(phone=True)
    sign_in(page, login)
    problems: list[str] = []
    for path in ("/checkin", "/me", "/questionnaires", f"/questionnaires/{fiqr}", "/patients"):
        page.goto(f"{server.base_url}{path}")  # /patients: the error page for a patient
        problems += scan(page, axe, path)
    page.goto(f"{server.base_url}/questionnaires/{phq9}?page=2")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state("load")
    assert page.locator(".error-text").count() >= 1
    problems += scan(page, axe, "questionnaire with problems")
    page.goto(f"{server.base_url}/checkin")
    page.get_by_role("button", name="Low-energy mode").tap()
    problems += scan(page, axe, "/checkin (low-energy)")
    page.get_by_role("button", name="Low-energy mode").tap()
    assert not problems, "\n".join(problems)


def _patient_with_open_alert(server: Server, uow: Callable[[], Any]) -> int:
    any_patient = server.login_for("patient", 0).patient_id
    with uow() as u:
        clinic_id = u.patients.clinic_of(any_patient)
        found = u.alerts.page(clinic_id=clinic_id, open_only=True, limit=1)
    return int(found[0].patient_id) if found else int(any_patient)


def test_clinician_pages(
    server: Server,
    scanner: Callable[..., Any],
    axe: Path,
    sign_in: Callable[..., None],
    uow: Callable[[], Any],
) -> None:
    page = scanner()
    sign_in(page, server.login_for("clinician", 0))
    pid = _patient_with_open_alert(server, uow)
    problems: list[str] = []
    for path in (
        "/patients",
        f"/patients/{pid}",
        f"/patients/{pid}?days=all",
        f"/patients/{pid}/outcomes",
        "/cohort",
        "/cohort?instrument=ndi",
        "/patients/999999",  # the friendly error page
    ):
        page.goto(f"{server.base_url}{path}")
        problems += scan(page, axe, path)
    # the visit form and the alert form showing their problems next to the fields
    page.goto(f"{server.base_url}/patients/{pid}")
    page.locator("#f-pre_leg").fill("a lot")
    page.locator("#f-technique").fill("")
    page.get_by_role("button", name="Save visit").click()
    page.wait_for_load_state("load")
    assert page.locator("#visit-problems").count() == 1
    problems += scan(page, axe, "visit form with problems")
    ack = page.get_by_role("button", name="Acknowledge with this reason")
    if ack.count():
        ack.first.click()
        page.wait_for_load_state("load")
        problems += scan(page, axe, "alert acknowledgement refused")
    assert not problems, "\n".join(problems)


def test_researcher_pages(
    server: Server, scanner: Callable[..., Any], axe: Path, sign_in: Callable[..., None]
) -> None:
    page = scanner()
    sign_in(page, server.login_for("researcher", 0))
    problems: list[str] = []
    for path in ("/cohort", "/patients"):  # a researcher gets the error page for /patients
        page.goto(f"{server.base_url}{path}")
        problems += scan(page, axe, path)
    assert not problems, "\n".join(problems)


FOCUS_STEP = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const box = el.getBoundingClientRect(), style = getComputedStyle(el);
  const shown = el.matches(':focus-visible') && (
    (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
    style.boxShadow !== 'none' || el.closest('svg') !== null);
  return {
    tag: el.tagName.toLowerCase(), id: el.id,
    name: el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40),
    visible: box.width > 0 && box.height > 0, ring: shown,
    tabindex: el.tabIndex,
  };
}"""
FOLLOWS = """([a, b]) => {
  const all = Array.from(document.querySelectorAll('*'));
  return all.indexOf(b) > all.indexOf(a);
}"""


def _tab_through(page: Any, stops: int) -> list[dict[str, Any]]:
    """Press Tab ``stops`` times; each stop: what has focus, whether it shows it, and
    whether it comes after the previous stop in document order."""
    seen: list[dict[str, Any]] = []
    previous = None
    for _ in range(stops):
        page.keyboard.press("Tab")
        step = page.evaluate(FOCUS_STEP)
        if step is None:
            break
        handle = page.evaluate_handle("document.activeElement")
        if previous is not None and page.evaluate("([a, b]) => a === b", [previous, handle]):
            continue  # Tab between the parts of one control (a date's day, month, year)
        step["after"] = previous is None or page.evaluate(FOLLOWS, [previous, handle])
        previous = handle
        seen.append(step)
    return seen


def _focus_problems(page: Any, path: str, stops: int) -> list[str]:
    page.goto(path)
    page.wait_for_load_state("load")
    steps = _tab_through(page, stops)
    assert steps and steps[0]["name"] == "Skip to main content", steps[:1]
    problems = []
    for n, s in enumerate(steps):
        where = f"{path} stop {n} <{s['tag']} id={s['id']!r}> {s['name']!r}"
        if not s["after"]:
            problems.append(f"{where}: comes before the previous stop in the page")
        if not s["ring"]:
            problems.append(f"{where}: no visible focus indicator")
        if not s["visible"]:
            problems.append(f"{where}: focused but not visible")
        if s["tabindex"] > 0:
            problems.append(f"{where}: positive tabindex")
    return problems


def test_focus_order_follows_the_page_and_is_always_visible(
    server: Server,
    scanner: Callable[..., Any],
    sign_in: Callable[..., None],
    uow: Callable[[], Any],
) -> None:
    phone = scanner(phone=True)
    sign_in(phone, server.login_for("patient", 6))
    problems = _focus_problems(phone, f"{server.base_url}/checkin", 45)
    problems += _focus_problems(phone, f"{server.base_url}/me", 25)
    desk = scanner()
    sign_in(desk, server.login_for("clinician", 0))
    pid = _patient_with_open_alert(server, uow)
    problems += _focus_problems(desk, f"{server.base_url}/patients", 20)
    problems += _focus_problems(desk, f"{server.base_url}/patients/{pid}", 60)
    assert not problems, "\n".join(problems)
