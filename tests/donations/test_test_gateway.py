"""The offline test gateway: the whole journey without a provider, through the same ledger path."""

import pytest
from django.core import mail

from donations.models import (
    Donation,
    DonationStatus,
    EventStatus,
    PaymentEvent,
    PledgeStatus,
    RecurringDonation,
)
from donations.providers import available_providers, offline_gateway_enabled
from tests.donations.checkout import give

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("test_gateway")
def test_succeed_goes_through_a_stored_event_to_the_thank_you_page_and_a_receipt(
    client, donate_page, committed
):
    checkout = give(client, donate_page, amount="30")
    gateway = client.get(checkout["Location"])
    donation = Donation.objects.get()
    assert gateway.status_code == 200
    assert "Test mode: no money moves" in gateway.content.decode()
    assert "£30.00" in gateway.content.decode()

    thanks = committed(client.post, checkout["Location"], {"outcome": "succeed"}, follow=True)

    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    event = PaymentEvent.objects.get()
    assert (event.provider, event.event_type, event.status) == ("test", "test.succeed", "processed")
    html = thanks.content.decode()
    assert thanks.redirect_chain[-1][0] == f"/donations/thank-you/{donation.public_id}/"
    assert "Thank you, Ada!" in html and "£30.00" in html
    assert "Test mode: no money moves" in html
    assert "Cache-Control" in thanks.headers and "no-cache" in thanks["Cache-Control"]
    (receipt,) = mail.outbox
    assert "Test mode: no money moves".upper() in receipt.body.upper()
    assert receipt.subject.startswith("[Test]")


@pytest.mark.usefixtures("test_gateway")
def test_fail_fails_the_gift_and_a_second_click_changes_nothing(client, donate_page, committed):
    checkout = give(client, donate_page)
    committed(client.post, checkout["Location"], {"outcome": "fail"})
    committed(client.post, checkout["Location"], {"outcome": "succeed"})  # the back button

    donation = Donation.objects.get()
    assert donation.status == DonationStatus.FAILED
    assert PaymentEvent.objects.filter(status=EventStatus.PROCESSED).count() == 1
    page = client.get(f"/donations/thank-you/{donation.public_id}/").content.decode()
    assert "didn't go through" in page and "Nothing was charged" in page
    assert mail.outbox == []


@pytest.mark.usefixtures("test_gateway")
def test_a_monthly_test_gift_starts_a_pledge_with_its_first_instalment(
    client, donate_page, committed
):
    checkout = give(client, donate_page, amount="10", frequency="monthly")
    committed(client.post, checkout["Location"], {"outcome": "succeed"})

    pledge = RecurringDonation.objects.get()
    assert pledge.status == PledgeStatus.ACTIVE and pledge.current_period_end
    (first,) = pledge.instalments.all()
    assert first.status == DonationStatus.SUCCEEDED
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("test_gateway")
def test_the_thank_you_page_says_processing_until_the_outcome_is_recorded(client, donate_page):
    give(client, donate_page)
    donation = Donation.objects.get()
    html = client.get(f"/donations/thank-you/{donation.public_id}/").content.decode()
    assert "Processing" in html and 'http-equiv="refresh"' in html
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING  # the page never marks a gift paid


@pytest.mark.usefixtures("test_gateway")
def test_cancelling_returns_to_the_form_with_the_choices_kept(client, donate_page):
    give(client, donate_page, amount="42", frequency="annual", message="For the defence fund")
    donation = Donation.objects.get()

    response = client.get(f"/donate/?resume={donation.public_id}")
    html = response.content.decode()
    assert "nothing was charged" in html
    assert 'value="42.00"' in html
    assert 'value="ada@example.org"' in html and "For the defence fund" in html
    assert "no-store" in response["Cache-Control"]
    assert client.get("/donate/?resume=not-a-uuid").status_code == 200


def test_the_gateway_is_off_outside_debug_and_refused_when_off(client, donate_page, settings):
    settings.PAYMENTS_TEST_GATEWAY = None
    settings.DEBUG = False
    assert not offline_gateway_enabled()
    settings.DEBUG = True
    assert offline_gateway_enabled()  # dev without provider keys: on by default
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert not offline_gateway_enabled()  # Stripe is set up: the real thing only
    assert [p.name for p in available_providers()] == ["stripe"]

    settings.PAYMENTS_TEST_GATEWAY = False
    response = client.get("/donations/test-gateway/test_cs_whatever/")
    assert response.status_code == 404
