from datetime import UTC, datetime

import pytest

from news.factories import (
    ArticlePageFactory,
    AuthorFactory,
    PictureFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_author_page_shows_bio_photo_and_their_articles(client, section):
    author = AuthorFactory(
        name="Inês Carvalho", bio="<p>Covers Latin America.</p>", photo=PictureFactory(title="Inês")
    )
    ArticlePageFactory(parent=section, title="Chile: miners strike", authors=[author])
    ArticlePageFactory(parent=section, title="Written by someone else")
    html = client.get(f"/authors/{author.slug}/").content.decode()
    assert "<h1>Inês Carvalho</h1>" in html and "Covers Latin America." in html
    assert 'class="listing-header__photo"' in html
    assert "Chile: miners strike" in html and "Written by someone else" not in html


@pytest.mark.parametrize("kind", ["topics", "regions"])
def test_topic_and_region_pages_list_their_articles(client, section, kind):
    term = TopicFactory(name="Housing") if kind == "topics" else RegionFactory(name="Chile")
    ArticlePageFactory(parent=section, title="Tagged story", **{kind: [term]})
    ArticlePageFactory(parent=section, title="Untagged story")
    html = client.get(f"/{kind}/{term.slug}/").content.decode()
    assert "Tagged story" in html and "Untagged story" not in html
    assert f'href="/{kind}/{term.slug}/feed/"' in html


def test_tag_pages(client, section):
    ArticlePageFactory(parent=section, title="About the strike", tags=["general strike"])
    html = client.get("/tags/general-strike/").content.decode()
    assert "About the strike" in html and "<h1>general strike</h1>" in html


@pytest.mark.parametrize(
    "url", ["/authors/nobody/", "/topics/nothing/", "/regions/atlantis/", "/tags/none/"]
)
def test_unknown_slugs_are_404(client, home, url):
    assert client.get(url).status_code == 404


def test_authors_index_counts_articles(client, section, author):
    ArticlePageFactory(parent=section, authors=[author])
    ArticlePageFactory(parent=section, authors=[author])
    html = client.get("/authors/").content.decode()
    assert "Mariam Tulegenova" in html and "2 articles" in html


@pytest.fixture
def dated(section):
    def make(title, *when):
        return ArticlePageFactory(
            parent=section, title=title, first_published_at=datetime(*when, tzinfo=UTC)
        )

    return {
        "april": make("April story", 2010, 4, 28, 12),
        "april2": make("Another April story", 2010, 4, 2, 9),
        "may": make("May story", 2010, 5, 1, 8),
        "later": make("Later story", 2012, 1, 5, 8),
    }


def test_month_archive_lists_that_month_newest_first(client, dated):
    html = client.get("/2010/04/").content.decode()
    assert "<h1>April 2010</h1>" in html and "2 articles" in html
    assert html.index("April story") < html.index("Another April story")
    assert "May story" not in html


def test_year_archive_lists_months_with_counts(client, dated):
    html = client.get("/2010/").content.decode()
    assert "3 articles" in html
    assert 'href="/2010/04/">April</a> <span class="count">(2)</span>' in html
    assert 'href="/2010/05/">May</a> <span class="count">(1)</span>' in html
    assert "Later story" not in html


def test_archive_index_groups_years_and_months(client, dated):
    html = client.get("/archive/").content.decode()
    assert html.index(">2012<") < html.index(">2010<")
    assert 'href="/2012/01/">January</a> <span class="count">(1)</span>' in html


@pytest.mark.parametrize(
    "url", ["/2010/13/", "/2010/00/", "/1800/01/", "/1800/", "/2011/", "/9999/12/"]
)
def test_impossible_or_empty_archives_are_404(client, dated, url):
    assert client.get(url).status_code == 404
