"""A flood of posts to the PayPal IPN listener: one address past its limit is answered 429
and nothing of it is kept, while PayPal's IPNs from elsewhere, or resent later, are applied."""

import logging
from types import SimpleNamespace

import pytest
from django.core import mail

from donations.factories import DonationFactory
from donations.models import DonationStatus, EventStatus, PaymentEvent, StatusChange
from portal import abuse

from .paypal_fake import web_accept

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("paypal_on")]

# Documentation addresses (RFC 5737): one flooding the listener, one PayPal's.
FLOODER = "203.0.113.66"
PAYPAL = "198.51.100.7"
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.PAYPAL_IPNS_PER_IP = LIMIT
    settings.PAYPAL_IPN_WINDOW = 60


@pytest.fixture
def clock(monkeypatch):
    """The rate limit's clock, at the start of a window until a test moves it on."""
    now = SimpleNamespace(seconds=1_800_000_000.0)
    monkeypatch.setattr(abuse, "time", SimpleNamespace(time=lambda: now.seconds))
    return now


@pytest.fixture
def gift():
    return DonationFactory(provider="paypal", provider_ref="D1-cafe", amount=2500, currency="GBP")


def forged(n):
    """A plausible IPN for a gift we never issued: kept, asked about, never applied."""
    return {
        "txn_type": "web_accept",
        "payment_status": "Completed",
        "txn_id": f"FORGED{n:04d}",
        "mc_gross": "1.00",
        "mc_currency": "GBP",
        "custom": f"donation={900_000 + n}",
    }


def flood(ipn, sender, count):
    return [ipn(forged(n), sender=sender) for n in range(count)]


def test_a_flood_from_one_address_is_answered_429_past_the_limit_and_nothing_more_kept(
    ipn, paypal_on, clock, caplog
):
    with caplog.at_level(logging.WARNING, logger="donations.paypal"):
        responses = flood(ipn, FLOODER, LIMIT + 3)

    assert [r.status_code for r in responses] == [200] * LIMIT + [429] * 3
    refused = responses[-1]
    assert refused["Retry-After"] == "60"
    assert "no-cache" in refused["Cache-Control"]
    assert refused.content.decode().startswith("Too many notifications")
    # Only what came within the limit is kept and put to PayPal.
    assert PaymentEvent.objects.count() == LIMIT
    assert len(paypal_on.postbacks) == LIMIT
    # One warning naming the address and the knob, however many posts were refused.
    warnings = [r.getMessage() for r in caplog.records if r.name == "donations.paypal"]
    warnings = [w for w in warnings if "answering 429" in w]
    assert len(warnings) == 1
    assert FLOODER in warnings[0] and "PAYPAL_IPNS_PER_IP" in warnings[0]


def test_posts_that_are_no_ipn_count_towards_the_limit(ipn, clock):
    responses = [ipn(b"hello=world", sender=FLOODER) for _ in range(LIMIT)]
    responses.append(ipn(forged(1), sender=FLOODER))

    assert [r.status_code for r in responses] == [400] * LIMIT + [429]
    assert not PaymentEvent.objects.exists()


def test_a_genuine_ipn_from_another_address_is_applied_during_a_flood(ipn, gift, clock):
    flood(ipn, FLOODER, LIMIT + 5)

    response = ipn(web_accept(gift), sender=PAYPAL)

    assert response.status_code == 200
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert PaymentEvent.objects.get(event_id=f"txn:TXN{gift.pk:06d}:Completed").status == (
        EventStatus.PROCESSED
    )
    assert len(mail.outbox) == 1


def test_the_flooding_address_is_served_again_once_the_window_is_over(ipn, clock):
    flood(ipn, FLOODER, LIMIT + 1)
    assert ipn(forged(100), sender=FLOODER).status_code == 429

    clock.seconds += 60

    assert ipn(forged(100), sender=FLOODER).status_code == 200
    assert PaymentEvent.objects.filter(event_id="txn:FORGED0100:Completed").exists()


def test_a_genuine_ipn_refused_429_is_applied_once_when_paypal_sends_it_again(ipn, gift, clock):
    # PayPal's own address over the limit: a burst bigger than the limit allows.
    flood(ipn, PAYPAL, LIMIT)
    fields = web_accept(gift)

    assert ipn(fields, sender=PAYPAL).status_code == 429
    assert not PaymentEvent.objects.filter(event_id__startswith="txn:TXN").exists()
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING

    # PayPal's resend, in a later window; then once more, as if our 200 had been lost.
    clock.seconds += 60 * 60
    assert ipn(fields, sender=PAYPAL).status_code == 200
    assert ipn(fields, sender=PAYPAL).status_code == 200

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert StatusChange.objects.filter(donation=gift).count() == 1
    assert len(mail.outbox) == 1
