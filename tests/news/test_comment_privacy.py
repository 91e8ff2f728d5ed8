"""A commenter's data: export and erase (admin and command), and IP addresses that expire."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from news.comments import privacy
from news.factories import CommentFactory
from news.models import Comment

pytestmark = pytest.mark.django_db
PAGE = "/admin/comments/commenter/"


@pytest.fixture
def moderator_client(client):
    user = get_user_model().objects.create_user("mod", "mod@example.org", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return client


@pytest.fixture
def commenter_comments(article):
    first = CommentFactory(
        page=article,
        name="Dana",
        email="Dana@Example.org",
        url="https://dana.example",
        body="I was at the picket too.",
        ip_address="198.51.100.4",
    )
    reply = CommentFactory(page=article, parent=first, name="Other", body="A reply to her")
    second = CommentFactory(
        page=article, name="Dana", email="dana@example.org", body="Second", status="pending"
    )
    return first, second, reply


def test_export_holds_everything_stored_about_the_address(commenter_comments, article):
    data = privacy.export("dana@example.org")
    assert data["email"] == "dana@example.org"
    assert [c["body"] for c in data["comments"]] == ["I was at the picket too.", "Second"]
    first = data["comments"][0]
    assert first["ip_address"] == "198.51.100.4" and first["url"] == "https://dana.example"
    assert first["page"] == {"id": article.pk, "title": article.title}
    assert set(privacy.EXPORT_FIELDS) <= set(first)
    json.dumps(data)  # ready to download


def test_erase_keeps_the_text_or_removes_it(client, commenter_comments, article):
    first, second, reply = commenter_comments
    assert privacy.erase("DANA@example.org") == 2
    first.refresh_from_db()
    assert (first.name, first.email, first.url, first.ip_address, first.user_agent) == (
        "",
        "",
        "",
        None,
        "",
    )
    assert first.body == "I was at the picket too." and first.erased_at
    html = client.get(article.url).content.decode()
    assert "Dana" not in html and "Former commenter" in html and "A reply to her" in html
    CommentFactory(page=article, email="dana@example.org", body="Later words")
    assert privacy.erase("dana@example.org", remove_text=True) == 1
    assert not Comment.objects.filter(body="Later words").exists()
    assert Comment.objects.filter(pk=reply.pk, body="A reply to her").exists()


def test_the_admin_page_finds_exports_and_erases(moderator_client, commenter_comments):
    found = moderator_client.get(PAGE, {"email": "dana@example.org"}).content.decode()
    assert "2 comments stored under dana@example.org" in found
    export = moderator_client.post(PAGE, {"email": "dana@example.org", "export": "1"})
    assert export["Content-Disposition"] == 'attachment; filename="commenter-data.json"'
    assert len(json.loads(export.content)["comments"]) == 2
    assert ModelLogEntry.objects.filter(action="news.comment.export").count() == 2

    refused = moderator_client.post(PAGE, {"email": "dana@example.org", "erase": "1"})
    assert refused.status_code == 200 and "Tick the box" in refused.content.decode()
    assert Comment.objects.filter(email__iexact="dana@example.org").count() == 2

    erased = moderator_client.post(
        PAGE,
        {"email": "dana@example.org", "erase": "1", "remove_text": "1", "confirm": "on"},
        follow=True,
    )
    assert "from 2 comments, and their text." in erased.content.decode()
    assert not Comment.objects.filter(email__iexact="dana@example.org").exists()
    entries = ModelLogEntry.objects.filter(action="news.comment.erase")
    assert entries.count() == 2 and all(e.data == {"text_removed": True} for e in entries)
    assert not any(
        "dana" in (e.label + json.dumps(e.data)).lower() for e in ModelLogEntry.objects.all()
    )


def test_the_commands_export_and_erase(commenter_comments):
    out = StringIO()
    call_command("commenter_data", "export", "dana@example.org", stdout=out)
    assert len(json.loads(out.getvalue())["comments"]) == 2
    out = StringIO()
    call_command("commenter_data", "erase", "dana@example.org", stdout=out)
    assert "Erased the details of 2 comment(s)." in out.getvalue()
    assert Comment.objects.filter(body="Second", name="").exists()
    with pytest.raises(CommandError, match="Not an email address"):
        call_command("commenter_data", "erase", "nobody")


def test_ip_addresses_are_cleared_after_the_retention_period(article):
    old = CommentFactory(page=article, created_at=timezone.now() - timedelta(days=31))
    recent = CommentFactory(page=article, created_at=timezone.now() - timedelta(days=29))
    out = StringIO()
    call_command("clear_comment_ips", stdout=out)
    assert "Cleared the IP address of 1 comment(s)." in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ip_address is None and old.user_agent == "" and old.body
    assert recent.ip_address == "192.0.2.10"
    call_command("clear_comment_ips", stdout=out)  # daily, and nothing more to clear
    assert "Cleared the IP address of 0 comment(s)." in out.getvalue()
