"""Giving through PayPal: offered beside Stripe, the pending gift first, then PayPal's button."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from donations.factories import DonationFactory, DonorFactory, RecurringDonationFactory
from donations.models import Donation, DonationStatus, RecurringDonation
from tests.donations import checkout

pytestmark = pytest.mark.django_db


def give(client, page, **fields):
    details = {"provider": "paypal", "email": "jorg@example.org", "name": "Jörg Müller"}
    return checkout.give(client, page, **{**details, **fields})


def chosen(html, provider):
    return re.search(rf'<input[^>]*value="{provider}"[^>]*checked', html) is not None


def handed_to(response):
    url = urlsplit(response["Location"])
    fields = {name: values[0] for name, values in parse_qs(url.query).items()}
    return f"{url.scheme}://{url.netloc}{url.path}", fields


def test_the_donate_page_offers_paypal_beside_stripe(client, donate_page, stripe_on, paypal_on):
    html = client.get(donate_page.url).content.decode()

    assert 'value="stripe"' in html
    assert 'value="paypal"' in html
    assert "PayPal" in html


def test_paypal_is_not_offered_until_its_account_is_set(client, donate_page, stripe_on):
    assert 'value="paypal"' not in client.get(donate_page.url).content.decode()


def test_a_link_from_an_appeal_box_can_choose_paypal(client, donate_page, paypal_on, stripe_on):
    html = client.get(f"{donate_page.url}?amount=10&provider=paypal").content.decode()

    assert chosen(html, "paypal")
    assert not chosen(html, "stripe")


def test_a_one_off_gift_is_recorded_then_handed_to_the_paypal_sandbox(
    client, donate_page, paypal_on
):
    response = give(client, donate_page, amount="25.50")

    assert response.status_code == 303
    assert "no-cache" in response["Cache-Control"]
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.PENDING
    assert (donation.amount, donation.currency, donation.provider) == (2550, "GBP", "paypal")
    endpoint, fields = handed_to(response)
    assert endpoint == "https://www.sandbox.paypal.com/cgi-bin/webscr"
    assert fields["cmd"] == "_donations"
    assert fields["business"] == "gifts@newsroom.example"
    assert (fields["amount"], fields["currency_code"]) == ("25.50", "GBP")
    assert fields["custom"] == f"donation={donation.pk}"
    assert fields["invoice"] == donation.provider_ref
    assert fields["invoice"].startswith(f"D{donation.pk}-")
    assert fields["notify_url"] == "http://testserver/donations/paypal/ipn/"
    assert fields["return"] == f"http://testserver/donations/thank-you/{donation.public_id}/"
    assert f"resume={donation.public_id}" in fields["cancel_return"]
    assert fields["item_name"] == f"Gift {donation.reference}"
    assert "email" not in fields  # the donor's address stays out of PayPal's URLs and logs


@pytest.mark.parametrize("frequency, unit", [("monthly", "M"), ("annual", "Y")])
def test_regular_gifts_are_paypal_subscriptions(client, donate_page, paypal_on, frequency, unit):
    response = give(client, donate_page, amount="10", frequency=frequency, currency="EUR")

    pledge = RecurringDonation.objects.get()
    first = Donation.objects.get(recurring=pledge)
    assert (pledge.provider, pledge.interval, pledge.amount) == ("paypal", frequency, 1000)
    _, fields = handed_to(response)
    assert fields["cmd"] == "_xclick-subscriptions"
    assert (fields["a3"], fields["p3"], fields["t3"], fields["src"]) == ("10.00", "1", unit, "1")
    assert fields["currency_code"] == "EUR"
    assert fields["custom"] == f"donation={first.pk}&pledge={pledge.pk}"
    assert "amount" not in fields


def test_the_live_site_hands_donors_to_paypal_itself(client, donate_page, paypal_on, settings):
    settings.PAYPAL_TEST = False
    endpoint, _ = handed_to(give(client, donate_page))
    assert endpoint == "https://www.paypal.com/cgi-bin/webscr"


def test_cancelling_at_paypal_returns_to_the_filled_form(client, donate_page, paypal_on):
    _, fields = handed_to(give(client, donate_page, amount="30"))

    html = client.get(fields["cancel_return"].removeprefix("http://testserver")).content.decode()

    assert 'value="30.00"' in html
    assert 'value="jorg@example.org"' in html
    assert chosen(html, "paypal")


def test_a_paypal_pledge_explains_how_to_cancel_it_at_paypal_and_links_there(client, paypal_on):
    donor = DonorFactory()
    pledge = RecurringDonationFactory(
        donor=donor, provider="paypal", status="active", provider_ref="I-1", customer_ref="PAYER"
    )
    DonationFactory(donor=donor, provider="paypal", recurring=pledge)
    token = donor.manage_token()

    html = client.get(f"/donations/manage/{token}/").content.decode()
    assert "Automatic payments" in html
    assert "Change card or cancel with PayPal" in html

    response = client.post(f"/donations/manage/{token}/pledges/{pledge.public_id}/")
    assert response.status_code == 303
    assert response["Location"] == "https://www.sandbox.paypal.com/myaccount/autopay/"
