"""Stripe webhook events -> ledger events: one translator per event type, in one table.

Written against the API shapes of stripe-python 16: an invoice names its subscription under
`parent.subscription_details` (with the subscription's metadata as it was when invoiced), and
billing periods live on subscription items and invoice lines, not on the subscription.
"""

from datetime import UTC, datetime

from .base import (
    CheckoutExpired,
    DisputeClosed,
    DisputeOpened,
    InstalmentFailed,
    InstalmentPaid,
    InstalmentPaymentFound,
    PaymentAttemptFailed,
    PaymentFailed,
    PaymentPending,
    PaymentSucceeded,
    PledgeCancelled,
    PledgeChanged,
    PledgeStarted,
    Refunded,
)

PLEDGE_STATUSES = {
    "active": "active",
    "trialing": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "canceled": "cancelled",
    "incomplete_expired": "cancelled",
}
INTERVALS = {"month": "monthly", "year": "annual"}


def moment(timestamp):
    return datetime.fromtimestamp(int(timestamp), UTC) if timestamp else None


def ref(value):
    """An id, whether Stripe sent it bare or as an expanded object."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def as_id(value):
    return int(value) if value and str(value).isdigit() else None


def our_id(metadata, key):
    """One of our ids, as we put it in the metadata of what we asked Stripe to create."""
    return as_id((metadata or {}).get(key))


def checkout_completed(session, event):
    metadata = session.get("metadata") or {}
    donation_id = our_id(metadata, "donation_id") or as_id(session.get("client_reference_id"))
    if session.get("mode") == "subscription":
        return [
            PledgeStarted(
                recurring_id=our_id(metadata, "recurring_donation_id"),
                provider_ref=ref(session.get("subscription")),
                customer_ref=ref(session.get("customer")),
                occurred_at=moment(event["created"]),
            )
        ]
    payment_ref = ref(session.get("payment_intent"))
    if session.get("payment_status") == "paid":
        return [
            PaymentSucceeded(
                donation_id=donation_id,
                provider_ref=session["id"],
                payment_ref=payment_ref,
                paid_at=moment(event["created"]),
            )
        ]
    return [PaymentPending(donation_id=donation_id, payment_ref=payment_ref)]


def async_payment_succeeded(session, event):
    if session.get("mode") == "subscription":
        return checkout_completed(session, event)  # the instalment itself comes as invoice.paid
    return [
        PaymentSucceeded(
            donation_id=our_id(session.get("metadata"), "donation_id"),
            provider_ref=session["id"],
            payment_ref=ref(session.get("payment_intent")),
            paid_at=moment(event["created"]),
        )
    ]


def async_payment_failed(session, event):
    return [
        PaymentFailed(
            donation_id=our_id(session.get("metadata"), "donation_id"),
            reason="The bank payment did not go through.",
        )
    ]


def checkout_expired(session, event):
    metadata = session.get("metadata") or {}
    events = [CheckoutExpired(donation_id=our_id(metadata, "donation_id"))]
    if session.get("mode") == "subscription":
        events.append(
            PledgeCancelled(
                subscription_ref="",
                recurring_id=our_id(metadata, "recurring_donation_id"),
                occurred_at=moment(event["created"]),
            )
        )
    return events


def invoice_subscription(invoice):
    """(subscription id, its metadata when invoiced) from the invoice's parent or its lines."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    if details.get("subscription"):
        return ref(details["subscription"]), details.get("metadata") or {}
    for line in (invoice.get("lines") or {}).get("data") or []:
        item = (line.get("parent") or {}).get("subscription_item_details") or {}
        if item.get("subscription"):
            return ref(item["subscription"]), line.get("metadata") or {}
    return "", {}


def invoice_period_end(invoice):
    ends = [
        line["period"]["end"]
        for line in (invoice.get("lines") or {}).get("data") or []
        if (line.get("period") or {}).get("end")
    ]
    return moment(max(ends)) if ends else None


def invoice_payment_ref(invoice):
    """The payment intent behind the invoice, when Stripe included the invoice's payments."""
    for payment in (invoice.get("payments") or {}).get("data") or []:
        details = payment.get("payment") or {}
        found = ref(details.get("payment_intent")) or ref(details.get("charge"))
        if found:
            return found
    return ""


def invoice_paid(invoice, event):
    subscription, metadata = invoice_subscription(invoice)
    if not subscription:
        return []  # an invoice that is not a pledge's: not ours to record
    transitions = invoice.get("status_transitions") or {}
    return [
        InstalmentPaid(
            subscription_ref=subscription,
            invoice_ref=invoice["id"],
            amount=int(invoice.get("amount_paid") or 0),
            currency=str(invoice["currency"]).upper(),
            recurring_id=our_id(metadata, "recurring_donation_id"),
            first_donation_id=our_id(metadata, "donation_id"),
            payment_ref=invoice_payment_ref(invoice),
            customer_ref=ref(invoice.get("customer")),
            paid_at=moment(transitions.get("paid_at") or event["created"]),
            occurred_at=moment(event["created"]),
            current_period_end=invoice_period_end(invoice),
        )
    ]


def invoice_payment_failed(invoice, event):
    subscription, metadata = invoice_subscription(invoice)
    if not subscription:
        return []
    return [
        InstalmentFailed(
            subscription_ref=subscription,
            invoice_ref=invoice["id"],
            recurring_id=our_id(metadata, "recurring_donation_id"),
            occurred_at=moment(event["created"]),
        )
    ]


def invoice_payment_paid(invoice_payment, event):
    details = invoice_payment.get("payment") or {}
    payment = ref(details.get("payment_intent")) or ref(details.get("charge"))
    if not payment or not invoice_payment.get("invoice"):
        return []
    return [
        InstalmentPaymentFound(invoice_ref=ref(invoice_payment["invoice"]), payment_ref=payment)
    ]


def subscription_updated(subscription, event):
    items = (subscription.get("items") or {}).get("data") or []
    amount = interval = None
    period_end = None
    if items:
        item = items[0]
        price = item.get("price") or {}
        if price.get("unit_amount") is not None:
            amount = int(price["unit_amount"]) * int(item.get("quantity") or 1)
        interval = INTERVALS.get((price.get("recurring") or {}).get("interval"))
        period_end = moment(item.get("current_period_end"))
    return [
        PledgeChanged(
            subscription_ref=subscription["id"],
            status=PLEDGE_STATUSES.get(subscription.get("status")),
            occurred_at=moment(event["created"]),
            recurring_id=our_id(subscription.get("metadata"), "recurring_donation_id"),
            amount=amount,
            currency=str(subscription.get("currency") or "").upper(),
            interval=interval or "",
            current_period_end=period_end,
        )
    ]


def subscription_deleted(subscription, event):
    return [
        PledgeCancelled(
            subscription_ref=subscription["id"],
            recurring_id=our_id(subscription.get("metadata"), "recurring_donation_id"),
            occurred_at=moment(event["created"]),
        )
    ]


def charge_refunded(charge, event):
    return [
        Refunded(
            payment_ref=ref(charge.get("payment_intent")) or charge["id"],
            amount_refunded=int(charge.get("amount_refunded") or 0),
            currency=str(charge["currency"]).upper(),
            donation_id=our_id(charge.get("metadata"), "donation_id"),
        )
    ]


def dispute_payment_ref(dispute):
    return ref(dispute.get("payment_intent")) or ref(dispute.get("charge"))


def dispute_created(dispute, event):
    return [
        DisputeOpened(
            payment_ref=dispute_payment_ref(dispute),
            dispute_ref=dispute["id"],
            amount=int(dispute.get("amount") or 0),
            currency=str(dispute.get("currency") or "").upper(),
            reason=str(dispute.get("reason") or ""),
        )
    ]


def dispute_closed(dispute, event):
    outcome = str(dispute.get("status") or "")
    return [
        DisputeClosed(
            payment_ref=dispute_payment_ref(dispute),
            dispute_ref=dispute["id"],
            # "warning_closed": an inquiry that never became a chargeback; the money stays.
            won=outcome != "lost",
            outcome=outcome,
        )
    ]


def payment_intent_failed(intent, event):
    error = intent.get("last_payment_error") or {}
    return [
        PaymentAttemptFailed(
            donation_id=our_id(intent.get("metadata"), "donation_id"),
            reason=str(error.get("decline_code") or error.get("code") or ""),
        )
    ]


TRANSLATORS = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": async_payment_succeeded,
    "checkout.session.async_payment_failed": async_payment_failed,
    "checkout.session.expired": checkout_expired,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "invoice_payment.paid": invoice_payment_paid,
    "customer.subscription.updated": subscription_updated,
    "customer.subscription.deleted": subscription_deleted,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute_created,
    "charge.dispute.closed": dispute_closed,
    "payment_intent.payment_failed": payment_intent_failed,
}


def ledger_events(event):
    translate = TRANSLATORS.get(event.get("type"))
    if translate is None:
        return []
    return translate(event["data"]["object"], event)
