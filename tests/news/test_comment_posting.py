"""A reader posts a comment: what they see, what is stored, and every way it can go wrong."""

import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from news.comments.guards import form_token
from news.comments.thread import OWN_COOKIE
from news.factories import AppealPageFactory, ArticlePageFactory, CommentFactory
from news.models import Comment, CommentSettings, StandardPage
from tests.news.commenting import ORIGIN, POST_URL, form_data, post_comment

pytestmark = pytest.mark.django_db


def page_text(response):
    return response.content.decode()


def comment_settings(**values):
    settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


# The journey


def test_a_posted_comment_waits_and_only_its_author_sees_it(client, article):
    response = post_comment(client, article, body="Solidarity from Almaty.")
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{article.url}?comment=sent#comment-{comment.pk}"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert comment.status == "pending" and comment.page_id == article.pk
    assert comment.name == "Aigerim" and comment.email == "aigerim@example.org"
    assert comment.ip_address == "127.0.0.1"

    mine = client.get(response["Location"])
    assert "Your comment is awaiting moderation" in page_text(mine)
    assert "Solidarity from Almaty." in page_text(mine)
    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]

    # The same address without the marker is the cacheable page: the cookie is not read.
    shared = client.get(article.url)
    assert "Solidarity from Almaty." not in page_text(shared)
    assert "private" not in shared.get("Cache-Control", "")
    # Another reader, even at the marked address, sees nothing of it.
    other = Client().get(response["Location"])
    assert "Solidarity from Almaty." not in page_text(other)


def test_the_cookie_names_only_the_readers_own_comments_and_is_signed(client, article):
    someone_elses = CommentFactory(page=article, status="pending", body="Someone else's words")
    post_comment(client, article)
    client.cookies[OWN_COOKIE] = f"{someone_elses.pk}"  # forged: no signature
    response = client.get(f"{article.url}?comment=sent")
    assert "Someone else's words" not in page_text(response)


def test_approved_comments_show_with_the_count(client, article):
    assert "Be the first to comment" in page_text(client.get(article.url))
    CommentFactory(page=article, body="First!")
    CommentFactory(page=article, body="Second.")
    CommentFactory(page=article, status="pending", body="Not yet")
    html = page_text(client.get(article.url))
    assert "2 comments" in html and "First!" in html and "Second." in html
    assert "Not yet" not in html and "Be the first" not in html


def test_the_form_says_the_email_is_not_published_and_how_data_is_kept(client, article):
    html = page_text(client.get(article.url))
    assert "Your email address will not be published." in html
    assert "IP address is kept for 30 days" in html
    for name in ("name", "email", "body", "parent"):
        assert f'name="{name}"' in html


def test_a_page_has_nothing_personal_and_no_csrf_token(client, article, monkeypatch):
    CommentFactory(page=article, email="secret-address@example.org", ip_address="203.0.113.9")
    monkeypatch.setattr("news.comments.guards.time.time", lambda: 1_800_000_000.0)
    first = client.get(article.url)
    html = page_text(first)
    assert "secret-address@example.org" not in html and "203.0.113.9" not in html
    assert "csrfmiddlewaretoken" not in html
    assert not first.cookies
    # Every reader gets the very same page, form token included: it can be cached whole.
    assert page_text(Client().get(article.url)) == html


# Spam and trust


def test_honeypot_and_speed_send_a_comment_to_spam_yet_its_author_sees_it(
    client, article, monkeypatch
):
    response = post_comment(client, article, subject="Great deals")
    comment = Comment.objects.get()
    assert comment.status == "spam" and "honeypot filled in" in comment.flags
    assert "awaiting moderation" in page_text(client.get(response["Location"]))

    # Posted in the same second the page was served (at the start of a token's time bucket).
    monkeypatch.setattr("news.comments.guards.time.time", lambda: 1_800_000_000.0)
    post_comment(Client(), article, token=form_token(article.pk), email="quick@example.org")
    quick = Comment.objects.get(email="quick@example.org")
    assert quick.status == "spam" and any(f.startswith("too fast") for f in quick.flags)


def test_trusted_commenter_is_published_at_once_only_when_the_setting_is_on(client, article):
    CommentFactory(page=article, email="regular@example.org")
    post_comment(client, article, email="Regular@example.org", body="Again, solidarity.")
    assert Comment.objects.get(body="Again, solidarity.").status == "pending"

    comment_settings(trust_returning_commenters=True)
    post_comment(Client(), article, email="Regular@example.org", body="And again.")
    trusted = Comment.objects.get(body="And again.")
    assert trusted.status == "approved"
    assert "And again." in page_text(Client().get(article.url))
    # Anything flagged still waits, trusted or not.
    links = "Reading list: www.a.org, www.b.org and www.c.org, all worth your time today."
    post_comment(Client(), article, email="regular@example.org", body=links)
    held = Comment.objects.get(body=links)
    assert held.status == "pending" and "links: 3" in held.flags


def test_sensitive_mode_holds_personal_details_even_from_trusted_commenters(client, section):
    appeal = AppealPageFactory(parent=section, title="Free him")
    assert appeal.comments_sensitive
    comment_settings(trust_returning_commenters=True)
    CommentFactory(page=appeal, email="regular@example.org")
    post_comment(
        client, appeal, email="regular@example.org", body="Call his wife on +7 701 555 0123"
    )
    comment = Comment.objects.get(body__startswith="Call")
    assert comment.status == "pending" and "sensitive: phone number" in comment.flags

    article = ArticlePageFactory(parent=section, title="An analysis")
    assert not article.comments_sensitive
    post_comment(Client(), article, email="regular@example.org", body="Ring +7 701 555 0123")
    assert Comment.objects.get(body__startswith="Ring").status == "approved"


# Bad input: a clear message, the reader's text kept, never a 500


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": ""}, "Please write your comment."),
        ({"body": "   \n  "}, "Please write your comment."),
        ({"body": "x" * 20_000}, "Please shorten your comment to 5000 characters (it has 20000)."),
        ({"body": "Hello\x00there"}, "cannot be shown as text"),
        ({"body": "Bell \x07 ring"}, "cannot be shown as text"),
        ({"body": "Broken \ufffd\ufffd bytes"}, "cannot be shown as text"),
        ({"email": "not-an-address"}, "That does not look like an email address."),
        ({"email": ""}, "Please give your email address"),
        ({"name": ""}, "Please give a name"),
        ({"url": "javascript:alert(1)"}, "That does not look like a web address."),
    ],
)
def test_bad_input_comes_back_with_a_message_and_the_text(client, article, changes, message):
    response = post_comment(client, article, **{"body": "My careful words", **changes})
    assert response.status_code == 400
    html = page_text(response)
    assert message in html
    assert "Your comment was not sent yet" in html
    if "body" not in changes:
        assert "My careful words" in html
    assert not Comment.objects.exists()
    assert "no-store" in response["Cache-Control"]


def test_binary_upload_as_the_body_is_refused_plainly(client, article):
    data = form_data(article)
    data.pop("body")
    payload = urlencode(data) + "&body=%FF%FE%00%01%89PNG"
    response = client.generic(
        "POST",
        POST_URL,
        payload,
        content_type="application/x-www-form-urlencoded",
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 400 and "cannot be shown as text" in page_text(response)


def test_html_and_script_are_stored_as_text_and_shown_as_text(client, article):
    body = '<script>alert("x")</script> <b>bold</b> <a href="http://spam.example">x</a>'
    post_comment(client, article, body=body)
    comment = Comment.objects.get()
    assert comment.body == body
    comment.set_status("approved")
    html = page_text(client.get(article.url))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html and "<b>bold</b>" not in html


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "https://testserver"},  # another scheme is another origin
    ],
)
def test_posts_without_our_origin_are_refused(client, article, headers):
    response = post_comment(client, article, headers=headers)
    assert response.status_code == 403
    assert "did not come from this website" in page_text(response)
    assert not Comment.objects.exists()


def test_a_referer_from_our_own_page_is_enough(client, article):
    response = post_comment(client, article, headers={"Referer": f"{ORIGIN}{article.url}"})
    assert response.status_code == 303


def test_no_csrf_token_is_needed_so_cached_pages_work(article):
    client = Client(enforce_csrf_checks=True)
    assert post_comment(client, article).status_code == 303


def test_only_post_is_allowed(client):
    assert client.get(POST_URL).status_code == 405


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "could not be sent from this copy of the page"),
        ("forged:token", "could not be sent from this copy of the page"),
        (lambda page: form_token(page.pk + 1000, now=time.time() - 60), "this copy of the page"),
        (lambda page: form_token(page.pk, now=time.time() - 2 * 86400), "open for more than a day"),
    ],
)
def test_a_stale_or_forged_form_is_refused_and_renewed(client, article, token, message):
    token = token(article) if callable(token) else token
    response = post_comment(client, article, token=token, body="Words to keep")
    assert response.status_code == 400
    html = page_text(response)
    assert message in html and "Words to keep" in html
    fresh = html.split('name="token" value="')[1].split('"')[0]
    assert fresh and fresh != token
    assert not Comment.objects.exists()


def test_closed_pages_refuse_comments_and_give_the_text_back(client, section):
    closed = ArticlePageFactory(parent=section, title="Closed", comments_open=False)
    assert "Comments are closed." in page_text(client.get(closed.url))
    assert 'action="/comments/post/"' not in page_text(client.get(closed.url))
    response = post_comment(client, closed, body="Too late, sadly")
    assert response.status_code == 403
    html = page_text(response)
    assert "Comments on this article are closed" in html and "Too late, sadly" in html
    assert not Comment.objects.exists()


def test_comments_close_a_set_number_of_days_after_publication(client, section):
    comment_settings(close_after_days=30)
    old = ArticlePageFactory(
        parent=section, title="Old", first_published_at=timezone.now() - timedelta(days=31)
    )
    recent = ArticlePageFactory(
        parent=section, title="Recent", first_published_at=timezone.now() - timedelta(days=29)
    )
    assert post_comment(client, old).status_code == 403
    assert post_comment(client, recent).status_code == 303


@pytest.mark.parametrize("page_id", ["999999", "abc", "", None])
def test_a_missing_page_is_a_404_that_keeps_the_text(client, article, page_id):
    data = form_data(article, body="Keep me safe")
    data.pop("page")
    if page_id is not None:
        data["page"] = page_id
    response = client.post(POST_URL, data, headers={"Origin": ORIGIN})
    assert response.status_code == 404
    assert "was not sent" in page_text(response) and "Keep me safe" in page_text(response)


def test_an_unpublished_page_looks_like_a_missing_one(client, article):
    article.unpublish()
    response = post_comment(client, article, body="Keep me")
    assert response.status_code == 404 and "Keep me" in page_text(response)
    assert not Comment.objects.exists()


def test_replies_hang_under_their_parent(client, article):
    parent = CommentFactory(page=article, name="Oleg", body="First")
    reply_form = page_text(client.get(f"{article.url}?replyto={parent.pk}"))
    assert "Reply to Oleg" in reply_form and f'name="parent" value="{parent.pk}"' in reply_form
    post_comment(client, article, parent=parent.pk, body="A reply")
    reply = Comment.objects.get(body="A reply")
    assert reply.parent == parent
    reply.set_status("approved")
    html = page_text(client.get(article.url))
    assert html.index("First") < html.index("A reply")
    assert 'class="comment-list comment-list--replies"' in html


@pytest.mark.parametrize("kind", ["other page", "pending", "spam", "missing"])
def test_a_reply_to_an_unavailable_comment_is_refused(client, article, section, kind):
    other = ArticlePageFactory(parent=section, title="Elsewhere")
    target = {
        "other page": lambda: CommentFactory(page=other).pk,
        "pending": lambda: CommentFactory(page=article, status="pending").pk,
        "spam": lambda: CommentFactory(page=article, status="spam").pk,
        "missing": lambda: 424242,
    }[kind]()
    response = post_comment(client, article, parent=target, body="My reply")
    assert response.status_code == 400
    assert "not available any more" in page_text(response) and "My reply" in page_text(response)
    assert not Comment.objects.filter(body="My reply").exists()
    # Sent again as it comes back, it is taken as a comment of its own.
    assert 'name="parent" id="id_parent"' in page_text(response)
    assert post_comment(client, article, parent="", body="My reply").status_code == 303


def test_replies_are_refused_when_the_depth_is_one(client, article):
    comment_settings(reply_depth=1)
    parent = CommentFactory(page=article)
    assert "?replyto=" not in page_text(client.get(article.url))
    response = post_comment(client, article, parent=parent.pk)
    assert response.status_code == 400 and "Replies are switched off" in page_text(response)


def test_rate_limits_per_ip_and_per_email(client, article):
    comment_settings(ip_hourly_limit=4, email_hourly_limit=2)
    assert post_comment(client, article, email="a@example.org").status_code == 303
    assert post_comment(client, article, email="a@example.org").status_code == 303
    limited = post_comment(client, article, email="a@example.org", body="Third try")
    assert limited.status_code == 429
    assert "several comments in a short time" in page_text(limited)
    assert "Third try" in page_text(limited)
    assert post_comment(client, article, email="b@example.org").status_code == 303
    # Five tries from one IP address: its limit of four holds whatever the email.
    assert post_comment(client, article, email="c@example.org").status_code == 429
    assert Comment.objects.count() == 3


def test_the_readers_address_comes_from_the_trusted_proxy(client, article, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    post_comment(
        client,
        article,
        headers={"Origin": ORIGIN, "X-Forwarded-For": "198.51.100.1, 203.0.113.5"},
    )
    assert Comment.objects.get().ip_address == "203.0.113.5"


def test_a_standard_page_takes_comments_once_an_editor_opens_it(client, home):
    about = home.add_child(instance=StandardPage(title="About us", slug="about"))
    closed = post_comment(client, about, body="Who funds you?")
    assert closed.status_code == 403
    assert "Who funds you?" in page_text(closed)  # given back to copy, never lost
    assert not Comment.objects.exists()
    assert 'id="comments"' not in page_text(client.get(about.url))

    about.comments_open = True
    about.save_revision().publish()
    assert 'name="body"' in page_text(client.get(about.url))
    response = post_comment(client, about, body="Who funds you?")
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.page_id == about.pk and comment.status == "pending"
    comment.set_status("approved")
    assert "Who funds you?" in page_text(Client().get(about.url))
