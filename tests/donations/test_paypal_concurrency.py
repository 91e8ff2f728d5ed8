"""Two processes receiving the same PayPal IPN at the same moment make one effect.

Each thread has its own connection, as two app processes would; the handler is slowed down
while it holds its lock, so the other delivery is certain to arrive during it.
"""

import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from donations import ledger
from donations.factories import DonationFactory
from donations.models import DonationStatus, EventStatus, PaymentEvent, StatusChange
from donations.providers import base

from .paypal_fake import encode, web_accept

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("paypal_on"),
]


@pytest.fixture
def slow_success(monkeypatch):
    apply = ledger.HANDLERS[base.PaymentSucceeded]

    def slowly(*args):
        time.sleep(0.3)
        return apply(*args)

    monkeypatch.setitem(ledger.HANDLERS, base.PaymentSucceeded, slowly)


def at_once(*bodies):
    start = threading.Barrier(len(bodies))
    statuses = []

    def deliver(body):
        try:
            start.wait()
            response = Client().post(
                "/donations/paypal/ipn/", body, content_type="application/x-www-form-urlencoded"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(statuses)


@pytest.mark.usefixtures("slow_success")
def test_the_same_ipn_received_twice_at_once_is_stored_and_applied_once():
    gift = DonationFactory(provider="paypal", provider_ref="D9-race")
    body = encode(web_accept(gift))

    assert at_once(body, body) == [200, 200]

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    event = PaymentEvent.objects.get()
    assert event.status == EventStatus.PROCESSED
    assert StatusChange.objects.filter(donation=gift).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("slow_success")
def test_a_resend_with_another_track_id_at_the_same_moment_is_applied_once():
    gift = DonationFactory(provider="paypal", provider_ref="D9-resend")
    fields = web_accept(gift)

    assert at_once(encode(fields), encode({**fields, "ipn_track_id": "again"})) == [200, 200]

    assert PaymentEvent.objects.count() == 1
    assert StatusChange.objects.filter(donation=gift).count() == 1
    assert len(mail.outbox) == 1
