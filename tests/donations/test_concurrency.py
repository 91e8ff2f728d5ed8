"""Two processes receiving webhooks for the same gift at the same moment make one effect.

Real row locks need PostgreSQL: each thread below has its own connection, as two app
processes would, and the handler is slowed down while it holds its lock so that the other
delivery is certain to arrive during it.
"""

import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from donations import ledger
from donations.factories import DonationFactory
from donations.models import DonationStatus, PaymentEvent, StatusChange
from donations.providers import base

from . import stripe_objects as objects
from .stripe_fake import event, post_event

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("webhooks_on"),
]


@pytest.fixture
def slow_success(monkeypatch):
    apply = ledger.HANDLERS[base.PaymentSucceeded]

    def slowly(*args):
        time.sleep(0.3)
        return apply(*args)

    monkeypatch.setitem(ledger.HANDLERS, base.PaymentSucceeded, slowly)


def at_once(*bodies):
    """Post each body from its own thread and connection, all released together."""
    start = threading.Barrier(len(bodies))
    statuses = []

    def deliver(body):
        try:
            start.wait()
            statuses.append(post_event(Client(), body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(statuses)


@pytest.mark.usefixtures("slow_success")
def test_the_same_event_delivered_twice_at_once_is_applied_once():
    gift = DonationFactory(provider_ref="cs_race")
    body = event("checkout.session.completed", objects.checkout_session(gift))

    assert at_once(body, body) == [200, 200]

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert PaymentEvent.objects.count() == 1
    assert PaymentEvent.objects.get().attempts == 1
    assert StatusChange.objects.filter(donation=gift).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("slow_success")
def test_two_events_for_the_same_gift_at_once_succeed_it_once():
    gift = DonationFactory(provider_ref="cs_race_two")
    session = objects.checkout_session(gift)
    completed = event("checkout.session.completed", session)
    async_paid = event("checkout.session.async_payment_succeeded", session)

    assert at_once(completed, async_paid) == [200, 200]

    assert PaymentEvent.objects.count() == 2
    assert StatusChange.objects.filter(donation=gift).count() == 1
    assert len(mail.outbox) == 1
