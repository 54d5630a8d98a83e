"""Fixtures shared by every app's tests.

Static files: the test settings use the plain static storage (no ``collectstatic`` needed) and
the live server serves the files from the apps' ``static/`` folders.

Browser tests (``@pytest.mark.browser``) run in Debian's Chromium through Playwright against
pytest-django's ``live_server``: use the ``page`` fixture, and ``axe_violations(page)`` to check a
page with axe-core.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings as hypothesis_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Property tests assert behaviour, never speed: no per-example deadline, which only measures how
# busy the machine is (the suite runs on two shared cores).
hypothesis_settings.register_profile("opendvc", deadline=None)
hypothesis_settings.load_profile("opendvc")

CHROMIUM = os.environ.get("OPENDVC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPOSITORY = Path(__file__).resolve().parents[2]
AXE_SCRIPTS = [
    REPOSITORY / "src" / "opendvc" / "web" / "static" / "vendor" / "axe-core" / "axe.min.js",
    REPOSITORY / "node_modules" / "axe-core" / "axe.min.js",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def _catalog_memo_forgotten() -> None:
    """Each test starts with nothing remembered of another test's catalogue or pages."""
    from opendvc.agencies.selectors import place_names_forget
    from opendvc.catalog.memo import catalog_memo_clear
    from opendvc.core.calendar import display_calendar_forget
    from opendvc.web.pages import page_memory

    catalog_memo_clear()
    display_calendar_forget()
    place_names_forget()
    page_memory.clear()


@pytest.fixture(autouse=True)
def _portal_language() -> Iterator[None]:
    """Every test starts in the portal's language: a request in English must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Client.force_login`` skips the password; for officers it also skips the TOTP step, by storing
    a verified device in the session exactly as django-otp does after a right code. Journeys that
    test logging in go through the real pages (``accounts/tests/mfa.py`` has the helpers)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        from opendvc.accounts.selectors import mfa_required

        if mfa_required(user=user):
            from django_otp import DEVICE_ID_SESSION_KEY

            from opendvc.accounts.tests.mfa import totp_device_for_tests

            session = self.session
            session[DEVICE_ID_SESSION_KEY] = totp_device_for_tests(user).persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh (browser tests need Debian's Chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
    # synchronous, so Django's async-safety check would refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context_options() -> dict[str, Any]:
    """Override in a test module to change the viewport, locale or other context options."""
    return {"locale": "vi-VN", "viewport": DESKTOP}


@pytest.fixture
def page(browser: Browser, browser_context_options: dict[str, Any], live_server: Any) -> Iterator[Page]:
    """A fresh browser tab in Vietnamese; relative ``page.goto("/…")`` addresses go to the live server."""
    context = browser.new_context(base_url=live_server.url, **browser_context_options)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def _axe_source() -> str:
    for path in AXE_SCRIPTS:
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError("axe-core is missing: run `make assets`")


@pytest.fixture(scope="session")
def axe_violations() -> Callable[..., list[dict[str, Any]]]:
    """Run axe-core (WCAG 2.x A/AA rules) on a page; returns violations at or above ``impact``."""
    source = _axe_source()
    ranks = {"minor": 0, "moderate": 1, "serious": 2, "critical": 3}

    def run(page: Page, *, impact: str = "serious") -> list[dict[str, Any]]:
        # The portal's Content-Security-Policy refuses inline scripts, so axe comes from the site itself;
        # another local site (a reference peer's page, which serves no such file) gets it inline.
        from playwright.sync_api import Error as PlaywrightError

        served = False
        if AXE_SCRIPTS[0].exists() and page.url.startswith(("http://localhost", "http://127.0.0.1")):
            try:
                page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
                served = True
            except PlaywrightError:
                served = False
        if not served:
            page.add_script_tag(content=source)
        result = page.evaluate(
            """async (WCAG_TAGS) => await axe.run(document, {
                runOnly: {type: "tag", values: WCAG_TAGS},
                resultTypes: ["violations"],
            })""",
            AXE_TAGS,
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]][:5],
            }
            for violation in result["violations"]
            if ranks.get(violation["impact"] or "minor", 0) >= ranks[impact]
        ]

    return run


@pytest.fixture(scope="session")
def reference_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Start a reference external system of ``reference/registry.py`` over real HTTP; returns its base URL.

    ``reference_service("eid", SOME_SETTING="x")`` starts the service (once per test session and set
    of settings) with gunicorn on a spare port, its data in a temporary folder, and waits for
    ``/healthz``. Tests talk to it exactly as the portal does in production.
    """
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from reference.registry import service as find_service

    started: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, **settings: str) -> str:
        key = (name, tuple(sorted(settings.items())))
        if key in started:
            return started[key]
        spec = find_service(name)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {
            **os.environ,
            "OPENDVC_VAR_DIR": str(tmp_path_factory.mktemp(f"reference-{name}")),
            **settings,
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), spec.wsgi, "--chdir", str(REPOSITORY), "--bind", f"127.0.0.1:{port}"]
        process = subprocess.Popen(
            [*command, "--workers", "1", "--threads", "8", "--log-level", "warning", "--no-control-socket"], env=env
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"reference service {name} did not start (exit {process.poll()})")
            time.sleep(0.1)
        started[key] = base
        return base

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
