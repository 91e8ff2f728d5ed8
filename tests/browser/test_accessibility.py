"""What only a browser can check: axe-core's WCAG 2.2 AA rules on rendered pages, narrow
screens, keyboard focus, and what an appeal looks like on paper."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

AXE_RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# The narrowest screen WCAG's reflow criterion (1.4.10) asks pages to fit without scrolling sideways.
NARROW = {"width": 320, "height": 640}


def test_pages_pass_axe_wcag_2_2_aa_checks(browser_page, demo_site):
    axe = Axe()
    failures = {}
    for url in demo_site:
        browser_page.goto(url)
        results = axe.run(browser_page, options=AXE_RULES)
        if results.violations_count:
            failures[url] = results.generate_report()
    assert not failures, "\n\n".join(f"{url}\n{report}" for url, report in failures.items())


def test_pages_fit_a_320_pixel_screen_without_sideways_scrolling(browser_page, demo_site):
    page = browser_page
    page.set_viewport_size(NARROW)
    for url in demo_site:
        page.goto(url)
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, f"{url} is {scroll_width}px wide at 320px"


def test_keyboard_users_skip_to_the_content_and_see_where_focus_is(browser_page, demo_site):
    page = browser_page
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.keyboard.press("Tab")  # the first link in the content
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
    )
    assert ring[0] == "solid" and ring[1] == "3px" and ring[2] != "none"


def test_an_appeal_prints_its_text_and_contacts_without_the_site_around_it(browser_page, demo_site):
    page = browser_page
    page.goto(demo_site[2])
    page.emulate_media(media="print")
    for chrome in (
        page.locator(".urgent-banner"),
        page.get_by_role("navigation", name="Sections"),
        page.get_by_role("search"),
        page.get_by_role("navigation", name="Breadcrumb"),
        page.get_by_role("contentinfo"),
        page.get_by_role("link", name="Skip to main content"),
    ):
        expect(chrome).to_be_hidden()
    article = page.get_by_role("article")
    expect(article.get_by_role("heading", level=1)).to_contain_text("Ainur Kurmanov jailed")
    expect(article.get_by_text("Temir Bank").first).to_be_visible()
    expect(article.get_by_text("The OSCE Secretariat")).to_be_visible()
    expect(article.get_by_text("Wallnerstrasse 6")).to_be_visible()
    # Paper has no links: the officials' web addresses are printed in full.
    expect(article.get_by_text("http://www.prokuroralm.kz")).to_be_visible()

    page.emulate_media(media="screen")
    expect(page.locator(".urgent-banner")).to_be_visible()
