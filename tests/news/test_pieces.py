"""An article's header, footer, related list and metadata are kept as HTML (news/pieces.py):
the first reader after a change renders them, the next ones read them in a cache round trip,
and every change a reader could notice reaches them at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from news import views
from news.factories import (
    ArticlePageFactory,
    AuthorFactory,
    CommentFactory,
    PictureFactory,
    TopicFactory,
)
from news.models import CommentStatus
from news.models.articles import ArticlePageQuerySet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_pages")]


@pytest.fixture
def strikes():
    return TopicFactory(name="Strikes")


@pytest.fixture
def story(section, strikes):
    ArticlePageFactory(parent=section, title="Dockers strike", topics=[strikes])
    return ArticlePageFactory(
        parent=section,
        title="Miners strike",
        topics=[strikes],
        authors=[AuthorFactory(name="Dana Reyes", bio="<p>Labour reporter.</p>")],
        lead_image=PictureFactory(),
    )


def view(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_reader_is_served_the_kept_pieces_without_a_query(client, story):
    first, _ = view(client, story.url)
    second, queries = view(client, story.url)

    def pieces(html):  # all but the comment form, which carries a token signed by the second
        return html[: html.index('id="comments"')] + html[html.index('id="related-title"') :]

    assert pieces(second) == pieces(first)
    assert queries == 0
    for shown in ("Miners strike", "Dana Reyes", "Labour reporter.", "Dockers strike", "Strikes"):
        assert shown in second


def test_the_first_readers_address_is_not_kept_for_the_next(client, story):
    view(client, f"{story.url}?utm_source=reader-7f3q9")
    html, _ = view(client, story.url)
    assert f'<meta property="og:url" content="{story.full_url}">' in html
    assert "reader-7f3q9" not in html


def test_a_new_article_on_its_topic_joins_the_related_list(client, section, story, strikes):
    view(client, story.url)
    ArticlePageFactory(parent=section, title="Teachers strike", topics=[strikes])
    assert "Teachers strike" in view(client, story.url)[0]


def test_unpublishing_a_related_article_takes_it_off_the_list(client, section, story):
    view(client, story.url)
    section.get_children().get(title="Dockers strike").unpublish()
    assert "Dockers strike" not in view(client, story.url)[0]


def test_renaming_an_author_changes_the_byline_and_the_box(client, story):
    view(client, story.url)
    author = story.authors[0]
    author.name = "Dana Reyes-Okafor"
    author.save()
    assert view(client, story.url)[0].count("Dana Reyes-Okafor") >= 2


def test_publishing_the_article_renders_its_pieces_again(client, story):
    view(client, story.url)
    story.standfirst = "Three pits walked out at dawn."
    story.save_revision().publish()
    assert "Three pits walked out at dawn." in view(client, story.url)[0]


def test_a_comment_on_the_article_keeps_its_pieces(client, story):
    view(client, story.url)
    CommentFactory(page=story, status=CommentStatus.PENDING).set_status(CommentStatus.APPROVED)
    html, queries = view(client, story.url)
    assert "1 comment" in html
    assert queries == 1  # the thread read back; header, footer and related list kept


def test_a_password_on_its_section_is_asked_for_at_once(client, story):
    view(client, story.url)
    PageViewRestriction.objects.create(
        page=story.get_parent(), restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    html, _ = view(client, story.url)
    assert "Labour reporter." not in html and "password" in html.lower()


def test_a_preview_is_never_kept(admin_client, client, story):
    view(client, story.url)
    story.standfirst = "A draft nobody should see yet."
    story.save_revision()
    preview = admin_client.get(f"/admin/pages/{story.pk}/view_draft/")
    assert "A draft nobody should see yet." in preview.content.decode()
    assert "A draft nobody should see yet." not in view(client, story.url)[0]


# Listings


@pytest.mark.parametrize(
    "url,expected_queries",
    [("/", 0), ("/analysis/", 0), ("{month}", 0), ("/topics/strikes/", 1)],  # the topic's row
)
def test_a_listing_is_served_from_its_kept_cards(client, story, url, expected_queries):
    url = url.format(month=story.first_published_at.strftime("/%Y/%m/"))
    first, _ = view(client, url)
    second, queries = view(client, url)
    assert second == first and "Miners strike" in second
    assert queries == expected_queries


@pytest.mark.parametrize("url", ["/analysis/", "{month}", "{year}", "/topics/strikes/"])
def test_a_kept_listing_does_not_build_its_query(client, story, url, monkeypatch):
    # Building a listing's query through the ORM cost as much as serving the rest of the page.
    url = url.format(
        month=story.first_published_at.strftime("/%Y/%m/"),
        year=story.first_published_at.strftime("/%Y/"),
    )
    first, _ = view(client, url)

    def built(*args):
        raise AssertionError("a kept listing built its query")

    monkeypatch.setattr(ArticlePageQuerySet, "for_cards", built)
    monkeypatch.setattr(views, "_month_counts", built)
    assert view(client, url)[0] == first


@pytest.mark.parametrize("url", ["/", "/analysis/", "/topics/strikes/"])
def test_a_new_article_joins_every_kept_listing_at_once(client, section, story, strikes, url):
    view(client, url)
    ArticlePageFactory(parent=section, title="Teachers strike", topics=[strikes])
    assert "Teachers strike" in view(client, url)[0]


def test_an_approved_comment_updates_the_count_on_a_kept_listing(client, section, story):
    view(client, section.url)
    CommentFactory(page=story, status=CommentStatus.PENDING).set_status(CommentStatus.APPROVED)
    assert "1 comment" in view(client, section.url)[0]


def test_each_page_of_a_listing_is_kept_apart(client, section, story):
    for n in range(25):
        ArticlePageFactory(parent=section, title=f"Dispatch {n:02}")
    first_page, _ = view(client, section.url)
    second_page, _ = view(client, f"{section.url}?page=2")
    assert "Dispatch 24" in first_page and "Dispatch 24" not in second_page
    assert "Miners strike" in second_page


def test_a_search_asked_again_is_served_from_its_kept_results(client, section, story):
    first, _ = view(client, "/search/?q=miners")
    second, queries = view(client, "/search/?q=miners")
    assert second == first and "Miners strike" in second
    assert queries == 0
    ArticlePageFactory(parent=section, title="Miners return")
    assert "Miners return" in view(client, "/search/?q=miners")[0]


def test_a_kept_listing_carries_no_readers_own_parameters(client, section, story):
    for n in range(25):
        ArticlePageFactory(parent=section, title=f"Dispatch {n:02}")

    def pagination(html):
        return html[html.index('class="pagination"') :]

    view(client, f"{section.url}?page=2&utm_source=reader-7f3q9")
    html, _ = view(client, f"{section.url}?page=2")
    assert 'href="?page=1"' in pagination(html) and "reader-7f3q9" not in pagination(html)
    searched, _ = view(client, "/search/?q=dispatch&ref=reader-7f3q9")
    assert 'href="?q=dispatch&amp;page=2"' in pagination(searched)
    assert "reader-7f3q9" not in pagination(searched)
