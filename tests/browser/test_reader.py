import re

import pytest
from playwright.sync_api import expect

from news.factories import AppealPageFactory, ArticlePageFactory, SectionPageFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_follows_the_urgent_banner_to_the_appeal(browser_page, home, section):
    appeals = SectionPageFactory(parent=home, title="Appeals", slug="appeals")
    AppealPageFactory(parent=appeals, title="Free the jailed journalist", standfirst="Act now.")
    ArticlePageFactory(parent=section, title="An analysis", topics=[TopicFactory(name="Labour")])
    page = browser_page
    page.goto("/")
    banner = page.get_by_role("complementary", name="Urgent appeal")
    banner.get_by_role("link", name="Free the jailed journalist").click()
    expect(page).to_have_url(re.compile(r"/appeals/free-the-jailed-journalist/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Free the jailed journalist")
