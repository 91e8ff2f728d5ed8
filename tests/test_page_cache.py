"""The whole-page cache for anonymous readers: what it keeps, whom it serves, what purges it."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.contrib.frontend_cache.backends import BaseBackend
from wagtail.models import PageViewRestriction

from donations.factories import CampaignFactory, DonatePageFactory, appeal_box
from donations.money import format_amount
from news.factories import (
    AppealPageFactory,
    ArticlePageFactory,
    CommentFactory,
    PictureFactory,
    SectionPageFactory,
    TopicFactory,
)
from news.models import CommentStatus
from portal import pagecache
from tests.donations.checkout import give

pytestmark = pytest.mark.django_db

PURGED = []


class RecordingBackend(BaseBackend):
    """A front cache that notes what it is told to purge."""

    def purge(self, url):
        PURGED.append(url)


@pytest.fixture
def front_cache(settings):
    PURGED.clear()
    settings.WAGTAILFRONTENDCACHE = {"test": {"BACKEND": f"{__name__}.RecordingBackend"}}
    return PURGED


@pytest.fixture
def reader():
    """An anonymous reader: no session, no cookies."""
    return Client()


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def served_from_cache(client, url):
    return get(client, url).get(pagecache.HIT_HEADER) == "hit"


def test_an_anonymous_reader_is_served_the_stored_page_without_a_query(reader, article):
    first = get(reader, article.url)
    with CaptureQueriesContext(connection) as queries:
        second = get(reader, article.url)

    assert first[pagecache.HIT_HEADER] == "miss"
    assert second[pagecache.HIT_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert len(queries) == 0
    for response in (first, second):
        assert "public" in response["Cache-Control"]
        assert "s-maxage=600" in response["Cache-Control"]


def test_a_signed_in_editor_is_never_served_or_stored(reader, article, admin_client):
    editor_view = admin_client.get(article.url)

    assert pagecache.HIT_HEADER not in editor_view
    assert "private" in editor_view["Cache-Control"]  # the front cache must not keep it either
    assert get(reader, article.url)[pagecache.HIT_HEADER] == "miss"
    assert pagecache.HIT_HEADER not in admin_client.get(article.url)


def test_a_readers_own_pending_comment_is_never_stored(reader, article, settings):
    settings.PAGE_CACHE_SECONDS = 600
    own = reader.get(article.url, {"comment": "sent"})

    assert "private" in own["Cache-Control"] and "no-store" in own["Cache-Control"]
    assert not served_from_cache(Client(), f"{article.url}?comment=sent")


def test_switched_off_with_page_cache_seconds_zero(reader, article, settings):
    settings.PAGE_CACHE_SECONDS = 0
    get(reader, article.url)
    assert pagecache.HIT_HEADER not in get(reader, article.url)


def test_publishing_purges_the_page_and_every_listing_that_shows_it(reader, home, section, article):
    pages = [article.url, section.url, "/", "/feed/", "/sitemap.xml"]
    month = article.first_published_at.strftime("/%Y/%m/")
    pages.append(month)
    for url in pages:
        get(reader, url)
    assert all(served_from_cache(reader, url) for url in pages)

    article.title = "Oil workers win their strike"
    article.save_revision().publish()

    for url in pages:
        response = get(reader, url)
        assert response[pagecache.HIT_HEADER] == "miss", url
        if url != "/sitemap.xml":  # which lists addresses and dates, not titles
            assert "Oil workers win their strike" in response.content.decode(), url


def test_publishing_an_article_purges_the_related_lists_on_its_topics_only(reader, section):
    strikes, prisons = TopicFactory(name="Strikes"), TopicFactory(name="Prisons")
    miners = ArticlePageFactory(parent=section, title="Miners strike", topics=[strikes])
    dockers = ArticlePageFactory(parent=section, title="Dockers strike", topics=[strikes])
    jail = ArticlePageFactory(parent=section, title="Jail visit", topics=[prisons])
    for page in (miners, dockers, jail):
        get(reader, page.url)

    ArticlePageFactory(parent=section, title="Teachers strike", topics=[strikes])

    assert "Teachers strike" in get(reader, miners.url).content.decode()
    assert "Teachers strike" in get(reader, dockers.url).content.decode()
    assert served_from_cache(reader, jail.url)


def test_unpublishing_takes_the_article_off_its_listings(reader, section, article):
    get(reader, section.url)
    article.unpublish()

    assert reader.get(article.url).status_code == 404
    assert "Oil workers strike" not in get(reader, section.url).content.decode()


def test_moving_an_article_purges_its_old_and_new_places(reader, home, section, article):
    news = SectionPageFactory(parent=home, title="News", slug="news")
    for url in (section.url, news.url):
        get(reader, url)

    article.move(news, pos="last-child")

    assert "Oil workers strike" not in get(reader, section.url).content.decode()
    assert "Oil workers strike" in get(reader, news.url).content.decode()
    assert get(reader, "/news/oil-workers-strike/")[pagecache.HIT_HEADER] == "miss"


def test_deleting_an_article_purges_its_listings(reader, section, article):
    get(reader, section.url)
    article.delete()
    assert "Oil workers strike" not in get(reader, section.url).content.decode()


def test_approving_a_comment_purges_its_page_and_the_cards_counting_it(
    reader, section, article, django_capture_on_commit_callbacks
):
    other = ArticlePageFactory(parent=section, title="Another story")
    comment = CommentFactory(page=article, status=CommentStatus.PENDING, body="Solidarity!")
    for url in (article.url, section.url, other.url):
        get(reader, url)

    with django_capture_on_commit_callbacks(execute=True):
        comment.set_status(CommentStatus.APPROVED)

    assert "Solidarity!" in get(reader, article.url).content.decode()
    assert "1 comment" in get(reader, section.url).content.decode()
    assert served_from_cache(reader, other.url)


def test_a_gift_purges_the_articles_showing_its_campaign_bar(
    reader, home, section, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_TEST_GATEWAY = True
    donate_page = DonatePageFactory(parent=home)
    campaign = CampaignFactory(name="Trial fund", goals={"GBP": "500"})
    article = ArticlePageFactory(parent=section, body=[appeal_box(campaign)])
    elsewhere = ArticlePageFactory(parent=section, title="No box here")
    raised = "<strong>{}</strong> raised of"
    assert raised.format(format_amount(0, "GBP")) in get(reader, article.url).content.decode()
    get(reader, elsewhere.url)

    donor = Client(HTTP_ORIGIN="http://testserver")
    checkout = give(donor, donate_page, campaign=campaign.pk)
    with django_capture_on_commit_callbacks(execute=True):
        donor.post(checkout["Location"], {"outcome": "succeed"})

    html = get(reader, article.url).content.decode()
    assert raised.format(format_amount(2500, "GBP")) in html
    assert served_from_cache(reader, elsewhere.url)


def later(monkeypatch, seconds):
    """Move the clock on, for the cache's expiry and the page cache alike."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


def test_a_counted_protest_shows_at_once_and_later_ones_within_a_minute(reader, home, monkeypatch):
    appeals = SectionPageFactory(parent=home, title="Appeals", slug="appeals")
    appeal = AppealPageFactory(parent=appeals, targets=[{"name": "Kairat Mami"}])
    target = appeal.targets.get()
    assert "<strong>0</strong> protests sent" in get(reader, appeal.url).content.decode()

    Client(HTTP_ORIGIN="http://testserver").post(f"/protests/{target.pk}/")
    assert "<strong>1</strong> protest sent" in get(reader, appeal.url).content.decode()

    # At the height of a campaign the stored copy is not purged for each protest...
    Client(HTTP_ORIGIN="http://testserver").post(f"/protests/{target.pk}/")
    assert "<strong>1</strong> protest sent" in get(reader, appeal.url).content.decode()
    # ...but it is never more than a minute behind.
    later(monkeypatch, 61)
    assert "<strong>2</strong> protests sent" in get(reader, appeal.url).content.decode()


def test_a_page_is_kept_no_longer_than_its_urgent_banner_lasts(reader, home, article, monkeypatch):
    appeals = SectionPageFactory(parent=home, title="Appeals", slug="appeals")
    AppealPageFactory(
        parent=appeals, title="Free Ainur", expires_at=timezone.now() + timedelta(seconds=30)
    )
    assert "Free Ainur" in get(reader, article.url).content.decode()
    assert served_from_cache(reader, article.url)

    later(monkeypatch, 31)
    response = get(reader, article.url)
    assert response[pagecache.HIT_HEADER] == "miss"


def test_editing_a_picture_or_an_author_purges_the_pages_showing_them(reader, article, author):
    picture = PictureFactory(title="Picket line")
    article.lead_image = picture
    article.save_revision().publish()
    get(reader, article.url)

    picture.title = "Picket line, 1 May"
    picture.save()
    assert get(reader, article.url)[pagecache.HIT_HEADER] == "miss"

    author.name = "Mariam T."
    author.save()
    assert "Mariam T." in get(reader, article.url).content.decode()


def test_a_password_put_on_a_section_hides_it_from_stored_pages_at_once(
    reader, home, section, article
):
    for url in (article.url, "/", "/feed/"):
        get(reader, url)
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    assert "Oil workers strike" not in get(reader, "/").content.decode()
    assert "Oil workers strike" not in get(reader, "/feed/").content.decode()
    assert "password" in get(reader, article.url).content.decode().lower()


def test_a_lost_purge_record_counts_as_a_change(reader, article):
    get(reader, article.url)
    cache.delete(pagecache.TAG_PREFIX + f"page:{article.pk}")
    assert get(reader, article.url)[pagecache.HIT_HEADER] == "miss"


def test_a_page_rendered_while_it_was_being_changed_is_not_kept(reader, article, monkeypatch):
    """A publish that lands while a reader's copy renders: that copy is stale on arrival."""
    original = pagecache.PageCacheMiddleware.store

    def publish_meanwhile(self, key, response, rendered_at, dependencies):
        pagecache.purge(f"page:{article.pk}")
        original(self, key, response, rendered_at, dependencies)

    monkeypatch.setattr(pagecache.PageCacheMiddleware, "store", publish_meanwhile)
    get(reader, article.url)
    monkeypatch.undo()
    assert get(reader, article.url)[pagecache.HIT_HEADER] == "miss"


def test_the_front_cache_is_told_every_address_a_publish_changes(
    front_cache, home, section, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    base = "http://localhost"
    month = article.first_published_at.strftime("%Y/%m/")
    for path in (
        "/analysis/oil-workers-strike/",
        "/",
        "/analysis/",
        "/analysis/feed/",
        "/feed/",
        "/sitemap.xml",
        f"/{month}",
    ):
        assert base + path in front_cache, path


def test_the_front_cache_hears_of_an_approved_comment(
    front_cache, article, django_capture_on_commit_callbacks
):
    comment = CommentFactory(page=article, status=CommentStatus.PENDING)
    front_cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment.set_status(CommentStatus.APPROVED)
    assert "http://localhost/analysis/oil-workers-strike/" in front_cache
