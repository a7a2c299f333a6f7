"""Browser tests: a real server (``atlaxis serve`` in a subprocess) on a small demo clinic,
driven by Playwright with Debian's Chromium (``/usr/bin/chromium``).

Fixtures
* ``server`` (session): ``.base_url``, ``.database_url``, ``.logins`` (the demo generator's
  Login records: email, password, role, clinic, patient_id), ``.login_for(role, n=0)``;
* ``browser`` (session): Chromium; missing Chromium SKIPS the tests, or FAILS them when
  ``ATLAXIS_REQUIRE_BROWSER=1`` (CI);
* ``phone`` / ``desktop``: a fresh browser context (390×844 touch, or 1280×900);
* ``routed_phone``: the phone without service workers, for tests that use ``page.route``;
* ``sign_in(page, login)``: signs in through the /login form;
* ``uow()``: a read-only unit of work on the server's database (to check what was stored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = os.environ.get("ATLAXIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PATIENTS = 8
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@dataclass
class Server:
    base_url: str
    database_url: str
    logins: list[Any]
    log: Path

    def login_for(self, role: str, n: int = 0) -> Any:
        """The ``n``-th demo login of ``role`` in the first clinic."""
        first = self.logins[0].clinic
        found = [x for x in self.logins if x.role == role and x.clinic == first]
        return found[n]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(url: str) -> list[Any]:
    from atlaxis.demo import build_demo
    from atlaxis.storage import upgrade

    upgrade(url)
    return list(build_demo(url, patients=DEMO_PATIENTS).logins)


def _wait_until_up(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"atlaxis serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"atlaxis serve did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{root / 'demo.db'}"
    logins = _seed(url)
    port = _free_port()
    env = {
        **os.environ,
        "ATLAXIS_DATABASE_URL": url,
        "ATLAXIS_ENVIRONMENT": "test",
        "ATLAXIS_SECRET_KEY": "e2e-secret-key-e2e-secret-key-e2e-secret",
    }
    exe = shutil.which("atlaxis", path=str(Path(sys.executable).parent)) or "atlaxis"
    log = root / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [exe, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, proc, log)
        yield Server(base_url, url, logins, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("ATLAXIS_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def routed_phone(browser: Any) -> Iterator[Any]:
    """A phone context whose pages' requests ``page.route`` can intercept: the check-in's
    service worker is blocked (requests of a page it controls bypass Playwright's routing)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        service_workers="block",
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def sign_in(server: Server) -> Callable[[Any, Any], None]:
    def sign(page: Any, login: Any) -> None:
        page.goto(f"{server.base_url}/login")
        page.get_by_label("Email").fill(login.email)
        page.get_by_label("Password").fill(login.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)

    return sign


@pytest.fixture
def uow(server: Server) -> Iterator[Callable[[], Any]]:
    from atlaxis.storage import Database

    database = Database(server.database_url)
    yield lambda: database.uow(read_only=True)
    database.dispose()


def wait_until(page: Any, expression: str, timeout_s: float = 15.0) -> None:
    """Poll a JavaScript expression until it is true.

    ``page.wait_for_function`` evaluates its predicate with ``eval`` inside the page, which our
    Content-Security-Policy (no 'unsafe-eval') refuses; ``page.evaluate`` goes through the
    DevTools protocol and is not subject to the page's CSP.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if page.evaluate(expression):
                return
        except Exception:  # the page may be navigating; try again
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        time.sleep(0.05)
