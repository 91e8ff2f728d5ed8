"""Browser journeys: Python Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download cannot work offline; `make test` installs Debian's chromium.
"""

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Flags that keep a headless Chromium from reaching for the network it does not have here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Two cores shared with other suites: give pages and assertions more than Playwright's 5 s.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items):
    """Browser tests talk to a live server in another thread, so they need committed data.

    Between such tests Django empties every table, taking the migrations' own rows with it
    (Wagtail's root page and default locale); `serialized_rollback` puts them back before each.
    """
    for item in items:
        if item.path.parent.name == "browser":
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture
def chromium(monkeypatch):
    """A browser for one test (under a second to start).

    Playwright's sync API keeps an event loop running in this thread while it is open; Django
    refuses ORM calls from such a thread unless told that this is deliberate. Opening the browser
    per test keeps that permission to the browser tests instead of every later test in the worker.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Inside Playwright's loop Django's connection handler sees another context, so the test
        # got connections of its own: close them, or PostgreSQL keeps one open per test.
        connections.close_all()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh browser tab (its own cookies) with `goto("/path")` relative to the live server."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
