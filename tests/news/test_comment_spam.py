"""The spam score's signals, the blocklist, Akismet at its HTTP boundary, and sensitive mode."""

import pytest
import requests
from django.test import Client

from news.comments import akismet
from news.comments.sensitive import exposures
from news.comments.spam import assess_text
from news.factories import CommentFactory
from news.models import BlockedTerm, Comment
from news.models.blocklist import blocklist_matches
from tests.news.commenting import post_comment

pytestmark = pytest.mark.django_db


# Words and links


def test_an_honest_comment_scores_nothing():
    assessment = assess_text("Solidarity with the oil workers. The strike must win!")
    assert assessment.score == 0 and not assessment.flags


def test_links_over_the_threshold_count_and_one_signal_alone_is_not_spam():
    two = assess_text("Sources: https://a.example/x and https://b.example/y for the details.")
    assert two.reasons == ["links: 2"] and not two.is_spam
    many = assess_text(
        "Read https://a.example/1 https://b.example/2 https://c.example/3 https://d.example/4 "
        "for the background to the strike.",
        link_limit=2,
    )
    assert "links: 4" in many.reasons and not many.is_spam


def test_self_promotion_adds_up_to_spam():
    assessment = assess_text("Check out my channel and subscribe to me! http://bit.ly/xyz")
    assert assessment.is_spam
    assert "asks to check out their own content" in assessment.reasons
    assert "shortened link" in assessment.reasons


# The blocklist


@pytest.mark.parametrize(
    ("kind", "value", "fields", "reason"),
    [
        ("word", "Casino", {"body": "Best CASINO bonus"}, "blocklist: word 'casino'"),
        (
            "word",
            "cheap  pills",
            {"body": "buy Cheap\n pills now"},
            "blocklist: word 'cheap pills'",
        ),
        ("word", "ass", {"body": "a class act"}, None),  # whole words only
        ("email", "Troll@Example.org", {"email": "troll@example.org"}, "blocklist: email address"),
        (
            "domain",
            "spam.example",
            {"email": "x@mail.spam.example"},
            "blocklist: domain spam.example",
        ),
        (
            "domain",
            "spam.example",
            {"body": "see https://www.spam.example/win"},
            "blocklist: domain spam.example",
        ),
        (
            "domain",
            "spam.example",
            {"url": "http://spam.example"},
            "blocklist: domain spam.example",
        ),
        ("domain", "spam.example", {"body": "notspam.example is fine"}, None),
        ("ip", "203.0.113.7", {"ip_address": "203.0.113.7"}, "blocklist: IP address"),
        ("ip", "203.0.113.0/24", {"ip_address": "203.0.113.200"}, "blocklist: IP address"),
        ("ip", "203.0.113.0/24", {"ip_address": "203.0.114.1"}, None),
        ("ip", "2001:db8::/32", {"ip_address": "2001:db8::1"}, "blocklist: IP address"),
        ("ip", "2001:db8::/32", {"ip_address": None}, None),
    ],
)
def test_blocklist_matches(kind, value, fields, reason):
    term = BlockedTerm(kind=kind, value=value)
    term.full_clean()
    term.save()
    comment = {"name": "A", "email": "a@example.org", "url": "", "body": "", "ip_address": None}
    comment.update(fields)
    assert blocklist_matches(**comment) == ([reason] if reason else [])


def test_a_blocklist_match_sends_a_post_straight_to_spam(client, article):
    BlockedTerm.objects.create(kind="ip", value="127.0.0.0/8")
    post_comment(client, article)
    comment = Comment.objects.get()
    assert comment.status == "spam" and comment.flags == ["blocklist: IP address"]


# Akismet, at its one HTTP call


class FakeResponse:
    def __init__(self, text, status=200):
        self.text, self.status_code, self.headers = text, status, {}


@pytest.fixture
def akismet_key(settings):
    settings.AKISMET_API_KEY = "test-key"


def test_akismet_is_asked_and_its_spam_verdict_counts(client, article, akismet_key, monkeypatch):
    calls = []

    def fake_post(url, data, timeout):
        calls.append((url, data))
        return FakeResponse("true")

    monkeypatch.setattr(akismet.requests, "post", fake_post)
    post_comment(client, article, body="Totally innocent words")
    ((url, data),) = calls
    assert url == "https://test-key.rest.akismet.com/1.1/comment-check"
    assert data["comment_content"] == "Totally innocent words"
    assert data["user_ip"] == "127.0.0.1" and data["permalink"].endswith(article.url)
    comment = Comment.objects.get()
    assert comment.status == "spam" and "akismet: spam" in comment.flags


def test_akismet_ham_leaves_the_comment_waiting(client, article, akismet_key, monkeypatch):
    monkeypatch.setattr(akismet.requests, "post", lambda *a, **k: FakeResponse("false"))
    post_comment(client, article)
    assert Comment.objects.get().status == "pending"


@pytest.mark.parametrize(
    "failure",
    [
        requests.ConnectionError("no route"),
        requests.Timeout("slow"),
        FakeResponse("invalid", status=200),
        FakeResponse("", status=500),
    ],
)
def test_akismet_failure_leaves_the_comment_pending_even_if_trusted(
    client, article, akismet_key, monkeypatch, failure
):
    from wagtail.models import Site

    from news.models import CommentSettings

    settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    settings.trust_returning_commenters = True
    settings.save()
    CommentFactory(page=article, email="aigerim@example.org")

    def fake_post(*args, **kwargs):
        if isinstance(failure, Exception):
            raise failure
        return failure

    monkeypatch.setattr(akismet.requests, "post", fake_post)
    response = post_comment(client, article, body="Honest words")
    assert response.status_code == 303
    comment = Comment.objects.get(body="Honest words")
    assert comment.status == "pending" and "akismet: no answer" in comment.flags


def test_without_a_key_akismet_is_never_called(client, article, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Akismet must not be called without a key")

    monkeypatch.setattr(akismet.requests, "post", refuse)
    assert post_comment(Client(), article).status_code == 303


# Sensitive details


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call him on +7 (727) 271 65 79 today", ["phone number"]),
        ("Her number is 0123456789", ["phone number"]),
        ("Write to ainur@example.org", ["email address"]),
        ("ainur at example dot org", ["email address"]),
        ("He lives at 12 Baker Street", ["street address"]),
        ("Wallnerstrasse 6, Vienna", ["street address"]),
        ("ul. Abaya 44, Almaty", ["street address"]),
        ("London SW1A 1AA", ["street address"]),
        ("Jailed from 2010-2012 for 15 days", []),
        ("On 28.04.2010 over 1 000 000 people marched", []),
        ("15 workers went to court", []),
    ],
)
def test_sensitive_details_are_recognised(text, found):
    assert exposures(text) == found
