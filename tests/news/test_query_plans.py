"""Every listing and archive query is served by an index on PostgreSQL, whatever the archive size.

The test database is small, so PostgreSQL would rightly read whole tables; with sequential scans
priced out, a plan still reads a whole table only when no index can serve the query. That is
what a missing index looks like on a production archive of tens of thousands of articles.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from taggit.models import Tag

from news.comments.thread import approved_comments
from news.factories import ArticlePageFactory, CommentFactory, SectionPageFactory, TopicFactory
from news.models import ArticlePage, Comment, SectionPage
from news.models.articles import NEWEST_FIRST
from news.search import NewestMatches
from news.views import _articles_of

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# The tables that grow with the archive.
LARGE_TABLES = ("wagtailcore_page", "news_articlepage", "news_comment", "wagtailsearch_indexentry")


@pytest.fixture
def archive(home, section):
    news = SectionPageFactory(parent=home, title="News", slug="news")
    topic = TopicFactory(name="Strikes", slug="strikes")
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for n in range(12):
        article = ArticlePageFactory(
            parent=(section, news)[n % 2],
            first_published_at=start + timedelta(days=9 * n),
            topics=[topic],
            tags=["oil"],
        )
        CommentFactory.create_batch(2, page=article)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL enable_seqscan = off")
    return {"section": news, "topic": topic}


def plan(queryset):
    return queryset.explain()


def full_table_reads(text):
    return [table for table in LARGE_TABLES if re.search(rf"Seq Scan on {table}\b", text)]


def test_a_section_listing_reads_indexes(archive):
    section = SectionPage.objects.get(pk=archive["section"].pk)
    text = plan(section.articles().for_listing()[:20])
    assert not full_table_reads(text), text


def test_an_archive_month_reads_indexes(archive):
    articles = ArticlePage.objects.filter(
        first_published_at__gte=datetime(2020, 2, 1, tzinfo=UTC),
        first_published_at__lt=datetime(2020, 3, 1, tzinfo=UTC),
    )
    text = plan(articles.for_listing()[:20])
    assert not full_table_reads(text), text


def test_the_home_pages_picks_read_indexes(archive):
    section = archive["section"]
    picks = ArticlePage.objects.visible().child_of(section).order_by(*NEWEST_FIRST)
    text = plan(picks.values_list("pk", flat=True)[:4])
    assert not full_table_reads(text), text
    latest = plan(ArticlePage.objects.for_listing()[:1])
    assert not full_table_reads(latest), latest


def test_a_pages_comments_read_the_comment_index(archive):
    article = ArticlePage.objects.first()
    queryset = Comment.objects.approved().filter(page_id=article.pk).order_by("created_at", "pk")
    text = plan(queryset)
    assert not full_table_reads(text), text
    assert len(approved_comments(article.pk)) == 2


@pytest.mark.parametrize("kind", ["topic", "tag"])
def test_topic_and_tag_listings_read_indexes(archive, kind):
    slug = archive["topic"].slug if kind == "topic" else Tag.objects.get(name="oil").slug
    _, articles = _articles_of(kind, slug)
    text = plan(articles.for_listing()[:20])
    assert not full_table_reads(text), text


@pytest.fixture
def search_index(archive):
    """The search index of a large archive: thousands of entries of the articles' types, so
    that PostgreSQL plans as it would there rather than read the few it has."""
    from modelsearch.utils import get_descendants_content_types_pks
    from wagtail.search.models import IndexEntry

    content_type = get_descendants_content_types_pks(ArticlePage)[0]
    IndexEntry.objects.bulk_create(
        IndexEntry(
            content_type_id=content_type,
            object_id=f"elsewhere-{n}",
            title=f"headline{n % 50} report",
            body=f"word{n % 300} word{n % 7} text",
            autocomplete="",
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        # As autovacuum would: merge the entries just added into the GIN index's tree.
        cursor.execute("SELECT gin_clean_pending_list('news_search_document'::regclass)")
        cursor.execute("ANALYZE wagtailsearch_indexentry")
    return archive


def entries_read_by_type(text):
    """An entry index scan by content type alone: every article's entry read to test it."""
    return re.search(r"wagtailsearch_indexentry_content_type_id_[0-9a-f]+\s", text)


@pytest.mark.parametrize("words", ["strikes", "oil strikes", "nowhere"])
def test_a_search_reads_entries_by_key_or_by_word(search_index, words):
    """A page of a common word's matches reads each article's entry by its key, walking the
    newest articles (or, on an archive this small, the GIN index); a rare word's, and the
    count, read the entries holding the words from the GIN index on title and body: never
    every entry, to test each."""
    matches = NewestMatches(ArticlePage.objects.visible(), words)
    walked = plan(matches.walked.values_list("pk", flat=True)[:20])
    assert re.search(r"wagtailsearch_indexentry_\w+_uniq|news_search_document", walked), walked
    looked_up = plan(matches.looked_up.values_list("pk", flat=True)[:20])
    counted = plan(matches.counted())
    for text in (walked, looked_up, counted):
        assert not full_table_reads(text), text
        assert not entries_read_by_type(text), text
    assert "news_search_document" in looked_up, looked_up
    assert "news_search_document" in counted, counted
