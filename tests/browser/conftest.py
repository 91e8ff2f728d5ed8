"""Browser journeys: Python Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download cannot work offline; `make test` installs Debian's chromium.
"""

import os

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

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


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def tree_root(transactional_db):
    """The page tree's root, as Wagtail's migrations make it, for each browser test.

    A transactional test empties the database when it ends, so the next would find no root
    to build its pages under. (Django's `serialized_rollback` would restore everything, but it
    keeps its copy on the connection object, which Playwright's event loop replaces.)
    """
    if not Page.objects.exists():
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        Page.add_root(title="Root", slug="root")


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
