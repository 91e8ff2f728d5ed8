"""The circuit breaker: many failed payments in a short time pause checkouts and alert staff."""

import pytest
from django.core import mail
from django.core.cache import cache

from donations import card_testing
from donations.factories import DonationFactory
from donations.models import Donation

from . import stripe_objects as objects
from .stripe_fake import event, fixture

pytestmark = pytest.mark.django_db


def declined(donation):
    intent = fixture("payment_intent")
    intent.update(
        id=f"pi_{donation.pk}",
        status="requires_payment_method",
        metadata={"donation_id": str(donation.pk)},
        last_payment_error={"code": "card_declined", "decline_code": "stolen_card"},
    )
    return intent


def test_failed_payments_past_the_threshold_pause_checkout_and_alert_once(
    client, webhook, donate_page, stripe_on, settings
):
    settings.DONATIONS_FAILURE_THRESHOLD = 3
    settings.DONATIONS_ALERT_EMAILS = ["ops@example.org"]
    gift = DonationFactory(provider_ref="cs_probe")
    for _ in range(2):
        assert webhook(event("payment_intent.payment_failed", declined(gift))).status_code == 200
    assert not card_testing.is_paused()
    webhook(event("checkout.session.async_payment_failed", objects.checkout_session(gift, False)))
    webhook(event("payment_intent.payment_failed", declined(gift)))

    assert card_testing.is_paused()
    (alert,) = mail.outbox
    assert alert.to == ["ops@example.org"]
    assert "paused" in alert.subject.lower()

    response = client.post(
        "/donations/checkout/",
        {
            "donate_page": donate_page.pk,
            "amount": "25",
            "currency": "GBP",
            "frequency": "one_off",
            "provider": "stripe",
            "email": "someone@example.org",
        },
    )
    assert response.status_code == 503
    assert "Online giving is paused" in response.content.decode()
    assert Donation.objects.count() == 1  # only the probe: no new gift, no session
    assert stripe_on.sessions() == []

    cache.delete(card_testing.PAUSED_KEY)  # the pause runs out
    assert not card_testing.is_paused()
