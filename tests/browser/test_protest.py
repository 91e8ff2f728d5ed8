import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from donations.factories import DonatePageFactory
from news.factories import AppealPageFactory, SectionPageFactory
from news.models import ProtestTally

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def appeal(home):
    DonatePageFactory(parent=home)
    appeals = SectionPageFactory(parent=home, title="Appeals", slug="appeals")
    return AppealPageFactory(
        parent=appeals,
        title="Free Ainur Kurmanov",
        slug="free-ainur-kurmanov",
        prisoner="Айнур Курманов",
        copies_to="denver76-76@mail.ru\nadmin@socialismkz.info",
        letter_subject="Освободите {prisoner}",
        letter_body="To {target_name}, {target_role}\n\nRelease {prisoner} now.\n\nYours,\n",
        targets=[
            {
                "name": "Kairat Mami",
                "role": "General Prosecutor",
                "emails": "akparat@prokuror.kz",
                "fax": "+7 717250-25-34",
            },
            {
                "name": "The OSCE Secretariat",
                "role": "OSCE",
                "address": "Wallnerstrasse 6\n1010 Vienna\nAustria",
                "phone": "+43 1 514 36 6000",
            },
        ],
    )


def test_reader_writes_prints_and_counts_a_protest_once(browser_page, appeal):
    page = browser_page
    page.goto(appeal.url)
    official = page.locator(".target", has=page.get_by_role("heading", name="Kairat Mami"))

    # The mail link carries the letter, addressed to this official, copied to the campaign.
    href = official.get_by_role("link", name="Write to this official").get_attribute("href")
    mail = urlsplit(href)
    fields = {name: values[0] for name, values in parse_qs(mail.query).items()}
    assert (mail.scheme, mail.path) == ("mailto", "akparat@prokuror.kz")
    assert fields["cc"] == "denver76-76@mail.ru,admin@socialismkz.info"
    assert fields["subject"] == "Освободите Айнур Курманов"
    assert fields["body"].startswith("To Kairat Mami, General Prosecutor\r\n\r\nRelease Айнур")

    # With the script, the addresses can be copied at once for webmail.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy all addresses").click()
    expect(page.locator(".addresses .copy-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == (
        "akparat@prokuror.kz, denver76-76@mail.ru, admin@socialismkz.info"
    )

    # The printable letters: one per official.
    page.get_by_role("link", name="Print the letters").click()
    expect(page).to_have_url(re.compile(r"/appeals/free-ainur-kurmanov/letter/$"))
    letters = page.locator("article.letter")
    expect(letters).to_have_count(2)
    expect(letters.first.locator(".letter__subject")).to_have_text("Освободите Айнур Курманов")
    expect(letters.nth(1)).to_contain_text("Wallnerstrasse 6")
    page.go_back()

    # "I sent my protest": the fresh count on the answer, then the what-next panel.
    expect(official.locator(".tally__count")).to_have_text("0 protests sent")
    official.get_by_role("button", name="I sent my protest").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your protest is counted")
    expect(page.locator(".protest-sent__count")).to_have_text(
        "1 protest sent to Kairat Mami, 1 in all."
    )
    expect(page.get_by_role("link", name="Give to the campaign")).to_have_attribute(
        "href", f"/donate/?page={appeal.pk}"
    )

    # Back on the appeal, the browser knows it counted this one; a second click does not count.
    page.goto(appeal.url)
    expect(official.locator(".tally__count")).to_have_text("1 protest sent")
    expect(official.locator(".tally__mine")).to_be_visible()
    official.get_by_role("button", name="I sent my protest").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your protest is already counted")
    expect(page.locator(".protest-sent__count")).to_have_text(
        "1 protest sent to Kairat Mami, 1 in all."
    )
    assert ProtestTally.objects.get().sent == 1
