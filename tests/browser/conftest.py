"""Browser journeys: Python Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download cannot work offline; `make test` installs Debian's chromium.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

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

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate. The tests make no async ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    # This hook sees every test in the run, not only those in this folder.
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.browser)
        # A journey's database is emptied after it, migrations' rows too (the root page, the
        # groups): serialized rollback puts them back for the next journey, whatever the order.
        item.add_marker(
            pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
        )


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh browser tab (its own cookies) with `goto("/path")` relative to the live server."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
