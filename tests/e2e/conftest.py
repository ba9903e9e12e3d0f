"""Browser tests: the real app behind a real WSGI server, driven by Debian's Chromium.

Each test gets a fresh migrated SQLite database (the `app` fixture of tests/conftest.py, with CSRF
on as in production) served on 127.0.0.1 at a port the OS picks, and a fresh browser context; one
Chromium runs for the whole session. When a test fails, a screenshot and the page's HTML are saved
to tests/e2e/artifacts/.

Nothing is skipped: a missing Chromium or axe-core fails the tests with the command that installs it.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from e2e.ui import AXE_SCRIPT, CHROMIUM, OUTBOXES, Person, signed_up_person

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
# Loopback pages load in well under a second; the margin is for a busy CI machine.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)
# What the tests report per phase (setup/call/teardown), so fixtures can tell a failure happened.
REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@dataclass
class LiveServer:
    url: str
    app: object
    outbox: Path


class _QuietHandler(WSGIRequestHandler):
    # One line per request would drown a failing test's output; errors still reach stderr.
    def log_request(self, *args, **kwargs) -> None:
        return None

    def connection_dropped(self, error, environ=None) -> None:
        # When the browser drops a connection in the middle of a file (a page left while its
        # favicon was still being sent), werkzeug's development server stops before closing the
        # response, leaving the static file open. Close it, as a WSGI server must.
        response = (environ or {}).get(_RESPONSE)
        if response is not None and hasattr(response, "close"):
            response.close()


_RESPONSE = "rungs.live_server.response"


def _keeping_the_response(app):
    """The app, with each response kept in its environ for :meth:`_QuietHandler.connection_dropped`."""
    def serve(environ, start_response):
        environ[_RESPONSE] = response = app(environ, start_response)
        return response
    return serve


@pytest.fixture
def live_server(app):
    """The app served over HTTP by werkzeug in a background thread, on a free loopback port."""
    app.config["WTF_CSRF_ENABLED"] = True  # real CSRF tokens, as a person's browser sends them
    server = make_server("127.0.0.1", 0, _keeping_the_response(app), threaded=True, request_handler=_QuietHandler)
    # A short poll interval: shutdown() waits for the loop to look (0.5 s by default, per test).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="rungs-live-server", daemon=True
    )
    thread.start()
    served = LiveServer(f"http://127.0.0.1:{server.server_port}", app, Path(app.config["MAIL_OUTBOX_DIR"]))
    app.config["RUNGS_BASE_URL"] = served.url  # emailed links point at this server, as in production
    OUTBOXES[served.url] = served.outbox
    try:
        yield served
    finally:
        OUTBOXES.pop(served.url, None)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser_test_requirements() -> None:
    """Fail (never skip) when Chromium or axe-core is missing, saying how to install each."""
    missing = []
    if not Path(CHROMIUM).is_file():
        missing.append(
            f"Debian's Chromium is missing ({CHROMIUM}). Install it (as root; .ci/run does this):\n"
            "    apt-get update && apt-get install -y chromium"
        )
    if not AXE_SCRIPT.is_file():
        missing.append(
            f"axe-core is not installed ({AXE_SCRIPT} is missing). Install it with:\n"
            "    npm ci --prefix tests/e2e\n"
            "(bash scripts/test does this when npm is there; Debian: apt-get install -y npm)"
        )
    if missing:
        pytest.fail("The browser tests cannot run.\n" + "\n".join(missing), pytrace=False)


@pytest.fixture(scope="session")
def chromium(browser_test_requirements):
    """One headless Debian Chromium for the whole session (never a downloaded browser)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    """A fresh tab; script errors and broken assets fail the test, and a failure leaves a screenshot.

    A page the test opens on purpose may answer 4xx (it checks the status itself); the stylesheet,
    scripts and images of a page may not.
    """
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    def console(message) -> None:
        # Failed loads are reported by the response check below, with their URL.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"{page.url}: {message.text}")

    def response(answer) -> None:
        if answer.status >= 400 and answer.request.resource_type != "document":
            errors.append(f"{page.url}: {answer.request.resource_type} {answer.url} answered {answer.status}")

    page.on("console", console)
    page.on("response", response)
    yield page
    reports = request.node.stash.get(REPORTS, {})
    if errors or any(r.failed for r in reports.values()):
        _save_artifacts(page, request.node.nodeid)
    assert not errors, "the browser reported errors:\n" + "\n".join(errors)


def _save_artifacts(page, nodeid: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
    except Exception as error:  # the page may be gone (crash, closed): say so, keep the real failure
        (ARTIFACTS / f"{name}.txt").write_text(f"could not capture {page.url}: {error}\n", encoding="utf-8")


@pytest.fixture
def person(page, live_server) -> Person:
    """Someone who has just created an account (New York time) and is signed in, in ``page``."""
    return signed_up_person(page, live_server.url, email="coder@example.com", zone="America/New_York")
