"""Scheduled publishing and expiry: `manage.py publish_scheduled`, run every minute by a timer."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from news.factories import AppealPageFactory, ArticlePageFactory, SectionPageFactory
from news.models import ArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Move the site's clock: `clock.advance(hours=2)` is two hours later for Django and Wagtail."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def run_timer():
    call_command("publish_scheduled", stdout=io.StringIO())


def schedule(page, **when):
    """What the editor does: set Go-live or Expiry in the schedule dialog, then Publish."""
    for field, value in when.items():
        setattr(page, field, value)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def titles(client, url):
    """The article titles a listing shows, in its order."""
    html = client.get(url).content.decode()
    shown = [
        title for title in ArticlePage.objects.values_list("title", flat=True) if title in html
    ]
    return sorted(shown, key=html.index)


def test_an_article_goes_live_when_its_go_live_time_has_passed(client, section, clock):
    ArticlePageFactory(
        parent=section, title="Older story", first_published_at=clock.now - timedelta(days=1)
    )
    embargoed = ArticlePageFactory(
        parent=section, title="Embargoed story", live=False, first_published_at=None
    )
    schedule(embargoed, go_live_at=clock.now + timedelta(hours=1))
    assert not embargoed.live
    assert client.get(embargoed.url).status_code == 404  # the route is now cached

    run_timer()  # before its time: nothing happens
    assert not ArticlePage.objects.get(pk=embargoed.pk).live

    clock.advance(hours=1, minutes=1)
    run_timer()
    embargoed.refresh_from_db()
    assert embargoed.live and embargoed.first_published_at == clock.now
    assert client.get(embargoed.url).status_code == 200
    assert titles(client, section.url) == ["Embargoed story", "Older story"]
    assert "<title>Embargoed story</title>" in client.get("/feed/").content.decode()


def test_an_article_is_unpublished_when_its_expiry_has_passed(client, section, clock):
    article = ArticlePageFactory(parent=section, title="Short-lived offer")
    schedule(article, expire_at=clock.now + timedelta(days=7))
    assert client.get(article.url).status_code == 200
    assert "Short-lived offer" in client.get(section.url).content.decode()

    clock.advance(days=7, minutes=1)
    run_timer()
    article.refresh_from_db()
    assert not article.live and article.expired
    assert client.get(article.url).status_code == 404
    assert "Short-lived offer" not in client.get(section.url).content.decode()
    assert "Short-lived offer" not in client.get("/feed/").content.decode()
    assert "Short-lived offer" not in client.get("/search/", {"q": "offer"}).content.decode()


@pytest.fixture
def appeals(home):
    return SectionPageFactory(parent=home, title="Appeals", slug="appeals")


def has_banner(client):
    return 'class="urgent-banner"' in client.get("/").content.decode()


def test_a_scheduled_urgent_appeal_raises_the_banner_as_it_goes_live(client, appeals, clock):
    appeal = AppealPageFactory(
        parent=appeals, title="Free the editor", live=False, first_published_at=None
    )
    schedule(appeal, go_live_at=clock.now + timedelta(minutes=30))
    assert not has_banner(client)  # "no urgent appeal" is now cached for minutes

    clock.advance(minutes=31)
    run_timer()
    assert has_banner(client)
    assert "Free the editor" in client.get("/").content.decode()


def test_an_expired_appeal_takes_the_banner_and_its_page_down(client, appeals, clock):
    appeal = AppealPageFactory(parent=appeals, title="Free the editor")
    schedule(appeal, expire_at=clock.now + timedelta(days=1))
    assert has_banner(client)  # the banner is now cached for minutes

    clock.advance(days=1, minutes=1)
    run_timer()
    assert not has_banner(client)
    assert client.get(appeal.url).status_code == 404
    assert "Free the editor" not in client.get(appeals.url).content.decode()
