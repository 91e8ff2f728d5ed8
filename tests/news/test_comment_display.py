"""How comments show: plain text made safe, threads, counts, and what never shows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from news.comments.text import comment_html
from news.comments.thread import build
from news.factories import ArticlePageFactory, CommentFactory
from news.models import CommentSettings

pytestmark = pytest.mark.django_db


# Plain text to HTML


def test_paragraphs_and_line_breaks_are_kept():
    html = comment_html("First line\nsecond line\n\n\nNew paragraph\r\n")
    assert html == "<p>First line<br>\nsecond line</p>\n<p>New paragraph</p>\n"


def test_addresses_become_nofollow_links_and_punctuation_stays_outside():
    html = comment_html("Sign at https://example.org/p?a=1&b=2. Or (www.example.net), please!")
    assert (
        '<a href="https://example.org/p?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "https://example.org/p?a=1&amp;b=2</a>." in html
    )
    assert (
        '(<a href="https://www.example.net" rel="nofollow ugc noopener">www.example.net</a>),'
        in html
    )


@pytest.mark.parametrize(
    ("text", "never"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<a href="javascript:alert(1)">x</a>', "<a href"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ('https://example.org/"><script>alert(1)</script>', "<script>"),
        ("javascript:alert(1)", "href"),
        ("&lt;already escaped&gt;", "&lt;already"),
    ],
)
def test_no_reader_html_is_ever_rendered(text, never):
    assert never not in comment_html(text)


def test_control_characters_are_dropped_from_display():
    assert comment_html("a\x00b\x1bc") == "<p>abc</p>\n"


# Threads


class Row:
    def __init__(self, pk, parent_id=None):
        self.pk, self.parent_id = pk, parent_id


def shape(nodes):
    return [(node.comment.pk, node.depth, shape(node.replies)) for node in nodes]


def test_replies_nest_to_the_configured_depth_and_deeper_ones_flatten():
    rows = [Row(1), Row(2, 1), Row(3, 2), Row(4, 3), Row(5)]
    roots, _ = build(rows, max_depth=2)
    assert shape(roots) == [(1, 1, [(2, 2, []), (3, 2, []), (4, 2, [])]), (5, 1, [])]
    roots, _ = build(rows, max_depth=3)
    assert shape(roots) == [(1, 1, [(2, 2, [(3, 3, []), (4, 3, [])])]), (5, 1, [])]


def test_a_reply_to_a_hidden_comment_stands_on_its_own():
    roots, _ = build([Row(2, parent_id=1)], max_depth=2)
    assert shape(roots) == [(2, 1, [])]


def test_reply_links_stop_at_the_configured_depth(client, article):
    top = CommentFactory(page=article)
    reply = CommentFactory(page=article, parent=top)
    html = client.get(article.url).content.decode()
    assert f"?replyto={top.pk}" in html and f"?replyto={reply.pk}" not in html


def test_an_erased_comment_keeps_its_place_without_its_author(client, article):
    CommentFactory(page=article, name="", email="", body="", erased_at="2024-01-01T00:00Z")
    html = client.get(article.url).content.decode()
    assert "Former commenter" in html and "removed at its author's request" in html


def test_a_commenters_website_links_from_their_name(client, article):
    CommentFactory(page=article, name="Jane", url="https://jane.example.org/")
    html = client.get(article.url).content.decode()
    assert '<a href="https://jane.example.org/" rel="nofollow ugc noopener">Jane</a>' in html


# Counts and where comments never show


def test_cards_show_the_approved_comment_count(client, section):
    busy = ArticlePageFactory(parent=section, title="Busy")
    quiet = ArticlePageFactory(parent=section, title="Quiet")
    CommentFactory.create_batch(3, page=busy)
    CommentFactory(page=busy, status="pending")
    CommentFactory(page=quiet, status="spam")
    html = client.get(section.url).content.decode()
    assert f'<a href="{busy.url}#comments">3 comments</a>' in html
    assert f"{quiet.url}#comments" not in html


def test_one_comment_is_singular(client, article):
    CommentFactory(page=article)
    assert ">1 comment<" in client.get(article.url).content.decode()


def test_commenters_email_addresses_never_reach_pages_or_feeds(client, article, section):
    CommentFactory(page=article, email="hidden@example.org", body="Visible words")
    for url in (article.url, section.url, "/", "/feed/", "/feed/atom/", "/search/?q=strike"):
        body = client.get(url).content.decode()
        assert "hidden@example.org" not in body, url
    assert "Visible words" in client.get(article.url).content.decode()


# Performance


@pytest.mark.usefixtures("uncached_pages")
def test_five_hundred_comments_cost_the_same_queries_as_none(client, section):
    empty = ArticlePageFactory(parent=section, title="Empty")
    busy = ArticlePageFactory(parent=section, title="Busy")
    parents = CommentFactory.create_batch(250, page=busy)
    for parent in parents:
        CommentFactory(page=busy, parent=parent)
    for page in (empty, busy):
        client.get(page.url)  # warm the route and chrome caches

    def count(page):
        with CaptureQueriesContext(connection) as context:
            response = client.get(page.url)
        assert response.status_code == 200
        return len(context), response.content.decode()

    none_queries, _ = count(empty)
    busy_queries, html = count(busy)
    assert busy_queries == none_queries
    assert "500 comments" in html
    # An approval empties the page's comment cache; reading it back is one query.
    CommentFactory(page=busy, status="pending").set_status("approved")
    refilled, html = count(busy)
    assert refilled == none_queries + 1 and "501 comments" in html


def test_comment_settings_are_read_from_the_cache_and_renewed_on_save(client, article):
    client.get(article.url)
    site = Site.objects.get(is_default_site=True)
    settings = CommentSettings.for_site(site)
    settings.reply_depth = 1
    settings.save()
    CommentFactory(page=article)
    assert "?replyto=" not in client.get(article.url).content.decode()


def test_a_rendered_thread_follows_approvals_and_edits_at_once(client, article, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the thread's HTML beneath the whole-page cache
    first = CommentFactory(page=article, body="First thoughts")
    assert "First thoughts" in client.get(article.url).content.decode()  # the thread is kept

    CommentFactory(page=article, status="pending", body="Late reply").set_status("approved")
    first.body = "Second thoughts"
    first.save()
    html = client.get(article.url).content.decode()
    assert "Late reply" in html and "Second thoughts" in html and "First thoughts" not in html


def test_closing_comments_takes_the_reply_links_off_a_rendered_thread(
    client, article, settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 0  # the thread's HTML beneath the whole-page cache
    top = CommentFactory(page=article)
    assert f"?replyto={top.pk}" in client.get(article.url).content.decode()
    settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    settings.close_after_days = 1
    settings.save()
    two_days_on = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: two_days_on)
    html = client.get(article.url).content.decode()
    assert "Comments are closed." in html and "?replyto=" not in html
