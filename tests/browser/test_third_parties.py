"""Nothing in the portal calls out to a third party unless the operator configures it.

A reader's or an editor's browser loads every script, style, font, picture and avatar from the
site itself: no CDN, no web font service, no Gravatar (which would send each editor's hashed
email address to an outside service on every admin page, and show broken images offline).
"""

import pytest
from django.contrib.auth import get_user_model
from wagtail.rich_text import RichText

from donations.factories import DonatePageFactory
from news.factories import (
    AppealPageFactory,
    ArticlePageFactory,
    AuthorFactory,
    CommentFactory,
    PictureFactory,
    SectionPageFactory,
    TopicFactory,
    figure,
)
from news.models import StandardPage

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def every_page_type(home):
    """One page of each kind a reader can reach, with pictures, comments and an appeal box."""
    writer = AuthorFactory(name="Inês Carvalho", photo=PictureFactory())
    topic = TopicFactory(name="Trade unions")
    news = SectionPageFactory(parent=home, title="News", slug="news")
    article = ArticlePageFactory(
        parent=news,
        title="Miners occupy the pit",
        lead_image=PictureFactory(),
        authors=[writer],
        topics=[topic],
        body=[
            ("paragraph", RichText('<p>Read <a href="https://example.org/report">it</a>.</p>')),
            figure(PictureFactory(), alt_text="Miners at the gate"),
        ],
    )
    CommentFactory(page=article)
    appeal = AppealPageFactory(
        parent=news,
        title="Free Ainur Kurmanov",
        targets=[{"name": "The Prosecutor", "emails": "prosecutor@example.org"}],
    )
    about = home.add_child(instance=StandardPage(title="About us", slug="about"))
    DonatePageFactory(parent=home)
    return [
        "/",
        news.url,
        article.url,
        appeal.url,
        about.url,
        "/donate/",
        topic.get_absolute_url(),
        writer.get_absolute_url(),
        "/archive/",
        "/search/?q=miners",
        "/no-such-page/",
    ]


def elsewhere(page, origin):
    """Watch `page`'s requests; the returned list gathers those not made to `origin`."""
    requests = []

    def note(request):
        if not request.url.startswith((origin + "/", "data:", "blob:")):
            requests.append(request.url)

    page.on("request", note)
    return requests


def test_public_pages_load_nothing_from_another_origin(browser_page, live_server, every_page_type):
    outside = elsewhere(browser_page, live_server.url)
    for url in every_page_type:
        browser_page.goto(url)
        browser_page.wait_for_load_state("networkidle")
        assert not outside, f"{url} asked {outside}"


def test_the_admin_asks_no_one_else_about_its_staff(browser_page, live_server, home):
    get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)
    page = browser_page
    outside = elsewhere(page, live_server.url)
    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    for url in ("/admin/", f"/admin/pages/{home.pk}/", "/admin/account/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    # The editor's avatar is the admin's own default picture, not a Gravatar lookup.
    avatar = page.locator(".avatar img").first.get_attribute("src")
    assert avatar.startswith("/static/"), avatar
    assert not outside, outside
