"""Browser tests: a real server on a free local port, driven by Debian's Chromium via Playwright.

The server runs in a background thread on its own SQLite file (migrated to head), not on the
rolled-back test connection: the browser's requests come from another thread, one at a time,
and must see each other's commits. Test modules here set `pytestmark = pytest.mark.browser`.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from jobtracker.config import Settings
from jobtracker.db import create_db_engine, create_session_factory
from jobtracker.main import create_app
from jobtracker.migrations import upgrade_to_head
from jobtracker.notifications.schemas import NotificationKind
from jobtracker.notifications.service import notify
from jobtracker.tasks.engine import migrate_task_tables
from jobtracker.users.service import get_user_by_email
from tests.helpers import PASSWORD

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
HTMX_FILE = ROOT / "src/jobtracker/static/vendor/htmx.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _skip_reason() -> str | None:
    if os.environ.get("JOBTRACKER_TEST_DATABASE", "sqlite") == "postgres":
        return (
            "browser tests run on SQLite only: the pages' behaviour does not depend on the database"
        )
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip this whole folder, with the reason, where a browser run is impossible or redundant."""
    reason = _skip_reason()
    for item in items:
        if reason and item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass(frozen=True)
class LiveServer:
    url: str
    settings: Settings

    def notify(self, email: str, title: str) -> None:
        """A notification for the user, committed as a task or a service would commit it."""
        engine = create_db_engine(self.settings)
        try:
            with create_session_factory(engine).begin() as session:
                user = get_user_by_email(session, email=email)
                assert user is not None
                notify(session, user_id=user.id, kind=NotificationKind.SYSTEM, title=title, body="")
        finally:
            engine.dispose()

    def add_listings(self, *listings: tuple[str, str, str]) -> list[str]:
        """(title, company, description) listings in the catalogue, as an import would leave
        them; returns their ids."""
        from tests.listings.catalogue import Catalogue

        engine = create_db_engine(self.settings)
        try:
            with create_session_factory(engine).begin() as session:
                catalogue = Catalogue(session)
                added = [catalogue.add(t, c, description=d) for t, c, d in listings]
                return [str(listing.id) for listing in added]
        finally:
            engine.dispose()

    def create_person(self, full_name: str, **profile: object) -> str:
        """A user made through the API, with an optional profile; returns their email."""
        email = f"{uuid.uuid4().hex[:12]}@example.com"
        with httpx.Client(base_url=self.url) as api:
            body = {"email": email, "password": PASSWORD, "full_name": full_name}
            api.post("/api/auth/register", json=body).raise_for_status()
            tokens = api.post("/api/auth/login", json={"email": email, "password": PASSWORD})
            headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
            if profile:
                api.patch("/api/user/profile", json=profile, headers=headers).raise_for_status()
        return email


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not HTMX_FILE.exists():
        pytest.fail(
            f"{HTMX_FILE.relative_to(ROOT)} is missing: run scripts/vendor-assets first", False
        )
    data_dir = tmp_path_factory.mktemp("browser-data")
    settings = Settings(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'browser.db'}",
        secret_key="browser-test-secret-key-long-enough-for-hs256",
        log_level="WARNING",
    )
    engine = create_db_engine(settings)
    upgrade_to_head(engine)
    migrate_task_tables(settings)  # emails are enqueued (no worker sends them here)
    engine.dispose()
    with _serving(create_app(settings)) as url:
        yield LiveServer(url, settings)


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the main thread belongs to pytest
        pass


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, device_scale_factor=2, is_mobile=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Keep a picture of the page for people to look at (test-artifacts/ is not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    try:
        page.screenshot(path=path, full_page=True)
    except PlaywrightError:  # Chromium sometimes fails a capture on a busy machine: once more
        page.wait_for_timeout(500)
        page.screenshot(path=path, full_page=True)
    return path


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def _serving(app: FastAPI) -> Iterator[str]:
    """Run the app with uvicorn in a daemon thread on an already bound socket (no port race)."""
    sock = _free_socket()
    server = _Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the browser tests' server did not start")
            time.sleep(0.05)
        host, port = sock.getsockname()
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
