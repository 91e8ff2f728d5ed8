"""A donor gives through PayPal: handed to PayPal's sandbox (the journey stops at its door),
then PayPal's IPN completes the gift and the thank-you page says so."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from donations.factories import DonatePageFactory
from donations.models import Donation, DonationStatus
from tests.donations.paypal_fake import RECEIVER, FakePayPal, encode, web_accept

pytestmark = pytest.mark.django_db(transaction=True)

SANDBOX = "https://www.sandbox.paypal.com/cgi-bin/webscr"


@pytest.fixture
def fake_paypal(settings):
    fake = FakePayPal().start()
    settings.PAYPAL_RECEIVER_EMAIL = RECEIVER
    settings.PAYPAL_TEST = True
    settings.PAYPAL_IPN_POSTBACK_URL = fake.url
    settings.PAYMENTS_TEST_GATEWAY = False
    yield fake
    fake.stop()


def test_a_donor_picks_paypal_and_an_ipn_completes_the_gift(
    browser_page, home, live_server, fake_paypal
):
    DonatePageFactory(parent=home)
    page = browser_page
    handed = []

    def paypal_door(route):
        handed.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>PayPal sandbox</h1>")

    page.route(re.compile(r"^https://www\.sandbox\.paypal\.com/"), paypal_door)

    page.goto("/donate/?amount=25")
    page.get_by_role("radio", name="PayPal").check()
    page.get_by_role("textbox", name="Email").fill("jorg@example.org")
    page.get_by_role("textbox", name="Name").fill("Jörg Müller")
    page.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", name="PayPal sandbox")).to_be_visible()
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.PENDING
    url = urlsplit(handed[0])
    fields = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == SANDBOX
    assert fields["cmd"] == "_donations"
    assert (fields["business"], fields["amount"], fields["currency_code"]) == (
        RECEIVER,
        "25.00",
        "GBP",
    )
    assert fields["custom"] == f"donation={donation.pk}"
    assert fields["notify_url"] == f"{live_server.url}/donations/paypal/ipn/"

    # The donor comes back before PayPal's IPN: the page waits for it.
    page.goto(fields["return"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirming your gift")

    answer = requests.post(
        fields["notify_url"],
        data=encode(web_accept(donation)),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert answer.status_code == 200

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, Jörg Müller!", timeout=10_000
    )
    expect(page.get_by_text("We have received your gift of £25.00.")).to_be_visible()
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
