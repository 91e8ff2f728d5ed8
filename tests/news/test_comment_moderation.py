"""Moderators in the Wagtail admin: the queue, row and bulk actions, the audit log, permissions."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from news.factories import ArticlePageFactory, CommentFactory
from news.models import BlockedTerm, Comment

pytestmark = pytest.mark.django_db
LIST = "/admin/comments/"


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user("mod", "mod@example.org", "pw", first_name="Moira")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


# The one method, and its audit log


def test_every_status_change_is_logged_with_who_and_from_what(article, moderator):
    comment = CommentFactory(page=article, status="pending")
    assert comment.set_status("approved", by=moderator)
    assert comment.set_status("rejected", by=moderator)
    assert not comment.set_status("rejected", by=moderator)  # no change, no entry
    entries = ModelLogEntry.objects.filter(object_id=str(comment.pk)).order_by("timestamp", "pk")
    assert [(e.action, e.user_id, e.data) for e in entries] == [
        ("news.comment.approve", moderator.pk, {"from": "pending", "to": "approved"}),
        ("news.comment.reject", moderator.pk, {"from": "approved", "to": "rejected"}),
    ]
    assert entries[0].label == f"Comment #{comment.pk}"  # no name or email in the log
    comment.refresh_from_db()
    assert comment.status == "rejected"


def test_nothing_goes_back_to_pending(article):
    comment = CommentFactory(page=article, status="spam")
    with pytest.raises(ValueError, match="back to pending"):
        comment.set_status("pending")
    with pytest.raises(ValueError):
        comment.set_status("published")


def test_the_history_page_tells_the_story(moderator_client, article, moderator):
    comment = CommentFactory(page=article, status="pending")
    comment.set_status("spam", by=moderator)
    html = moderator_client.get(f"{LIST}history/{comment.pk}/").content.decode()
    assert "Mark comment as spam: pending → spam" in html


# The queue


def test_the_menu_badges_the_pending_count_and_the_dashboard_lists_them(moderator_client, article):
    CommentFactory.create_batch(3, page=article, status="pending", body="Waiting here")
    CommentFactory(page=article, status="approved")
    html = moderator_client.get("/admin/").content.decode()
    assert "data-pending-count" in html and "Comments, 3 waiting" in html
    assert "Comments waiting for moderation" in html and "Waiting here" in html
    assert "3 comments waiting" in html


def test_the_listing_filters_by_status_page_date_and_email(moderator_client, section):
    first = ArticlePageFactory(parent=section, title="First article")
    second = ArticlePageFactory(parent=section, title="Second article")
    CommentFactory(page=first, status="pending", body="pending on first", email="x@example.org")
    CommentFactory(page=second, status="approved", body="approved on second")
    CommentFactory(page=second, status="spam", body="old spam", created_at="2020-01-05T10:00Z")

    def shown(query):
        html = moderator_client.get(LIST + query).content.decode()
        return {b for b in ("pending on first", "approved on second", "old spam") if b in html}

    assert shown("?status=pending") == {"pending on first"}
    assert shown(f"?article={second.pk}") == {"approved on second", "old spam"}
    assert shown("?created_at_from=2020-01-01&created_at_to=2020-01-31") == {"old spam"}
    assert shown("?email=X@example.org") == {"pending on first"}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("careful words", True),
        ("Zarina", True),
        ("zarina@example", True),
        ("203.0.113", True),
        ("nothing like it", False),
    ],
)
def test_the_listing_searches_text_name_email_and_ip(moderator_client, article, query, found):
    CommentFactory(
        page=article,
        body="Some careful words",
        name="Zarina",
        email="zarina@example.org",
        ip_address="203.0.113.77",
    )
    html = moderator_client.get(LIST, {"q": query}).content.decode()
    assert ("Some careful words" in html) is found


def test_one_click_approves_from_the_row(moderator_client, article, moderator):
    comment = CommentFactory(page=article, status="pending")
    listing = moderator_client.get(LIST + "?status=pending").content.decode()
    assert f'action="{LIST}moderate/{comment.pk}/approved/"' in listing
    response = moderator_client.post(
        f"{LIST}moderate/{comment.pk}/approved/", {"next": LIST + "?status=pending"}
    )
    assert response.status_code == 302 and response["Location"] == LIST + "?status=pending"
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert ModelLogEntry.objects.get(object_id=str(comment.pk)).user == moderator
    assert moderator_client.get(f"{LIST}moderate/{comment.pk}/approved/").status_code == 405
    other = CommentFactory(page=article, status="pending")
    assert moderator_client.post(f"{LIST}moderate/{other.pk}/pending/").status_code == 404
    foreign = moderator_client.post(
        f"{LIST}moderate/{other.pk}/spam/", {"next": "https://evil.example/"}
    )
    assert foreign["Location"] == LIST


@pytest.mark.parametrize(
    ("action", "status"), [("approve", "approved"), ("spam", "spam"), ("reject", "rejected")]
)
def test_bulk_actions_on_a_selection(moderator_client, article, moderator, action, status):
    chosen = CommentFactory.create_batch(2, page=article, status="pending")
    left = CommentFactory(page=article, status="pending")
    url = f"/admin/bulk/news/comment/{action}/?id={chosen[0].pk}&id={chosen[1].pk}&next={LIST}"
    confirm = moderator_client.get(url)
    assert confirm.status_code == 200 and "2 comments" in confirm.content.decode()
    response = moderator_client.post(url)
    assert response.status_code == 302
    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in chosen])} == {status}
    assert Comment.objects.get(pk=left.pk).status == "pending"
    assert (
        ModelLogEntry.objects.filter(action=f"news.comment.{action}", user=moderator).count() == 2
    )


def test_select_all_acts_on_what_the_listing_shows_only(moderator_client, section):
    shown = ArticlePageFactory(parent=section, title="Shown")
    hidden = ArticlePageFactory(parent=section, title="Hidden")
    CommentFactory.create_batch(2, page=shown, status="pending")
    kept = CommentFactory(page=hidden, status="pending")
    url = f"/admin/bulk/news/comment/spam/?status=pending&article={shown.pk}&id=all&next={LIST}"
    moderator_client.post(url)
    assert Comment.objects.filter(page=shown, status="spam").count() == 2
    assert Comment.objects.get(pk=kept.pk).status == "pending"


def test_a_moderator_edits_the_text_and_the_page_shows_it(moderator_client, client, article):
    comment = CommentFactory(page=article, body="Teh typo", name="Anna")
    assert "Teh typo" in client.get(article.url).content.decode()
    response = moderator_client.post(
        f"{LIST}edit/{comment.pk}/", {"body": "The typo, fixed", "name": "Anna", "url": ""}
    )
    assert response.status_code == 302
    assert "The typo, fixed" in client.get(article.url).content.decode()
    assert ModelLogEntry.objects.filter(object_id=str(comment.pk), action="wagtail.edit").exists()


def test_a_commenters_other_comments_are_one_click_away(moderator_client, section):
    one = ArticlePageFactory(parent=section, title="One")
    two = ArticlePageFactory(parent=section, title="Two")
    CommentFactory(page=one, email="same@example.org", body="On one")
    CommentFactory(page=two, email="same@example.org", body="On two", status="pending")
    CommentFactory(page=two, email="else@example.org", body="Someone else")
    listing = moderator_client.get(LIST).content.decode()
    assert f'href="{LIST}?email=same%40example.org"' in listing
    html = moderator_client.get(LIST, {"email": "same@example.org"}).content.decode()
    assert "On one" in html and "On two" in html and "Someone else" not in html


# Who may do what


def test_moderators_moderate_comments_and_nothing_else(moderator, article):
    assert moderator.has_perm("wagtailadmin.access_admin")
    for perm in ("news.change_comment", "news.erase_commenter", "news.add_blockedterm"):
        assert moderator.has_perm(perm), perm
    for perm in (
        "news.add_comment",
        "news.delete_comment",
        "wagtailcore.add_page",
        "wagtailcore.change_page",
        "wagtailimages.add_image",
        "wagtaildocs.add_document",
        "news.change_commentsettings",
        "news.change_author",
        "portal.change_user",
    ):
        assert not moderator.has_perm(perm), perm
    assert not Group.objects.get(name="Moderators").page_permissions.exists()
    # Wagtail's page moderators keep their powers under a plainer name.
    assert Group.objects.get(name="Page moderators").page_permissions.exists()


def test_moderators_see_the_queue_but_not_the_page_editor(moderator_client, article):
    assert moderator_client.get(LIST).status_code == 200
    assert moderator_client.get(f"/admin/pages/{article.pk}/edit/").status_code in (302, 403)
    assert moderator_client.get("/admin/comments/add/").status_code in (302, 403)


def test_people_without_the_permission_are_kept_out(client, article):
    comment = CommentFactory(page=article, status="pending")
    editor = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    # Wagtail's admin answers a refusal by sending them back to the dashboard.
    assert client.get(LIST).status_code in (302, 403)
    assert client.post(f"{LIST}moderate/{comment.pk}/approved/").status_code in (302, 403)
    assert client.get(f"{LIST}commenter/").status_code in (302, 403)
    client.post(f"/admin/bulk/news/comment/approve/?id={comment.pk}")
    comment.refresh_from_db()
    assert comment.status == "pending"
    client.logout()
    assert client.post(f"{LIST}moderate/{comment.pk}/approved/").status_code == 302  # to login
    comment.refresh_from_db()
    assert comment.status == "pending"


# The blocklist, managed in the admin


def test_the_blocklist_is_managed_in_the_admin(moderator_client):
    response = moderator_client.post(
        "/admin/comments/blocklist/add/", {"kind": "domain", "value": "@Spam.Example.", "note": ""}
    )
    assert response.status_code == 302
    assert BlockedTerm.objects.get().value == "spam.example"
    bad = moderator_client.post(
        "/admin/comments/blocklist/add/", {"kind": "ip", "value": "not-an-ip", "note": ""}
    )
    assert bad.status_code == 200 and "Enter an IP address" in bad.content.decode()
    assert "Comment blocklist" in moderator_client.get("/admin/").content.decode()
