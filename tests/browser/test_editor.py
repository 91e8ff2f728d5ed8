import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from news.factories import ArticlePageFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def no_autosave(settings):
    """Wagtail's autosave posts in the background while the editor types. The live server's
    request threads share one in-memory SQLite connection, so an autosave racing "Publish"
    locks a table; these journeys save only when the editor says so."""
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)


def add_block(page, kind):
    """Append a block to the body through the StreamField's "Insert a block" menu; return it."""
    body = page.locator("#body-root")
    body.get_by_title("Insert a block").last.click()
    page.get_by_role("option", name=kind, exact=True).click()
    return body.locator(
        ":scope > [data-streamfield-stream-container] > [data-streamfield-child]"
    ).last


def test_editor_writes_and_publishes_an_article_that_leads_its_section_and_the_feed(
    browser_page, editor, section, author
):
    ArticlePageFactory(
        parent=section,
        title="Yesterday's news",
        first_published_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    TopicFactory(name="Trade unions")
    page = browser_page

    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Pages → the section → Add child page → Article page.
    page.goto(f"/admin/pages/{section.pk}/")
    page.get_by_role("link", name="Add child page").first.click()
    page.get_by_role("link", name="Article page", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/add/news/articlepage/{section.pk}/$"))

    page.get_by_role("textbox", name="Title*").fill("Miners occupy the pit")
    page.get_by_role("textbox", name="Standfirst*").fill("They will not leave until it stays open.")

    page.get_by_role("button", name="Add Author").click()
    page.get_by_role("button", name="Choose author").click()
    page.get_by_role("dialog").get_by_role("link", name=author.name).click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    paragraph = add_block(page, "Paragraph")
    paragraph.get_by_role("textbox").click()
    page.keyboard.type("Three hundred miners stayed underground overnight.")
    heading = add_block(page, "Heading")
    heading.get_by_role("textbox", name="Text*").fill("What they want")
    heading.get_by_role("combobox", name="Level*").select_option(label="Section heading")
    quote = add_block(page, "Quote")
    quote.get_by_role("textbox", name="Quote*").fill("We built this pit and we will keep it.")
    quote.get_by_role("textbox", name="Attribution").fill("A union steward")
    item_list = add_block(page, "List")
    item_list.get_by_role("checkbox", name="Numbered").check()
    item_list.locator("input[type=text]").last.fill("No closure")
    item_list.get_by_title("Add").last.click()
    item_list.locator("input[type=text]").last.fill("No victimisation")

    page.get_by_label("Topics").select_option(label="Trade unions")

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "'Miners occupy the pit' created and published"
    )

    # What readers see: first in the section, the blocks in order, first in the site feed.
    page.goto(section.url)
    expect(page.locator(".card__title").first).to_have_text("Miners occupy the pit")
    page.get_by_role("link", name="Miners occupy the pit").click()
    article = page.get_by_role("article")
    expect(article.get_by_role("heading", level=1)).to_have_text("Miners occupy the pit")
    expect(article.locator(".byline")).to_contain_text(f"By {author.name}")
    expect(
        article.get_by_text("Three hundred miners stayed underground overnight.")
    ).to_be_visible()
    expect(article.get_by_role("heading", level=2)).to_have_text("What they want")
    expect(article.locator("blockquote")).to_have_text("We built this pit and we will keep it.")
    expect(article.locator(".article__body ol > li")).to_have_text(
        ["No closure", "No victimisation"]
    )
    expect(article.locator(".terms").get_by_role("link", name="Trade unions")).to_be_visible()

    feed = page.request.get("/feed/")
    assert feed.ok
    items = ET.fromstring(feed.body()).findall("./channel/item")
    assert [item.findtext("title") for item in items[:2]] == [
        "Miners occupy the pit",
        "Yesterday's news",
    ]
    content = items[0].findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert "We built this pit and we will keep it." in content


def test_editor_schedules_an_article_to_go_live_later(browser_page, editor, section):
    draft = ArticlePageFactory(
        parent=section, title="Embargoed report", live=False, first_published_at=None
    )
    draft.save_revision()
    go_live = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    page = browser_page
    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"/admin/pages/{draft.pk}/edit/")
    page.get_by_role("button", name="Toggle status").click()
    page.get_by_role("button", name="Set schedule").click()
    dialog = page.get_by_role("dialog", name="Set publishing schedule")
    dialog.get_by_role("textbox", name="Go live date/time").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    # From the keyboard: the date picker's calendar may still cover the button.
    dialog.get_by_role("button", name="Save schedule").press("Enter")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Schedule to publish").click()
    expect(page.get_by_role("status")).to_contain_text("'Embargoed report' has been scheduled")

    draft.refresh_from_db()
    assert not draft.live and draft.go_live_at == go_live
    assert draft.revisions.get(approved_go_live_at__isnull=False).approved_go_live_at == go_live
    assert page.request.get(draft.url).status == 404
