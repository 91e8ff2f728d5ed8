"""Moderators are emailed when comments wait: at once, or as a daily digest."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from wagtail.models import Site

from news.comments.tasks import notify_moderators
from news.factories import CommentFactory
from news.models import Comment, CommentSettings
from tests.news.commenting import post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderators(db):
    User = get_user_model()
    group = Group.objects.get(name="Moderators")
    for name in ("moira", "max"):
        User.objects.create_user(name, f"{name}@example.org", "pw").groups.add(group)
    User.objects.create_user("editor", "editor@example.org", "pw")  # not a moderator
    User.objects.create_user("gone", "gone@example.org", "pw", is_active=False).groups.add(group)


def test_moderators_are_told_at_once(
    client, article, moderators, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, name="Aigerim", body="Free Ainur now, and his colleagues.")
    (message,) = mail.outbox
    assert sorted(message.to) == ["max@example.org", "moira@example.org"]
    assert message.subject == f"A comment on “{article.title}” is waiting for moderation"
    assert "Aigerim" in message.body and "Free Ainur now" in message.body
    assert "http://testserver/admin/comments/?status=pending" in message.body
    assert "aigerim@example.org" not in message.body  # addresses stay in the admin
    assert Comment.objects.get().notified_at is not None


def test_the_task_is_safe_to_run_twice(article, moderators):
    comment = CommentFactory(page=article, status="pending")
    assert notify_moderators.call([comment.pk]) == 1
    assert notify_moderators.call([comment.pk]) == 0
    assert len(mail.outbox) == 1
    approved = CommentFactory(page=article, status="approved")
    assert notify_moderators.call([approved.pk]) == 0  # nothing waits


def test_the_digest_gathers_what_waits(
    client, article, moderators, django_capture_on_commit_callbacks
):
    settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    settings.notify = "digest"
    settings.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, email="one@example.org")
        post_comment(client, article, email="two@example.org")
    assert mail.outbox == []
    out = StringIO()
    call_command("comment_digest", stdout=out)
    (message,) = mail.outbox
    assert message.subject == "2 comments are waiting for moderation"
    assert "2 comments waiting in all" in message.body
    call_command("comment_digest", stdout=out)
    assert len(mail.outbox) == 1 and "No comments wait" in out.getvalue()


def test_nobody_to_tell_leaves_comments_unannounced(article):
    comment = CommentFactory(page=article, status="pending")
    assert notify_moderators.call([comment.pk]) == 0
    comment.refresh_from_db()
    assert comment.notified_at is None
