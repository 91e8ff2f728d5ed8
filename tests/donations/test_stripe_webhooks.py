"""Stripe webhooks: verified, stored once, applied forwards only, whatever order they come in."""

import time

import pytest
from django.core import mail

from donations import ledger
from donations.factories import (
    CampaignFactory,
    DonationFactory,
    RecurringDonationFactory,
)
from donations.models import (
    Donation,
    DonationStatus,
    EventStatus,
    PaymentEvent,
    PledgeStatus,
    StatusChange,
)
from donations.providers import base

from . import stripe_objects as objects
from .stripe_fake import event, fixture, signature

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhooks_on")]


def deliver(webhook, event_type, obj, **envelope):
    body = event(event_type, obj, **envelope)
    return webhook(body), body


@pytest.fixture
def gift():
    return DonationFactory(provider_ref="cs_test_gift", amount=2500, donor__name="Ada")


@pytest.fixture
def pledge():
    pledge = RecurringDonationFactory(amount=1000, donor__email="patron@example.org")
    first = DonationFactory(
        donor=pledge.donor,
        recurring=pledge,
        frequency="monthly",
        amount=1000,
        provider_ref="cs_test_pledge",
    )
    pledge.first = first
    return pledge


def paid(webhook, donation):
    response, _ = deliver(webhook, "checkout.session.completed", objects.checkout_session(donation))
    assert response.status_code == 200
    donation.refresh_from_db()
    return donation


# Verification and storage


@pytest.mark.parametrize(
    "header",
    [
        None,
        "garbage",
        "t=123,v1=0000",
        pytest.param("wrong secret", id="wrong-secret"),
        pytest.param("stale", id="older-than-the-tolerance"),
    ],
)
def test_a_webhook_that_fails_verification_is_refused_and_not_stored(client, gift, header):
    body = event("checkout.session.completed", objects.checkout_session(gift))
    if header == "wrong secret":
        header = signature(body, secret="whsec_someone_else")
    elif header == "stale":
        header = signature(body, timestamp=int(time.time()) - 301)
    response = client.post(
        "/donations/stripe/webhook/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": header} if header else {},
    )
    assert response.status_code == 400
    assert PaymentEvent.objects.count() == 0
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING


def test_a_body_changed_after_signing_is_refused(webhook, gift):
    body = event("checkout.session.completed", objects.checkout_session(gift))
    header = signature(body)
    tampered = body.replace('"amount_total": 2500', '"amount_total": 1')
    assert tampered != body
    assert webhook(tampered, header=header).status_code == 400


def test_paid_checkout_marks_the_gift_succeeded_records_why_and_sends_one_receipt(webhook, gift):
    response, body = deliver(webhook, "checkout.session.completed", objects.checkout_session(gift))

    assert response.status_code == 200
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert gift.payment_ref == f"pi_{gift.pk}"
    assert gift.succeeded_at is not None
    stored = PaymentEvent.objects.get()
    assert (stored.provider, stored.event_type, stored.status) == (
        "stripe",
        "checkout.session.completed",
        EventStatus.PROCESSED,
    )
    assert stored.body == body and stored.headers["Stripe-Signature"].startswith("t=")
    assert stored.processed_at is not None
    change = StatusChange.objects.get(donation=gift)
    assert (change.from_status, change.to_status, change.event) == ("pending", "succeeded", stored)
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == [gift.donor.email]
    assert "£25.00" in receipt.body and gift.reference in receipt.body
    assert "/donations/manage/" in receipt.body
    assert "/donations/manage/" in receipt.alternatives[0][0]


def test_a_repeated_event_is_a_no_op(webhook, gift):
    body = event("checkout.session.completed", objects.checkout_session(gift))
    first = webhook(body)
    second = webhook(body)

    assert first.status_code == second.status_code == 200
    assert PaymentEvent.objects.count() == 1
    assert StatusChange.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_unknown_event_type_is_stored_and_answered_200(webhook):
    response, _ = deliver(webhook, "plan.created", {"id": "plan_1", "object": "plan"})

    assert response.status_code == 200
    stored = PaymentEvent.objects.get()
    assert stored.event_type == "plan.created"
    assert stored.status == EventStatus.IGNORED


def test_unpaid_checkout_stays_pending_until_the_bank_payment_arrives(webhook, gift):
    deliver(webhook, "checkout.session.completed", objects.checkout_session(gift, paid=False))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING
    assert gift.payment_ref == f"pi_{gift.pk}"
    assert mail.outbox == []

    deliver(webhook, "checkout.session.async_payment_succeeded", objects.checkout_session(gift))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert len(mail.outbox) == 1


def test_a_failed_bank_payment_fails_the_gift(webhook, gift):
    deliver(webhook, "checkout.session.async_payment_failed", objects.checkout_session(gift, False))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.FAILED
    assert mail.outbox == []


def test_an_expired_checkout_expires_the_gift_but_never_a_paid_one(webhook, gift):
    other = DonationFactory(provider_ref="cs_test_other")
    deliver(webhook, "checkout.session.expired", objects.checkout_session(other, paid=False))
    paid(webhook, gift)
    response, _ = deliver(
        webhook, "checkout.session.expired", objects.checkout_session(gift, paid=False)
    )

    other.refresh_from_db()
    gift.refresh_from_db()
    assert other.status == DonationStatus.EXPIRED
    assert response.status_code == 200
    assert gift.status == DonationStatus.SUCCEEDED


def test_a_processing_error_answers_500_keeps_the_error_and_the_retry_applies_it(
    webhook, gift, monkeypatch
):
    def broken(*args):
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(ledger.HANDLERS, base.PaymentSucceeded, broken)
    body = event("checkout.session.completed", objects.checkout_session(gift))
    response = webhook(body)

    assert response.status_code == 500
    assert "hiccup" not in response.content.decode()
    stored = PaymentEvent.objects.get()
    assert stored.status == EventStatus.FAILED
    assert "RuntimeError: database hiccup" in stored.error
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING

    monkeypatch.undo()
    assert webhook(body).status_code == 200  # Stripe's retry
    stored.refresh_from_db()
    gift.refresh_from_db()
    assert (stored.status, stored.error, stored.attempts) == (EventStatus.PROCESSED, "", 2)
    assert gift.status == DonationStatus.SUCCEEDED


def test_an_event_for_a_gift_not_yet_known_waits_then_is_accepted_as_not_ours(webhook, settings):
    stranger = DonationFactory.build(pk=999_999, provider_ref="cs_elsewhere")
    body = event("checkout.session.completed", objects.checkout_session(stranger))

    assert webhook(body).status_code == 500
    assert "Waiting" in PaymentEvent.objects.get().error
    settings.DONATIONS_WEBHOOK_WAIT = 0
    assert webhook(body).status_code == 200
    assert PaymentEvent.objects.get().status == EventStatus.IGNORED


# Pledges


def test_a_pledge_starts_and_each_invoice_is_one_instalment_the_first_included(webhook, pledge):
    session = objects.checkout_session(pledge.first, mode="subscription")
    deliver(webhook, "checkout.session.completed", session)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.ACTIVE
    assert (pledge.provider_ref, pledge.customer_ref) == (f"sub_{pledge.pk}", "cus_patron")

    deliver(webhook, "invoice.paid", objects.invoice(pledge, pledge.first, 1))
    deliver(webhook, "invoice.paid", objects.invoice(pledge, pledge.first, 2))

    instalments = list(pledge.instalments.order_by("pk"))
    assert len(instalments) == 2
    assert instalments[0].pk == pledge.first.pk
    assert all(d.status == DonationStatus.SUCCEEDED for d in instalments)
    assert all(d.amount == 1000 and d.frequency == "monthly" for d in instalments)
    assert instalments[1].provider_ref == f"in_{pledge.pk}_2"
    pledge.refresh_from_db()
    assert pledge.current_period_end is not None
    assert [m.to for m in mail.outbox] == [["patron@example.org"]] * 2


def test_invoice_paid_before_its_checkout_completes_is_applied_correctly(webhook, pledge):
    deliver(webhook, "invoice.paid", objects.invoice(pledge, pledge.first, 1))
    pledge.refresh_from_db()
    pledge.first.refresh_from_db()
    assert pledge.status == PledgeStatus.ACTIVE
    assert pledge.provider_ref == f"sub_{pledge.pk}"
    assert pledge.first.status == DonationStatus.SUCCEEDED

    deliver(
        webhook,
        "checkout.session.completed",
        objects.checkout_session(pledge.first, mode="subscription"),
    )
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.ACTIVE
    assert pledge.customer_ref == "cus_patron"
    assert Donation.objects.filter(recurring=pledge).count() == 1
    assert len(mail.outbox) == 1


def test_failed_instalment_makes_the_pledge_past_due_and_emails_the_patron_a_fix_link(
    webhook, pledge
):
    now = int(time.time())
    deliver(webhook, "invoice.paid", objects.invoice(pledge, pledge.first, 1), created=now - 100)
    failed = objects.invoice(pledge, pledge.first, 2, status="open", amount_paid=0)
    deliver(webhook, "invoice.payment_failed", failed, created=now)
    deliver(webhook, "invoice.payment_failed", failed, created=now + 5)  # Stripe's next attempt

    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.PAST_DUE
    notices = [m for m in mail.outbox if "didn't go through" in m.subject]
    assert len(notices) == 1  # one email per failed invoice, however often it is retried
    assert "/donations/manage/" in notices[0].body

    deliver(webhook, "invoice.paid", objects.invoice(pledge, pledge.first, 2), created=now + 60)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.ACTIVE


def test_an_old_failure_delivered_late_does_not_undo_a_later_payment(webhook, pledge):
    now = int(time.time())
    deliver(webhook, "invoice.paid", objects.invoice(pledge, pledge.first, 1), created=now)
    late = objects.invoice(pledge, pledge.first, 1, status="open")
    deliver(webhook, "invoice.payment_failed", late, created=now - 3600)

    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.ACTIVE


def test_subscription_updates_apply_in_time_order_and_deletion_is_final(webhook, pledge):
    now = int(time.time())
    deliver(webhook, "customer.subscription.updated", objects.subscription(pledge), created=now)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.ACTIVE
    assert pledge.current_period_end is not None  # read from the subscription item

    older = objects.subscription(pledge, status="past_due")
    deliver(webhook, "customer.subscription.updated", older, created=now - 60)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.ACTIVE

    changed = objects.subscription(pledge, status="active", amount=1500)
    deliver(webhook, "customer.subscription.updated", changed, created=now + 60)
    pledge.refresh_from_db()
    assert (pledge.amount, pledge.fee_cover) == (1500, 0)

    deliver(webhook, "customer.subscription.deleted", objects.subscription(pledge, "canceled"))
    deliver(
        webhook, "customer.subscription.updated", objects.subscription(pledge), created=now + 600
    )
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CANCELLED


# Refunds and disputes


def test_refunds_grow_from_partial_to_full_and_never_shrink(webhook, gift):
    campaign = CampaignFactory(goals={"GBP": "100"})
    Donation.objects.filter(pk=gift.pk).update(campaign=campaign)
    paid(webhook, gift)
    assert campaign.progress()[0]["raised"] == 2500

    deliver(webhook, "charge.refunded", objects.charge(gift, amount_refunded=1000))
    gift.refresh_from_db()
    assert (gift.status, gift.amount_refunded) == (DonationStatus.PARTIALLY_REFUNDED, 1000)
    assert campaign.progress()[0]["raised"] == 1500

    deliver(webhook, "charge.refunded", objects.charge(gift, amount_refunded=2500))
    deliver(webhook, "charge.refunded", objects.charge(gift, amount_refunded=1000))  # late, older
    gift.refresh_from_db()
    assert (gift.status, gift.amount_refunded) == (DonationStatus.REFUNDED, 2500)
    assert campaign.progress()[0]["raised"] == 0


def test_a_refund_before_the_payment_is_recorded_is_retried_not_lost(webhook, gift, settings):
    gift.payment_ref = f"pi_{gift.pk}"
    gift.save()
    body = event("charge.refunded", objects.charge(gift, amount_refunded=2500))
    assert webhook(body).status_code == 500
    paid(webhook, gift)
    assert webhook(body).status_code == 200
    gift.refresh_from_db()
    assert gift.status == DonationStatus.REFUNDED


def test_disputes_flag_the_gift_email_staff_and_settle_it(webhook, gift, settings):
    settings.DONATIONS_ALERT_EMAILS = ["finance@example.org"]
    paid(webhook, gift)
    mail.outbox.clear()

    deliver(webhook, "charge.dispute.created", objects.dispute(gift))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.DISPUTED
    assert mail.outbox[0].to == ["finance@example.org"]
    assert "Dispute opened" in mail.outbox[0].subject

    deliver(webhook, "charge.dispute.closed", objects.dispute(gift, status="won"))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert len(mail.outbox) == 2


def test_a_lost_dispute_counts_as_money_returned(webhook, gift):
    paid(webhook, gift)
    deliver(webhook, "charge.dispute.created", objects.dispute(gift))
    deliver(webhook, "charge.dispute.closed", objects.dispute(gift, status="lost"))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.REFUNDED


def test_a_dispute_closed_before_its_opening_arrives_stays_closed(webhook, gift):
    paid(webhook, gift)
    deliver(webhook, "charge.dispute.closed", objects.dispute(gift, status="won"))
    deliver(webhook, "charge.dispute.created", objects.dispute(gift))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED


def test_fixture_shapes_that_name_nothing_of_ours_are_kept_and_accepted(webhook, settings):
    """The raw fixtures (current API shapes, ids that join nothing) parse, are stored and,
    once the wait for a late gift is over, are accepted as not ours rather than retried for ever.
    """
    settings.DONATIONS_WEBHOOK_WAIT = 0
    for event_type, name in [
        ("invoice.paid", "invoice"),
        ("invoice.payment_failed", "invoice"),
        ("customer.subscription.updated", "subscription"),
        ("customer.subscription.deleted", "subscription"),
        ("charge.refunded", "charge"),
        ("charge.dispute.created", "dispute"),
        ("invoice_payment.paid", "invoice_payment"),
        ("payment_intent.payment_failed", "payment_intent"),
    ]:
        response, _ = deliver(webhook, event_type, fixture(name))
        assert response.status_code == 200, event_type
    assert PaymentEvent.objects.count() == 8
    assert set(PaymentEvent.objects.values_list("status", flat=True)) <= {
        EventStatus.IGNORED,
        EventStatus.PROCESSED,
    }
    assert not Donation.objects.exists()
