import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.rich_text import RichText
from wagtail.test.utils import WagtailTestUtils

from news.factories import AppealPageFactory, ArticlePageFactory
from news.models import AppealOutcome, AppealStatus, ProtestTally

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"

pytestmark = pytest.mark.django_db


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
    appeal.status, appeal.outcome = AppealStatus.RESOLVED, AppealOutcome.CLOSED
    appeal.save_revision().publish()
    assert banner(client) == ""


def test_expired_appeal_takes_the_banner_down_on_its_own(client, appeals):
    AppealPageFactory(
        parent=appeals, title="Short-lived", expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert banner(client) == ""


@pytest.mark.usefixtures("uncached_pages")  # the banner's own cache; stored pages: test_page_cache
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


def test_a_resolved_appeal_says_how_it_ended_and_only_a_resolved_one(appeal):
    appeal.status = AppealStatus.RESOLVED
    with pytest.raises(ValidationError) as refused:
        appeal.full_clean()
    assert refused.value.message_dict["outcome"] == ["Say how the appeal ended: won or closed."]
    appeal.status, appeal.outcome = AppealStatus.ONGOING, AppealOutcome.WON
    with pytest.raises(ValidationError) as refused:
        appeal.full_clean()
    assert refused.value.message_dict["outcome"] == [
        "Only a resolved appeal has an outcome: set the status to Resolved, "
        "or leave the outcome empty."
    ]


def test_urgent_then_ongoing_then_resolved(client, appeal):
    mami = appeal.targets.get(name="Kairat Mami")
    ProtestTally.objects.create(target=mami, sent=12)
    html = client.get(appeal.url).content.decode()
    assert "Free Ainur Kurmanov" in banner(client)
    assert html.count("I sent my protest</button>") == 3

    appeal.status = AppealStatus.ONGOING
    appeal.save_revision().publish()
    html = client.get(appeal.url).content.decode()
    assert banner(client) == "" and "Ongoing appeal" in html
    assert html.count("I sent my protest</button>") == 3

    appeal.status = AppealStatus.RESOLVED
    appeal.outcome = AppealOutcome.WON
    appeal.outcome_note = "Ainur was released on 13 May."
    appeal.updates = [
        ("update", {"date": timezone.now(), "text": RichText("<p>Released today!</p>")})
    ]
    appeal.save_revision().publish()
    response = client.get(appeal.url)
    page = WagtailTestUtils.get_soup(response.content)
    header = page.select_one(".article__header")
    # The outcome comes first, above the headline.
    assert header.select_one(".appeal-outcome").get_text(" ", strip=True) == (
        "Won Ainur was released on 13 May."
    )
    assert str(header).index("appeal-outcome") < str(header).index("<h1")
    # The record stays: the officials, the updates; the buttons become the final tally.
    kit = page.select_one(".protest-kit")
    assert kit.find("h2").get_text() == "The final tally"
    assert kit.select_one(".protest-kit__total").get_text(" ", strip=True) == "12 protests sent"
    assert [t.get_text(strip=True) for t in kit.select(".target__name")] == [
        "Kairat Mami",
        "Ahmatjan Esimov",
        "The OSCE Secretariat",
    ]
    assert page.find(id=f"target-{mami.pk}").select_one(".tally--final").get_text(
        " ", strip=True
    ) == ("12 protests sent")
    assert not kit.find("form") and not kit.find("a", string="Write to this official")
    assert "Released today!" in page.select_one(".appeal-updates").get_text()
    assert banner(client) == ""
    assert "Resolved appeal" in client.get("/").content.decode()


def test_an_expired_appeal_still_takes_protests(client, appeal):
    appeal.expires_at = timezone.now() - timedelta(hours=1)
    appeal.save_revision().publish()
    assert banner(client) == ""
    assert client.get(appeal.url).content.decode().count("I sent my protest</button>") == 3


def test_each_appeal_has_a_feed_of_its_updates(client, appeal):
    appeal.updates = [
        (
            "update",
            {
                "date": datetime(2010, 4, 29, 9, tzinfo=UTC),
                "text": RichText("<p>Appeal lodged.</p>"),
            },
        ),
        (
            "update",
            {
                "date": datetime(2010, 5, 2, 18, tzinfo=UTC),
                "text": RichText('<p>Hunger strike, day 9. <a href="/archive/">More</a></p>'),
            },
        ),
    ]
    appeal.save_revision().publish()
    page = WagtailTestUtils.get_soup(client.get(appeal.url).content)
    discovered = {
        link["type"]: link["href"]
        for link in page.find_all("link", rel="alternate")
        if "updates" in link["title"]
    }
    assert discovered == {
        "application/rss+xml": appeal.url + "feed/",
        "application/atom+xml": appeal.url + "feed/atom/",
    }
    anchors = [li["id"] for li in page.select(".appeal-update")]

    rss = client.get(appeal.url + "feed/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    assert channel.findtext("title").startswith("Free Ainur Kurmanov: updates")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Free Ainur Kurmanov",
        "2 May 2010: Hunger strike, day 9. More",
        "29 April 2010: Appeal lodged.",
    ]
    assert [item.findtext("link") for item in items] == [
        f"http://testserver{appeal.url}",
        *(f"http://testserver{appeal.url}#{anchor}" for anchor in anchors),
    ]
    assert 'href="http://testserver/archive/"' in items[1].findtext(CONTENT)

    atom = client.get(appeal.url + "feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert len(ET.fromstring(atom.content).findall(f"{ATOM}entry")) == 3


def test_an_appeal_without_updates_is_the_first_entry_of_its_feed(client, appeal):
    """A reader who follows the case on the day it is published has the appeal itself."""
    for path, entries, find in [
        ("feed/", lambda root: root.find("channel").findall("item"), "link"),
        ("feed/atom/", lambda root: root.findall(f"{ATOM}entry"), None),
    ]:
        root = ET.fromstring(client.get(appeal.url + path).content)
        (entry,) = entries(root)
        if find:
            assert entry.findtext("title") == "Free Ainur Kurmanov"
            assert entry.findtext("link") == f"http://testserver{appeal.url}"
            content = entry.findtext(CONTENT)
            assert entry.findtext("description") == appeal.standfirst
        else:
            assert entry.findtext(f"{ATOM}title") == "Free Ainur Kurmanov"
            content = entry.findtext(f"{ATOM}content")
        first_paragraph = str(appeal.body[0].value)[:40]
        assert first_paragraph in content
        assert f'href="http://testserver{appeal.url}#act">Send your protest' in content
