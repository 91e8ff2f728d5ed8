import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from wagtail.rich_text import RichText

from news.factories import ArticlePageFactory, TopicFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


@pytest.fixture
def stories(section, author):
    labour = TopicFactory(name="Labour rights")
    return [
        ArticlePageFactory(
            parent=section,
            title=f"Story {n} & more",
            first_published_at=datetime(2020, 1, n + 1, tzinfo=UTC),
            authors=[author],
            topics=[labour],
            tags=["strikes"],
            body=[
                (
                    "paragraph",
                    RichText(f'<p>Body of story {n}, <a href="/archive/">archive</a>.</p>'),
                )
            ],
        )
        for n in range(25)
    ]


def test_rss_has_newest_twenty_with_full_content(client, stories):
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(response.content).findall("./channel/item")
    assert len(items) == 20
    newest = items[0]
    assert newest.findtext("title") == "Story 24 & more"
    assert newest.findtext("link") == "http://testserver/analysis/story-24-more/"
    assert newest.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Mariam Tulegenova"
    assert {c.text for c in newest.findall("category")} == {"Labour rights", "strikes"}
    assert "Body of story 24" in newest.findtext(CONTENT)
    assert 'href="http://testserver/archive/"' in newest.findtext(CONTENT)
    assert newest.findtext("pubDate").startswith("Sat, 25 Jan 2020")


def test_atom_feed_has_content_author_and_dates(client, stories):
    feed = ET.fromstring(client.get("/feed/atom/").content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 20
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == "Story 24 & more"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Mariam Tulegenova"
    assert "Body of story 24" in entry.findtext(f"{ATOM}content")
    assert entry.findtext(f"{ATOM}published").startswith("2020-01-25")


def test_section_topic_and_author_feeds_hold_only_their_articles(
    client, section, home, stories, author
):
    from news.factories import SectionPageFactory

    other = SectionPageFactory(parent=home, title="News", slug="news")
    ArticlePageFactory(parent=other, title="Elsewhere")
    for url in (
        "/analysis/feed/",
        "/topics/labour-rights/feed/",
        f"/authors/{author.slug}/feed/atom/",
    ):
        body = client.get(url).content.decode()
        assert "Story 24 &amp; more" in body and "Elsewhere" not in body, url
    assert "Elsewhere" in client.get("/news/feed/").content.decode()


def test_pages_advertise_their_feeds(client, section, stories):
    html = client.get(section.url).content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="The Campaigning Portal (RSS)" href="/feed/">'
        in html
    )
    assert 'type="application/atom+xml" title="Analysis (Atom)" href="/analysis/feed/atom/"' in html


def test_unknown_feed_is_404(client, home):
    assert client.get("/topics/nothing/feed/").status_code == 404
