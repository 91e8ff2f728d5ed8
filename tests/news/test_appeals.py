from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.rich_text import RichText

from news.factories import AppealPageFactory, ArticlePageFactory, SectionPageFactory
from news.models import AppealStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeals(home):
    return SectionPageFactory(parent=home, title="Appeals", slug="appeals")


def banner(client, url="/"):
    html = client.get(url).content.decode()
    start = html.find('class="urgent-banner"')
    return html[start : html.find("</aside>", start)] if start != -1 else ""


def test_urgent_appeal_raises_the_banner_on_every_page(client, appeals, section):
    appeal = AppealPageFactory(parent=appeals, title="Free Ainur Kurmanov")
    other = ArticlePageFactory(parent=section, title="Something else")
    for url in ("/", other.url, "/search/?q=x", "/archive/"):
        assert f'href="{appeal.url}">Free Ainur Kurmanov</a>' in banner(client, url)


def test_resolving_an_appeal_takes_the_banner_down(client, appeals):
    appeal = AppealPageFactory(parent=appeals, title="Free Ainur Kurmanov")
    assert banner(client)
    appeal.status = AppealStatus.RESOLVED
    appeal.save_revision().publish()
    assert banner(client) == ""


def test_expired_appeal_takes_the_banner_down_on_its_own(client, appeals):
    AppealPageFactory(
        parent=appeals, title="Short-lived", expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert banner(client) == ""


def test_banner_cache_never_outlives_expiry(client, appeals, monkeypatch):
    soon = timezone.now() + timedelta(minutes=5)
    AppealPageFactory(parent=appeals, title="Expiring soon", expires_at=soon)
    assert "Expiring soon" in banner(client)
    later = soon + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert banner(client) == ""


def test_ongoing_appeal_is_labelled_but_raises_no_banner(client, appeals):
    appeal = AppealPageFactory(parent=appeals, title="Long campaign", status=AppealStatus.ONGOING)
    assert banner(client) == ""
    assert "Ongoing appeal" in client.get(appeal.url).content.decode()


def test_updates_show_newest_first(client, appeals):
    now = timezone.now()
    appeal = AppealPageFactory(
        parent=appeals,
        updates=[
            (
                "update",
                {"date": now - timedelta(days=2), "text": RichText("<p>Appeal lodged.</p>")},
            ),
            ("update", {"date": now, "text": RichText("<p>Released today!</p>")}),
        ],
    )
    html = client.get(appeal.url).content.decode()
    assert html.index("Released today!") < html.index("Appeal lodged.")
