"""WordPress comments arrive with their threads, dates, authors and statuses."""

import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from wagtail.models import ReferenceIndex

from news.models import ArticlePage, Comment, CommentStatus, StandardPage
from tests.news.wordpress_exports import (
    FIXTURES,
    comment,
    export,
    import_report,
    item,
    run_import,
    write,
)

pytestmark = pytest.mark.django_db


def discussion():
    return export(
        item(
            1,
            title="Dockers refuse arms shipment",
            comments=[
                comment(
                    11,
                    "Solidarity from Liverpool!",
                    approved="1",
                    author="Jo",
                    ip="192.0.2.7",
                    url="https://jo.example",
                    date="2020-05-02 08:00:00",
                ),
                # A reply that comes before its parent in the file.
                comment(12, "Agreed, and from Genoa.", parent=14, author="Gianni"),
                comment(13, "Waiting for a moderator.", approved="0", author="Held"),
                comment(14, "Which port?", approved="1", parent=11, author="Sam"),
                comment(15, "Cheap watches", approved="spam", author="Spammer"),
                comment(16, "Binned", approved="trash", author="Troll"),
                comment(17, "Linked from my blog", comment_type="pingback", author="A blog"),
                comment(18, "Tracked", comment_type="trackback", author="Another blog"),
                comment(
                    19,
                    "Odd details",
                    author="",
                    email="not an email",
                    url="javascript:x",
                    ip="999.1.1.1",
                ),
            ],
        ),
        item(2, title="About", post_type="page", comments=[comment(21, "On a page")]),
    )


def by_body():
    return {c.body: c for c in Comment.objects.all()}


def test_comments_keep_status_thread_dates_and_authors(home, tmp_path):
    report = import_report(write(tmp_path, discussion()), tmp_path)
    comments = by_body()
    assert {body: c.status for body, c in comments.items()} == {
        "Solidarity from Liverpool!": CommentStatus.APPROVED,
        "Agreed, and from Genoa.": CommentStatus.APPROVED,
        "Waiting for a moderator.": CommentStatus.PENDING,
        "Which port?": CommentStatus.APPROVED,
        "Cheap watches": CommentStatus.SPAM,
        "Binned": CommentStatus.REJECTED,
        "Odd details": CommentStatus.APPROVED,
        "On a page": CommentStatus.APPROVED,
    }
    first = comments["Solidarity from Liverpool!"]
    assert first.page_id == ArticlePage.objects.get().pk
    assert (first.name, first.email, first.url, first.ip_address) == (
        "Jo",
        "reader@example.org",
        "https://jo.example",
        "192.0.2.7",
    )
    assert first.created_at == datetime(2020, 5, 2, 8, tzinfo=UTC)
    assert comments["Which port?"].parent == first
    assert comments["Agreed, and from Genoa."].parent == comments["Which port?"]
    odd = comments["Odd details"]
    assert (odd.name, odd.email, odd.url, odd.ip_address) == ("Anonymous", "", "", None)

    assert report["counts"]["comment"] == {"created": 8, "updated": 0, "skipped": 2, "failed": 0}
    messages = {note["message"] for note in report["notes"]}
    assert "2 pingbacks and trackbacks skipped (--with-pingbacks imports them)" in messages


def test_a_wordpress_pages_discussion_comes_to_its_standard_page(home, tmp_path, client):
    run_import(
        write(
            tmp_path,
            export(
                item(2, title="About", post_type="page", comments=[comment(21, "On a page")]),
                item(
                    3,
                    title="Contact",
                    post_type="page",
                    comment_status="closed",
                    comments=[comment(31, "Old thanks")],
                ),
                item(4, title="Privacy", post_type="page", comment_status="closed"),
            ),
        )
    )
    about, contact, privacy = (
        StandardPage.objects.get(title=t) for t in ("About", "Contact", "Privacy")
    )
    assert by_body()["On a page"].page_id == about.pk
    assert (about.comments_open, contact.comments_open, privacy.comments_open) == (
        True,
        False,
        False,
    )
    # Open in WordPress: the thread and the form, as under an article.
    page = client.get(about.url).content.decode()
    assert "On a page" in page and 'name="body"' in page
    # Closed, with history: the thread stays readable, no form.
    page = client.get(contact.url).content.decode()
    assert "Old thanks" in page and "Comments are closed." in page and 'name="body"' not in page
    # Closed and never discussed: no comments section at all.
    assert 'id="comments"' not in client.get(privacy.url).content.decode()


def test_imported_history_is_shown_but_not_announced_to_moderators(home, tmp_path, client):
    run_import(write(tmp_path, discussion()))
    html = client.get(ArticlePage.objects.get().url).content.decode()
    assert "Solidarity from Liverpool!" in html
    assert "Which port?" in html
    assert "Waiting for a moderator." not in html
    assert "Cheap watches" not in html
    # The held comment waits in the queue; nobody is emailed about years-old comments.
    get_user_model().objects.create_superuser("moderator", "mod@example.org", "not-used-here")
    out = io.StringIO()
    call_command("comment_digest", stdout=out)
    assert "No comments wait" in out.getvalue()
    assert mail.outbox == []
    assert Comment.objects.pending().get().notified_at is not None


def test_a_second_run_duplicates_no_comment(home, tmp_path):
    path = write(tmp_path, discussion())
    run_import(path)
    before = sorted(Comment.objects.values_list("pk", "parent_id", "status", "body"))
    report = import_report(path, tmp_path)
    assert sorted(Comment.objects.values_list("pk", "parent_id", "status", "body")) == before
    assert report["counts"]["comment"] == {"created": 0, "updated": 0, "skipped": 10, "failed": 0}


def test_a_comment_approved_since_is_updated_in_place(home, tmp_path):
    path = write(tmp_path, export(item(1, comments=[comment(11, "Held", approved="0")])))
    run_import(path)
    held = Comment.objects.get()
    write(tmp_path, export(item(1, comments=[comment(11, "Held", approved="1")])))
    run_import(path)
    held.refresh_from_db()
    assert held.status == CommentStatus.APPROVED
    assert Comment.objects.count() == 1


def test_pingbacks_on_request(home, tmp_path):
    run_import(write(tmp_path, discussion()), with_pingbacks=True)
    assert {"Linked from my blog", "Tracked"} <= set(by_body())


def test_the_small_export_comment(home):
    run_import(FIXTURES / "small-export.xml")
    only = Comment.objects.get()
    assert only.page.title == "Hello world!"
    assert only.name == "Mr WordPress"
    assert only.url == "http://wordpress.org/"
    assert only.status == CommentStatus.APPROVED
    assert only.created_at == datetime(2011, 1, 18, 7, 40, 14, tzinfo=UTC)
    assert only.body == (
        "Hi, this is a comment.\nTo delete a comment, just log in and view the post's comments. "
        "There you will have the option to edit or delete them."
    )


def test_comments_are_in_the_reference_index_as_wagtail_would_put_them(home, tmp_path):
    run_import(write(tmp_path, discussion()))

    def rows():
        return sorted(
            ReferenceIndex.objects.values_list(
                "content_type",
                "base_content_type",
                "object_id",
                "to_content_type",
                "to_object_id",
                "model_path",
                "content_path",
                "content_path_hash",
            )
        )

    imported = rows()
    assert len(imported) > Comment.objects.count()  # each has its page, replies their parent
    for imported_comment in Comment.objects.all():
        ReferenceIndex.create_or_update_for_object(imported_comment)
    assert rows() == imported
