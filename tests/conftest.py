import zlib

import factory.random
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from news.factories import (
    ArticlePageFactory,
    AuthorFactory,
    HomePageFactory,
    PictureFactory,
    SectionPageFactory,
    StandardPageFactory,
    figure,
)
from news.models import AppealPage, HomePage, Region, SectionPage, Topic
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


@pytest.fixture
def demo_site(db, monkeypatch):
    """The demo site (the Kurmanov appeal with its officials, tally, appeal box and comments,
    and an update posted today; the donate page), an article with every block and a standard
    page, as addresses of every page type a reader can open.

    Listings show three cards a page here, so each has a second page and its pagination.
    """
    monkeypatch.setattr("news.models.articles.LISTING_PAGE_SIZE", 3)
    monkeypatch.setattr("news.views.PAGE_SIZE", 3)
    call_command("seed_demo", articles=6, stdout=open("/dev/null", "w"))  # noqa: SIM115
    writer = AuthorFactory(
        name="Inês Carvalho", bio="<p>Covers Latin America.</p>", photo=PictureFactory()
    )
    article = ArticlePageFactory(
        parent=SectionPage.objects.get(slug="analysis"),
        title="Chile: miners occupy the pit",
        lead_image=PictureFactory(),
        lead_image_caption="The pithead",
        authors=[writer],
        topics=[Topic.objects.first()],
        tags=["miners"],
        body=[
            ("paragraph", RichText('<p>Read <a href="https://example.org/report">it</a>.</p>')),
            ("heading", {"text": "Why they stayed", "level": "h2"}),
            ("heading", {"text": "The first night", "level": "h3"}),
            ("quote", {"quote": "We will keep it open.", "attribution": "A steward"}),
            figure(PictureFactory(), alt_text="Miners at the gate", caption="At the gate"),
            (
                "call_to_action",
                {"heading": "Support them", "button_label": "Give", "link_url": "/donate/"},
            ),
        ],
    )
    about = StandardPageFactory(parent=HomePage.objects.get(), title="About us")
    giving_by_post = StandardPageFactory(parent=about, title="How to give by post")
    appeal = AppealPage.objects.get()
    appeal.updates = [
        ("update", {"date": timezone.now(), "text": RichText("<p>The trial opens on Monday.</p>")})
    ]
    appeal.save_revision().publish()
    return [
        "/",
        "/appeals/",
        appeal.url,
        article.url,
        Topic.objects.first().get_absolute_url(),
        writer.get_absolute_url(),
        "/tags/miners/",
        "/authors/",
        "/archive/",
        "/2010/",
        "/2010/04/",
        "/search/?q=strike",
        "/search/?q=nothing+matches+this",
        "/no-such-page/",
        "/search/",
        "/search/?q=the&page=2",
        "/news/",
        "/news/?page=2",
        Region.objects.first().get_absolute_url(),
        f"{appeal.url}letter/",
        giving_by_post.url,
        "/donate/",
    ]
