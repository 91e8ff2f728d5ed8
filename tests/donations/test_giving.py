"""Receipts and 'manage your giving': signed, expiring links; the portal only for that donor."""

import re

import pytest
from django.core import mail, signing
from django.utils import timezone

from donations import tasks
from donations.factories import DonationFactory, DonorFactory, RecurringDonationFactory
from donations.models import DonationStatus, Donor, PledgeStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def patron():
    donor = DonorFactory(email="patron@example.org", name="Rosa")
    pledge = RecurringDonationFactory(
        donor=donor, status=PledgeStatus.ACTIVE, provider_ref="sub_1", customer_ref="cus_rosa"
    )
    DonationFactory(
        donor=donor,
        recurring=pledge,
        frequency="monthly",
        amount=1000,
        status=DonationStatus.SUCCEEDED,
        succeeded_at=timezone.now(),
    )
    DonationFactory(
        donor=donor, amount=5000, status=DonationStatus.SUCCEEDED, succeeded_at=timezone.now()
    )
    DonationFactory(donor=donor, amount=7777, status=DonationStatus.PENDING)
    donor.pledge = pledge
    return donor


def manage_link(text):
    return re.search(r"http://testserver(/donations/manage/[^/\s]+/)", text).group(1)


def test_a_receipt_is_sent_once_however_often_the_task_runs(patron):
    gift = patron.donations.get(amount=5000)
    assert tasks.send_receipt.call(gift.pk) is True
    assert tasks.send_receipt.call(gift.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][1] == "text/html"


@pytest.mark.usefixtures("webhooks_on")
def test_the_receipt_link_shows_the_donors_history_and_pledges(client, patron):
    tasks.send_receipt.call(patron.donations.get(amount=5000).pk)
    response = client.get(manage_link(mail.outbox[0].body))

    html = response.content.decode()
    assert response.status_code == 200
    assert "£50.00" in html and "£10.00" in html
    assert "£77.77" not in html  # a checkout never paid is not part of the history
    assert "Change card or cancel with Stripe" in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("token", ["1:forged:signature", "nonsense"])
def test_a_forged_link_shows_nothing(client, patron, token):
    response = client.get(f"/donations/manage/{token}/")
    assert response.status_code == 410
    assert "patron@example.org" not in response.content.decode()


def test_links_expire(client, patron, settings):
    token = patron.manage_token()
    assert Donor.from_manage_token(token) == patron
    settings.DONATIONS_MANAGE_LINK_MAX_AGE = -1
    assert Donor.from_manage_token(token) is None
    response = client.get(f"/donations/manage/{token}/")
    assert response.status_code == 410
    assert "Email me a link" in response.content.decode()


def test_another_donors_token_cannot_be_turned_into_this_ones(patron):
    other = DonorFactory(email="other@example.org")
    token = other.manage_token()
    forged = token.replace(str(other.pk), str(patron.pk), 1)
    with pytest.raises(signing.BadSignature):
        signing.TimestampSigner(salt="donations.manage-giving").unsign(forged)
    assert Donor.from_manage_token(forged) is None


def test_the_portal_button_opens_a_session_for_that_donors_customer_only(client, patron, stripe_on):
    token = patron.manage_token()
    response = client.post(f"/donations/manage/{token}/pledges/{patron.pledge.public_id}/")

    assert response.status_code == 303
    assert response["Location"] == "https://billing.stripe.com/p/session/cus_rosa"
    (request,) = [r for r in stripe_on.requests if r["path"] == "/v1/billing_portal/sessions"]
    assert request["params"]["customer"] == "cus_rosa"
    assert request["params"]["return_url"].endswith(f"/donations/manage/{token}/")

    stranger = RecurringDonationFactory(customer_ref="cus_stranger", status=PledgeStatus.ACTIVE)
    response = client.post(f"/donations/manage/{token}/pledges/{stranger.public_id}/")
    assert response.status_code == 404


def test_portal_unreachable_is_a_plain_message(client, patron, stripe_on):
    stripe_on.status = 500
    token = patron.manage_token()
    response = client.post(f"/donations/manage/{token}/pledges/{patron.pledge.public_id}/")
    assert response.status_code == 502
    assert "couldn&#x27;t reach our payment provider" in response.content.decode()


def test_asking_for_a_new_link_says_the_same_for_known_and_unknown_addresses(client, patron):
    known = client.post("/donations/manage/", {"email": "PATRON@example.org"})
    unknown = client.post("/donations/manage/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    (sent,) = mail.outbox
    assert sent.to == ["patron@example.org"]
    assert client.get(manage_link(sent.body)).status_code == 200


def test_new_link_requests_are_rate_limited(client, patron):
    for _ in range(5):
        client.post("/donations/manage/", {"email": "patron@example.org"})
    assert len(mail.outbox) == 3
