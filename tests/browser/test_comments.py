"""A reader comments, a moderator approves in bulk, the reader sees it published."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from wagtail.models import Site

from news.factories import ArticlePageFactory, CommentFactory
from news.models import Comment, CommentSettings

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "<script>window.scriptRan = true</script>\nFree Ainur Kurmanov!"


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user("moira", "moira@example.org", "moderate-me")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_reader_comments_moderator_approves_in_bulk_reader_sees_it(
    browser_page, chromium, live_server, section, moderator
):
    article = ArticlePageFactory(parent=section, title="Journalist jailed")
    waiting = CommentFactory(page=article, status="pending", name="Marat", body="Any news?")
    settings = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    settings.min_fill_seconds = 0  # a browser driven by a test types faster than anyone
    settings.save()

    reader = browser_page
    dialogs = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.goto(article.url)
    expect(reader.get_by_role("heading", name="Be the first to comment")).to_be_visible()
    reader.get_by_label("Name").fill("Aigerim")
    reader.get_by_label("Email").fill("aigerim@example.org")
    reader.get_by_label("Comment", exact=True).fill(BODY)
    reader.get_by_role("button", name="Send comment").click()

    expect(reader).to_have_url(re.compile(r"\?comment=sent#comment-\d+$"))
    mine = Comment.objects.get(name="Aigerim")
    own = reader.locator(f"#comment-{mine.pk}")
    expect(own).to_contain_text("Your comment is awaiting moderation")
    expect(own).to_contain_text("<script>window.scriptRan = true</script>")
    expect(reader.get_by_role("heading", name="Be the first to comment")).to_be_visible()

    # The moderator, in a browser of their own, approves both waiting comments at once.
    context = chromium.new_context(base_url=live_server.url)
    admin = context.new_page()
    admin.goto("/admin/login/")
    admin.get_by_label("Username").fill("moira")
    admin.get_by_label("Password").fill("moderate-me")
    admin.get_by_role("button", name="Sign in").click()
    admin.get_by_role("link", name="Comments, 2 waiting").click()  # the badged menu item
    expect(admin).to_have_url(re.compile(r"/admin/comments/\?status=pending$"))
    for comment in (mine, waiting):
        admin.locator(f'input[data-object-id="{comment.pk}"]').check()
    admin.get_by_role("link", name="Approve the selected comments").click()
    admin.get_by_role("button", name="Yes, approve").click()
    expect(admin.get_by_text("2 comments approved.")).to_be_visible()
    context.close()

    reader.reload()
    expect(reader.get_by_role("heading", name="2 comments")).to_be_visible()
    own = reader.locator(f"#comment-{mine.pk}")
    expect(own).to_contain_text("Free Ainur Kurmanov!")
    expect(own).not_to_contain_text("awaiting moderation")
    expect(own).to_contain_text("<script>window.scriptRan = true</script>")
    assert reader.evaluate("window.scriptRan") is None and not dialogs

    # Another reader, on the page everyone shares, sees it too.
    reader.goto(article.url)
    expect(reader.get_by_role("heading", name="2 comments")).to_be_visible()
