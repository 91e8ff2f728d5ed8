"""Starting a Stripe checkout: the pending gift first, then a session made the way Stripe wants."""

import pytest

from donations.models import Donation, DonationStatus, RecurringDonation
from tests.donations import checkout

pytestmark = pytest.mark.django_db


def give(client, page, **fields):
    return checkout.give(client, page, **{"provider": "stripe", "name": "Ada Lovelace", **fields})


def test_one_off_gift_records_a_pending_gift_and_redirects_to_stripe(
    client, donate_page, stripe_on
):
    response = give(client, donate_page, amount="25.50")

    donation = Donation.objects.get()
    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_0001"
    assert donation.status == DonationStatus.PENDING
    assert (donation.amount, donation.currency, donation.provider) == (2550, "GBP", "stripe")
    assert donation.provider_ref == "cs_test_0001"
    assert donation.donor.email == "ada@example.org"

    (session,) = stripe_on.sessions()
    params = session["params"]
    assert params["mode"] == "payment"
    assert params["submit_type"] == "donate"
    assert params["line_items[0][price_data][unit_amount]"] == "2550"
    assert params["line_items[0][price_data][currency]"] == "gbp"
    assert params["line_items[0][price_data][product]"] == "portal-donation"
    assert params["metadata[donation_id]"] == str(donation.pk)
    assert params["payment_intent_data[metadata][donation_id]"] == str(donation.pk)
    assert params["customer_email"] == "ada@example.org"
    assert params["success_url"].endswith(f"/donations/thank-you/{donation.public_id}/")
    assert f"resume={donation.public_id}" in params["cancel_url"]
    assert session["headers"]["Idempotency-Key"] == f"donation-{donation.pk}-checkout"


def test_monthly_gift_is_a_subscription_against_the_one_product(client, donate_page, stripe_on):
    response = give(client, donate_page, amount="10", frequency="monthly")
    give(client, donate_page, amount="100", frequency="annual", email="bo@example.org")

    assert response.status_code == 303
    monthly, annual = (s["params"] for s in stripe_on.sessions())
    pledge = RecurringDonation.objects.get(interval="monthly")
    first = Donation.objects.get(recurring=pledge)
    assert monthly["mode"] == "subscription"
    assert "submit_type" not in monthly
    assert monthly["line_items[0][price_data][recurring][interval]"] == "month"
    assert annual["line_items[0][price_data][recurring][interval]"] == "year"
    assert monthly["line_items[0][price_data][product]"] == "portal-donation"
    assert monthly["subscription_data[metadata][donation_id]"] == str(first.pk)
    assert monthly["subscription_data[metadata][recurring_donation_id]"] == str(pledge.pk)
    assert (pledge.status, pledge.amount, first.status) == ("pending", 1000, "pending")
    # The product is made once, with the id we chose, then only used.
    product_calls = [r for r in stripe_on.requests if r["path"].startswith("/v1/products")]
    assert [(r["method"], r["path"]) for r in product_calls] == [
        ("GET", "/v1/products/portal-donation"),
        ("POST", "/v1/products"),
    ]


def test_zero_decimal_currency_is_sent_in_whole_units(client, home, stripe_on):
    from donations.factories import DonatePageFactory

    page = DonatePageFactory(
        parent=home, currencies=[("JPY", "500", "1000000", "1000, 3000", "", "")]
    )
    give(client, page, amount="3000", currency="JPY")

    assert Donation.objects.get().amount == 3000
    assert stripe_on.sessions()[0]["params"]["line_items[0][price_data][unit_amount]"] == "3000"
    response = give(client, page, amount="3000.50", currency="JPY")
    assert response.status_code == 400
    assert "whole numbers" in response.content.decode()


def test_cover_the_fees_is_computed_on_the_server_rounded_up_and_kept_apart(
    client, donate_page, stripe_on, settings
):
    settings.DONATIONS_FEE_PERCENT = "2.9"
    settings.DONATIONS_FEE_FIXED = {"GBP": "0.20"}
    give(client, donate_page, amount="10", cover_fees="on")

    donation = Donation.objects.get()
    # (1000 + 20) / (1 - 0.029) = 1050.46... -> 1051: the fee cover is 51p, rounded up.
    assert (donation.amount, donation.fee_cover, donation.total) == (1000, 51, 1051)
    assert stripe_on.sessions()[0]["params"]["line_items[0][price_data][unit_amount]"] == "1051"


@pytest.mark.parametrize("status", [None, 500])
def test_stripe_unreachable_or_failing_keeps_the_gift_and_says_nothing_was_charged(
    client, donate_page, stripe_on, settings, status
):
    if status is None:
        settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    stripe_on.status = status

    response = give(client, donate_page)

    assert response.status_code == 502
    text = response.content.decode()
    assert "We couldn&#x27;t reach our payment provider; nothing was charged" in text
    assert 'value="ada@example.org"' in text and 'value="25"' in text
    assert "Stripe is down" not in text and "Traceback" not in text
    assert Donation.objects.get().status == DonationStatus.PENDING


def test_slow_stripe_times_out_with_the_same_message(client, donate_page, stripe_on):
    stripe_on.delay = 1.5  # longer than the test's 0.5 s read timeout

    response = give(client, donate_page)

    assert response.status_code == 502
    assert "nothing was charged" in response.content.decode()
    assert Donation.objects.get().status == DonationStatus.PENDING
