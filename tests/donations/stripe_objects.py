"""Stripe objects for webhook tests, from the fixtures, with the ids and amounts a test needs."""

import time

from .stripe_fake import fixture


def checkout_session(donation, paid=True, mode="payment", **changes):
    session = fixture("checkout.session")
    metadata = {"donation_id": str(donation.pk)}
    if donation.recurring_id:
        metadata["recurring_donation_id"] = str(donation.recurring_id)
    session.update(
        id=donation.provider_ref or f"cs_test_{donation.pk}",
        mode=mode,
        status="complete",
        payment_status="paid" if paid else "unpaid",
        payment_intent=f"pi_{donation.pk}" if mode == "payment" else None,
        amount_total=donation.total,
        currency=donation.currency.lower(),
        metadata=metadata,
        client_reference_id=str(donation.pk),
    )
    if mode == "subscription":
        session.update(subscription=f"sub_{donation.recurring_id}", customer="cus_patron")
    session.update(changes)
    return session


def invoice(pledge, first_donation, number, amount=None, paid_at=None, **changes):
    """The pledge's `number`th invoice, as `invoice.paid` carries it in the current API."""
    document = fixture("invoice")
    paid_at = paid_at or int(time.time())
    document.update(
        id=f"in_{pledge.pk}_{number}",
        status="paid",
        amount_due=pledge.total if amount is None else amount,
        amount_paid=pledge.total if amount is None else amount,
        amount_remaining=0,
        currency=pledge.currency.lower(),
        customer="cus_patron",
        billing_reason="subscription_create" if number == 1 else "subscription_cycle",
        status_transitions={**document["status_transitions"], "paid_at": paid_at},
        parent={
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {
                "subscription": f"sub_{pledge.pk}",
                "metadata": {
                    "donation_id": str(first_donation.pk),
                    "recurring_donation_id": str(pledge.pk),
                },
            },
        },
    )
    document["lines"]["data"][0]["period"] = {"start": paid_at, "end": paid_at + 30 * 86400}
    document.update(changes)
    return document


def subscription(pledge, status="active", amount=None, **changes):
    document = fixture("subscription")
    document.update(
        id=f"sub_{pledge.pk}",
        status=status,
        currency=pledge.currency.lower(),
        customer="cus_patron",
        metadata={"recurring_donation_id": str(pledge.pk)},
    )
    item = document["items"]["data"][0]
    item["price"]["unit_amount"] = pledge.total if amount is None else amount
    item["price"]["currency"] = pledge.currency.lower()
    item["current_period_end"] = int(time.time()) + 30 * 86400
    document.update(changes)
    return document


def charge(donation, amount_refunded):
    document = fixture("charge")
    document.update(
        id=f"ch_{donation.pk}",
        amount=donation.total,
        amount_captured=donation.total,
        amount_refunded=amount_refunded,
        refunded=amount_refunded >= donation.total,
        currency=donation.currency.lower(),
        payment_intent=donation.payment_ref,
    )
    return document


def dispute(donation, status="needs_response"):
    document = fixture("dispute")
    document.update(
        id=f"dp_{donation.pk}",
        amount=donation.total,
        currency=donation.currency.lower(),
        charge=f"ch_{donation.pk}",
        payment_intent=donation.payment_ref,
        status=status,
    )
    return document
