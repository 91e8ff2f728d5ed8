import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from wagtail.rich_text import RichText

from news.factories import (
    AppealPageFactory,
    ArticlePageFactory,
    SectionPageFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def newsroom(home, section):
    """An urgent appeal and three articles: two share its topic, two date from April 2010."""
    press_freedom = TopicFactory(name="Press freedom")
    appeals = SectionPageFactory(parent=home, title="Appeals", slug="appeals")
    AppealPageFactory(
        parent=appeals,
        title="Free the jailed journalist",
        standfirst="Send protests to the prosecutor.",
        topics=[press_freedom],
        first_published_at=datetime(2010, 4, 28, 9, tzinfo=UTC),
    )
    ArticlePageFactory(
        parent=section,
        title="Reporters under pressure",
        topics=[press_freedom],
        first_published_at=datetime(2010, 4, 12, 9, tzinfo=UTC),
    )
    ArticlePageFactory(
        parent=section,
        title="Dockers refuse arms shipments",
        standfirst="Port workers stop the loading.",
        body=[("paragraph", RichText("<p>The cargo was bound for a war zone in Genoa.</p>"))],
        first_published_at=datetime(2011, 6, 1, 9, tzinfo=UTC),
    )
    ArticlePageFactory(
        parent=section,
        title="Teachers win pay rise",
        first_published_at=datetime(2010, 5, 3, 9, tzinfo=UTC),
    )


def test_reader_follows_the_banner_browses_a_topic_and_an_archive_and_searches(
    browser_page, newsroom
):
    page = browser_page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)

    # The urgent banner, on every page, leads to the appeal.
    banner = page.get_by_role("complementary", name="Urgent appeal")
    banner.get_by_role("link", name="Free the jailed journalist").click()
    expect(page).to_have_url(re.compile(r"/appeals/free-the-jailed-journalist/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Free the jailed journalist")
    expect(page.get_by_text("Urgent appeal", exact=True).first).to_be_visible()

    # Its topic lists everything on the subject, newest first.
    page.locator(".terms").get_by_role("link", name="Press freedom").click()
    expect(page).to_have_url(re.compile(r"/topics/press-freedom/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Press freedom")
    expect(page.locator(".card__title")).to_have_text(
        ["Free the jailed journalist", "Reporters under pressure"]
    )

    # The archive, from the footer: the months with their counts, then April 2010.
    page.get_by_role("contentinfo").get_by_role("link", name="Archive").click()
    year_2010 = page.locator(".archive-year", has=page.get_by_role("heading", name="2010"))
    expect(year_2010.locator("li")).to_have_text(["May (1)", "April (2)"])
    year_2010.get_by_role("link", name="April").click()
    expect(page).to_have_url(re.compile(r"/2010/04/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("April 2010")
    expect(page.get_by_text("2 articles")).to_be_visible()
    expect(page.locator(".card__title")).to_have_text(
        ["Free the jailed journalist", "Reporters under pressure"]
    )

    # Search from the header: the result shows the matched words and opens the article.
    page.get_by_role("search").get_by_label("Search").fill("cargo")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=cargo$"))
    expect(page.get_by_role("status")).to_have_text("1 result for “cargo”")
    expect(page.locator(".search-result mark")).to_have_text(["cargo"])
    page.get_by_role("link", name="Dockers refuse arms shipments").click()
    expect(page).to_have_url(re.compile(r"/analysis/dockers-refuse-arms-shipments/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dockers refuse arms shipments")
    expect(page.get_by_text("The cargo was bound for a war zone in Genoa.")).to_be_visible()
