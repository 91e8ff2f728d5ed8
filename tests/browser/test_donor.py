import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from donations.factories import CampaignFactory, DonatePageFactory
from donations.models import Donation, DonationStatus
from news.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_gives_from_an_articles_appeal_box_through_the_test_gateway(
    browser_page, home, section, settings
):
    settings.PAYMENTS_TEST_GATEWAY = True
    DonatePageFactory(parent=home)
    campaign = CampaignFactory(name="Trial fund", goals={"GBP": "1000"})
    article = ArticlePageFactory(
        parent=section,
        title="Journalist jailed for covering a picket",
        body=[
            (
                "appeal_box",
                {
                    "heading": "Special financial appeal",
                    "text": "Help us report the trial.",
                    "campaign": campaign,
                    "currency": "GBP",
                    "one_off_amounts": "10, 25, 50",
                    "monthly_amounts": "5",
                },
            )
        ],
    )
    get_user_model().objects.create_superuser("admin", "admin@example.org", "portal-demo")
    page = browser_page

    page.goto(article.url)
    box = page.get_by_role("complementary", name="Special financial appeal")
    box.get_by_role("link", name="£25", exact=True).click()

    expect(page).to_have_url(re.compile(r"/donate/\?amount=25.00&currency=GBP&frequency=one_off"))
    expect(page.get_by_text("Test mode: no money moves")).to_be_visible()
    expect(page.get_by_role("textbox", name="Amount")).to_have_value("25.00")
    page.get_by_role("textbox", name="Email").fill("ada@example.org")
    page.get_by_role("textbox", name="Name").fill("Ada Lovelace")
    page.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", name="Test gateway")).to_be_visible()
    expect(page.get_by_text("Test mode: no money moves")).to_be_visible()
    page.get_by_role("button", name="Succeed").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Ada Lovelace!")
    expect(page.get_by_text("We have received your gift of £25.00.")).to_be_visible()

    donation = Donation.objects.get()
    assert donation.status == DonationStatus.SUCCEEDED
    assert donation.source_page_id == article.pk and donation.campaign_id == campaign.pk
    (receipt,) = mail.outbox
    assert receipt.to == ["ada@example.org"] and "£25.00" in receipt.body

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("portal-demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/admin/donations/gifts/?source_page={article.pk}")
    row = page.get_by_role("row").filter(has_text=donation.reference)
    expect(row).to_contain_text("Journalist jailed for covering a picket")
    expect(row).to_contain_text("£25.00")
