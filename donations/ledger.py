"""Applying what providers report to the ledger, the same way for every provider.

A webhook (or the test gateway's outcome) is stored first as a `PaymentEvent`, unique per
provider and event id. Then, with that row locked, the provider translates it into ledger
events and each is applied through a table of handlers, in one transaction. Every row changed
is locked and moved only forwards (`Stateful.advance`), so a repeated or late event is a no-op.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import card_testing, tasks
from .models import (
    Campaign,
    Donation,
    DonationStatus,
    EventStatus,
    PaymentEvent,
    PledgeStatus,
    RecurringDonation,
)
from .providers import base, get_provider

logger = logging.getLogger("donations.ledger")

DONE = (EventStatus.PROCESSED, EventStatus.IGNORED)


class NotFound(Exception):
    """The event names a gift or pledge the ledger does not (yet) have."""


class RetryLater(Exception):
    """The event cannot be applied yet (it came before the one it follows): answer 500."""


def receive(provider, body, headers):
    """Store a verified webhook once, then apply it; the stored event, with its outcome.

    Raises WebhookRejected (answer 400) when the provider does not vouch for it.
    """
    received = provider.receive(body, headers)
    event, created = PaymentEvent.objects.get_or_create(
        provider=provider.name,
        event_id=received.event_id,
        defaults={
            "event_type": received.event_type[:100],
            "body": body.decode("utf-8"),
            "headers": dict(headers),
        },
    )
    if not created and event.status in DONE:
        return event  # a repeated delivery of an event applied already: nothing to lock
    return process(event.pk)


def process(event_pk):
    """Apply a stored event unless done already; safe to call twice, or from two processes.

    The event row is locked for the whole transaction: a second delivery arriving at the same
    moment waits, then finds it processed. A failure is kept on the event (and rolled back
    from the ledger) so that the provider's retry, or the admin's, applies it again.
    """
    with transaction.atomic():
        event = PaymentEvent.objects.select_for_update().get(pk=event_pk)
        if event.status in DONE:
            return event
        if event.verified_at is None:
            # Stored before its provider vouched for it (a PayPal IPN awaiting its postback):
            # nothing is applied until it has.
            event.status = EventStatus.FAILED
            event.error = event.error or "Waiting: not verified with the provider yet"
            event.save(update_fields=["status", "error"])
            return event
        event.attempts += 1
        try:
            with transaction.atomic():
                notes = apply(get_provider(event.provider), event)
        except RetryLater as waiting:
            event.status, event.error = EventStatus.FAILED, f"Waiting: {waiting}"
        except base.EventRefused as refused:
            logger.warning("Flagged %s: %s", event, refused)
            event.status, event.error = EventStatus.FAILED, f"Flagged: {refused}"
        except Exception as error:
            logger.exception("Applying %s failed", event)
            event.status, event.error = EventStatus.FAILED, f"{type(error).__name__}: {error}"
        else:
            event.status = EventStatus.PROCESSED if notes is None else EventStatus.IGNORED
            event.note = "; ".join(notes or [])[:500]
            event.error = ""
            event.processed_at = timezone.now()
        event.save(update_fields=["status", "error", "note", "attempts", "processed_at"])
    return event


def apply(provider, event):
    """Apply each ledger event; None when all applied, else notes on what was not ours."""
    ledger_events = provider.ledger_events(event.body)
    if not ledger_events:
        return [f"{event.event_type}: nothing to record"]
    ignored = []
    for ledger_event in ledger_events:
        try:
            HANDLERS[type(ledger_event)](ledger_event, provider.name, event)
        except NotFound as missing:
            # Give the event it depends on time to arrive (the provider retries on 500), then
            # accept that it is not ours: a payment for something else on the same account.
            age = timezone.now() - event.received_at
            if age < timedelta(seconds=settings.DONATIONS_WEBHOOK_WAIT):
                raise RetryLater(str(missing)) from None
            ignored.append(str(missing))
    return ignored or None


# Finding rows, locked for the rest of the event's transaction.


def find_donation(provider, donation_id=None, provider_ref="", payment_ref=""):
    donations = Donation.objects.select_for_update().filter(provider=provider)
    found = None
    if donation_id:
        found = donations.filter(pk=donation_id).first()
    if found is None and provider_ref:
        found = donations.filter(provider_ref=provider_ref).first()
    if found is None and payment_ref:
        found = donations.filter(payment_ref=payment_ref).first()
    if found is None:
        raise NotFound(f"no gift {donation_id or provider_ref or payment_ref}")
    return found


def find_pledge(provider, recurring_id=None, provider_ref=""):
    pledges = RecurringDonation.objects.select_for_update().filter(provider=provider)
    found = None
    if recurring_id:
        found = pledges.filter(pk=recurring_id).first()
    if found is None and provider_ref:
        found = pledges.filter(provider_ref=provider_ref).first()
    if found is None:
        raise NotFound(f"no pledge {recurring_id or provider_ref}")
    return found


# What follows a change: a receipt, a fresh campaign total, the card-testing breaker.


def succeeded(donation, changed):
    if changed and donation.status == DonationStatus.SUCCEEDED:
        transaction.on_commit(partial(tasks.send_receipt.enqueue, donation.pk))
    counted_changed(donation, changed)


def counted_changed(donation, changed):
    if changed and donation.campaign_id:
        transaction.on_commit(partial(Campaign.forget_progress, donation.campaign_id))


def is_newer(pledge, occurred_at):
    """Whether this event is at least as recent as the newest one applied to the pledge."""
    return not (
        occurred_at and pledge.provider_updated_at and occurred_at < pledge.provider_updated_at
    )


def runs_on(pledge, occurred_at):
    """Whether this event leaves the pledge running: a cancelled pledge stays cancelled when
    its start or a payment is reported late, but still learns the provider's ids."""
    return pledge.status != PledgeStatus.CANCELLED and is_newer(pledge, occurred_at)


def newest(pledge, occurred_at):
    times = [t for t in (pledge.provider_updated_at, occurred_at) if t]
    return max(times) if times else None


# Handlers: one per ledger event type.


def payment_succeeded(e: base.PaymentSucceeded, provider, event):
    donation = find_donation(provider, e.donation_id, e.provider_ref, e.payment_ref)
    changed = donation.advance(
        DonationStatus.SUCCEEDED,
        note="Paid",
        event=event,
        provider_ref=e.provider_ref,
        payment_ref=e.payment_ref,
        succeeded_at=e.paid_at or timezone.now(),
    )
    succeeded(donation, changed)


def payment_pending(e: base.PaymentPending, provider, event):
    donation = find_donation(provider, e.donation_id)
    donation.advance(
        donation.status,
        note=f"Waiting for the money: {e.reason}" if e.reason else "Waiting for the money",
        event=event,
        payment_ref=e.payment_ref,
    )


def payment_failed(e: base.PaymentFailed, provider, event):
    donation = find_donation(provider, e.donation_id)
    if donation.advance(DonationStatus.FAILED, note=e.reason or "Payment failed", event=event):
        card_testing.record_failure()


def payment_attempt_failed(e: base.PaymentAttemptFailed, provider, event):
    card_testing.record_failure()


def checkout_expired(e: base.CheckoutExpired, provider, event):
    donation = find_donation(provider, e.donation_id)
    donation.advance(DonationStatus.EXPIRED, note="Checkout expired unpaid", event=event)


def pledge_started(e: base.PledgeStarted, provider, event):
    pledge = find_pledge(provider, e.recurring_id, e.provider_ref)
    status = PledgeStatus.ACTIVE if runs_on(pledge, e.occurred_at) else pledge.status
    updates = {"provider_ref": e.provider_ref, "customer_ref": e.customer_ref}
    if e.current_period_end:
        updates["current_period_end"] = e.current_period_end
    pledge.advance(
        status,
        note="Pledge set up",
        event=event,
        provider_updated_at=newest(pledge, e.occurred_at),
        **updates,
    )


def instalment_paid(e: base.InstalmentPaid, provider, event):
    pledge = find_pledge(provider, e.recurring_id, e.subscription_ref)
    if e.amount <= 0:
        return  # a free period (a trial, a full discount): nothing was given
    # The pledge is paid up, so running, whatever order the provider's events came in.
    status = PledgeStatus.ACTIVE if runs_on(pledge, e.occurred_at) else pledge.status
    pledge.advance(
        status,
        note="Instalment paid",
        event=event,
        provider_ref=e.subscription_ref,
        customer_ref=e.customer_ref,
        current_period_end=e.current_period_end or pledge.current_period_end,
        provider_updated_at=newest(pledge, e.occurred_at),
    )
    donation = instalment_for(pledge, e)
    changed = donation.advance(
        DonationStatus.SUCCEEDED,
        note="Instalment paid",
        event=event,
        payment_ref=e.payment_ref,
        succeeded_at=e.paid_at or timezone.now(),
    )
    succeeded(donation, changed)


def instalment_for(pledge, e):
    """The gift for this invoice: recorded already, the pledge's first (pending since
    checkout), or a new one."""
    gifts = Donation.objects.select_for_update().filter(provider=pledge.provider)
    existing = gifts.filter(provider_ref=e.invoice_ref).first()
    if existing is None and e.payment_ref:
        # The first instalment keeps the checkout's ref; its payment names it.
        existing = gifts.filter(recurring=pledge, payment_ref=e.payment_ref).first()
    if existing:
        return existing
    if e.first_donation_id:
        first = gifts.filter(
            pk=e.first_donation_id, recurring=pledge, status=DonationStatus.PENDING
        ).first()
        if first:
            return first
    if e.currency == pledge.currency and e.amount == pledge.total:
        amount, fee_cover = pledge.amount, pledge.fee_cover
    else:  # the donor changed their pledge with the provider
        amount, fee_cover = e.amount, 0
    return Donation.objects.create(
        donor_id=pledge.donor_id,
        amount=amount,
        fee_cover=fee_cover,
        currency=e.currency,
        frequency=pledge.interval,
        provider=pledge.provider,
        provider_ref=e.invoice_ref,
        recurring=pledge,
        source_page_id=pledge.source_page_id,
        campaign_id=pledge.campaign_id,
    )


def instalment_failed(e: base.InstalmentFailed, provider, event):
    pledge = find_pledge(provider, e.recurring_id, e.subscription_ref)
    if is_newer(pledge, e.occurred_at):
        pledge.advance(
            PledgeStatus.PAST_DUE,
            note="Instalment failed",
            event=event,
            provider_updated_at=newest(pledge, e.occurred_at),
        )
    if pledge.status == PledgeStatus.PAST_DUE:
        transaction.on_commit(
            partial(tasks.send_payment_failed_notice.enqueue, pledge.pk, e.invoice_ref)
        )


def instalment_payment_found(e: base.InstalmentPaymentFound, provider, event):
    donation = find_donation(provider, provider_ref=e.invoice_ref)
    donation.advance(
        donation.status, note="Payment identified", event=event, payment_ref=e.payment_ref
    )


def pledge_changed(e: base.PledgeChanged, provider, event):
    pledge = find_pledge(provider, e.recurring_id, e.subscription_ref)
    if not is_newer(pledge, e.occurred_at):
        return  # an older picture of the pledge than the one we hold
    updates = {"provider_ref": e.subscription_ref}
    if e.amount and e.currency and (e.amount, e.currency) != (pledge.total, pledge.currency):
        updates.update(amount=e.amount, fee_cover=0, currency=e.currency)
    if e.interval:
        updates["interval"] = e.interval
    if e.current_period_end:
        updates["current_period_end"] = e.current_period_end
    pledge.advance(
        e.status or pledge.status,
        note="Changed with the provider",
        event=event,
        provider_updated_at=newest(pledge, e.occurred_at),
        **updates,
    )


def pledge_cancelled(e: base.PledgeCancelled, provider, event):
    pledge = find_pledge(provider, e.recurring_id, e.subscription_ref)
    pledge.advance(
        PledgeStatus.CANCELLED,
        note="Cancelled",
        event=event,
        provider_updated_at=newest(pledge, e.occurred_at),
    )


def refunded(e: base.Refunded, provider, event):
    donation = find_donation(provider, e.donation_id, payment_ref=e.payment_ref)
    record_refund(donation, max(donation.amount_refunded, e.amount_refunded), event)


def refund_issued(e: base.RefundIssued, provider, event):
    donation = find_donation(provider, payment_ref=e.payment_ref)
    if e.currency != donation.currency:
        raise base.EventRefused(
            f"refund {e.refund_ref} is in {e.currency}; gift {donation.reference} in "
            f"{donation.currency}"
        )
    record_refund(donation, min(donation.amount_refunded + e.amount, donation.total), event)


def record_refund(donation, total_refunded, event):
    if donation.status == DonationStatus.PENDING:
        raise RetryLater(f"refund before payment of gift {donation.pk}")
    if total_refunded >= donation.total:
        status = DonationStatus.REFUNDED
    elif donation.status == DonationStatus.DISPUTED:
        status = DonationStatus.DISPUTED  # still in dispute; the refund is recorded alongside
    else:
        status = DonationStatus.PARTIALLY_REFUNDED
    changed = donation.advance(status, note="Refunded", event=event, amount_refunded=total_refunded)
    counted_changed(donation, changed)


def dispute_opened(e: base.DisputeOpened, provider, event):
    donation = find_donation(provider, payment_ref=e.payment_ref)
    if donation.status == DonationStatus.PENDING:
        raise RetryLater(f"dispute before payment of gift {donation.pk}")
    if donation.dispute_ref == e.dispute_ref and donation.status != DonationStatus.DISPUTED:
        return  # this dispute was closed already: its opening came late
    changed = donation.advance(
        DonationStatus.DISPUTED,
        note=f"Dispute opened ({e.reason})" if e.reason else "Dispute opened",
        event=event,
        dispute_ref=e.dispute_ref,
    )
    counted_changed(donation, changed)
    if changed:
        transaction.on_commit(
            partial(tasks.notify_staff_of_dispute.enqueue, donation.pk, e.dispute_ref, "opened")
        )


def dispute_closed(e: base.DisputeClosed, provider, event):
    donation = find_donation(provider, payment_ref=e.payment_ref)
    if donation.status == DonationStatus.PENDING:
        raise RetryLater(f"dispute before payment of gift {donation.pk}")
    if not e.won:
        status = DonationStatus.REFUNDED  # the card network returned the money to the donor
    elif donation.status == DonationStatus.DISPUTED:
        status = (
            DonationStatus.PARTIALLY_REFUNDED
            if donation.amount_refunded
            else DonationStatus.SUCCEEDED
        )
    else:
        status = donation.status
    changed = donation.advance(
        status, note=f"Dispute closed: {e.outcome or 'won'}", event=event, dispute_ref=e.dispute_ref
    )
    counted_changed(donation, changed)
    if changed:
        transaction.on_commit(
            partial(tasks.notify_staff_of_dispute.enqueue, donation.pk, e.dispute_ref, "closed")
        )


HANDLERS = {
    base.PaymentSucceeded: payment_succeeded,
    base.PaymentPending: payment_pending,
    base.PaymentFailed: payment_failed,
    base.PaymentAttemptFailed: payment_attempt_failed,
    base.CheckoutExpired: checkout_expired,
    base.PledgeStarted: pledge_started,
    base.InstalmentPaid: instalment_paid,
    base.InstalmentFailed: instalment_failed,
    base.InstalmentPaymentFound: instalment_payment_found,
    base.PledgeChanged: pledge_changed,
    base.PledgeCancelled: pledge_cancelled,
    base.Refunded: refunded,
    base.RefundIssued: refund_issued,
    base.DisputeOpened: dispute_opened,
    base.DisputeClosed: dispute_closed,
}
