import zlib

import factory.random
import pytest
from django.core.cache import cache
from django.db import connection
from wagtail.models import Page, Site

from news.factories import (
    ArticlePageFactory,
    AuthorFactory,
    HomePageFactory,
    SectionPageFactory,
)
from portal import pagecache, pagetree


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (row locks, full-text search) run in CI, where DATABASE_URL is set."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: CI runs it with DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def same_words(request):
    # Factories write random titles and prose; seeding from the test's own name gives each test
    # the same words on every run and in any worker, so a failure caused by them comes back.
    factory.random.reseed_random(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def same_clock(monkeypatch):
    # One process, one clock: no allowance for machines that disagree about the time, so what
    # was kept is served right after it was purged and re-rendered, as it is a second later.
    monkeypatch.setattr(pagecache, "CLOCK_SKEW", 0)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: database rows are rolled back between tests,
    and cached routes or banners must not outlive them."""
    cache.clear()
    pagetree.forget_copies()
    yield
    cache.clear()
    pagetree.forget_copies()


@pytest.fixture
def uncached_pages(settings):
    """The whole-page cache off: query budgets measure what rendering a page costs, as after a
    purge, not a stored copy's zero."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def home(db):
    """The site's home page at the root of the default site, as `seed_demo` leaves it."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, slug="front")
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "port": 80}
    )
    return home


@pytest.fixture
def section(home):
    return SectionPageFactory(parent=home, title="Analysis", slug="analysis")


@pytest.fixture
def author(db):
    return AuthorFactory(name="Mariam Tulegenova", role="Central Asia correspondent")


@pytest.fixture
def article(section, author):
    return ArticlePageFactory(parent=section, title="Oil workers strike", authors=[author])


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
