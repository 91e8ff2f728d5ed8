"""Listings stay right while their costly parts (counts, the home page's picks) are cached."""

from datetime import UTC, datetime, timedelta

import pytest
from wagtail.models import PageViewRestriction

from news.factories import ArticlePageFactory, SectionPageFactory

pytestmark = pytest.mark.django_db

SAME_MOMENT = datetime(2021, 3, 4, 9, tzinfo=UTC)


def shown(client, url, titles):
    html = client.get(url).content.decode()
    return sorted((title for title in titles if title in html), key=html.index)


def test_the_page_count_follows_publishing_and_unpublishing(client, section):
    articles = [ArticlePageFactory(parent=section, title=f"Story {n}") for n in range(21)]
    assert "Page 1 of 2" in client.get(section.url).content.decode()
    articles[0].unpublish()
    assert "Page 1 of 2" not in client.get(section.url).content.decode()
    ArticlePageFactory(parent=section, title="Story 21")
    assert "Page 1 of 2" in client.get(section.url).content.decode()


def test_articles_published_at_the_same_moment_page_through_without_repeats(client, section):
    titles = [f"Wire story {n:02}" for n in range(25)]
    for title in titles:
        ArticlePageFactory(parent=section, title=title, first_published_at=SAME_MOMENT)
    first = shown(client, section.url, titles)
    second = shown(client, section.url + "?page=2", titles)
    assert len(first) == 20 and len(second) == 5
    assert sorted(first + second) == titles
    assert first == shown(client, section.url, titles)  # the same order every time


def test_the_home_page_shows_a_new_article_at_once(client, home, section):
    ArticlePageFactory(parent=section, title="Lead story")
    ArticlePageFactory(
        parent=section, title="Older story", first_published_at=SAME_MOMENT - timedelta(days=9)
    )
    assert "Older story" in client.get("/").content.decode()
    ArticlePageFactory(parent=section, title="Fresh story")
    assert "Fresh story" in client.get("/").content.decode()


def test_a_section_behind_a_password_stays_out_of_every_listing(client, home, section):
    members = SectionPageFactory(parent=home, title="Members", slug="members")
    ArticlePageFactory(parent=members, title="Members-only briefing")
    ArticlePageFactory(parent=section, title="Public story")
    restriction = PageViewRestriction.objects.create(
        page=members, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    urls = ["/", "/feed/", "/archive/", f"/{datetime.now().year}/", "/search/?q=briefing"]
    for url in urls:
        assert "Members-only briefing" not in client.get(url).content.decode(), url
    assert "Public story" in client.get("/").content.decode()

    restriction.delete()
    assert "Members-only briefing" in client.get("/feed/").content.decode()


def test_cards_kept_for_listings_follow_edits_comments_and_authors(
    client, section, author, settings
):
    from news.factories import CommentFactory

    settings.PAGE_CACHE_SECONDS = 0  # the cards beneath the whole-page cache

    article = ArticlePageFactory(parent=section, title="Oil workers strike", authors=[author])
    html = client.get(section.url).content.decode()  # the card is kept from here on
    assert "Oil workers strike" in html and "Mariam Tulegenova" in html and "#comments" not in html

    article.title = "Oil workers win"
    article.save_revision().publish()
    CommentFactory(page=article, status="pending").set_status("approved")
    author.name = "Mariam Tulegenova-Smith"
    author.save()
    html = client.get(section.url).content.decode()
    assert "Oil workers win" in html and "Oil workers strike" not in html
    assert ">1 comment<" in html and "Mariam Tulegenova-Smith" in html
