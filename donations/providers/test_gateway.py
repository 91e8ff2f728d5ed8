"""The offline test gateway: a local page where the person chooses "succeed" or "fail".

It stands in for a real provider in development and demos. Its outcome is stored as a
`PaymentEvent` and applied by the same ledger code as a Stripe webhook. It is never offered
in production (the production settings refuse PAYMENTS_TEST_GATEWAY).
"""

import json
import secrets
from datetime import UTC, datetime, timedelta

from django.urls import reverse

from .base import (
    CheckoutRequest,
    CheckoutResult,
    InstalmentPaid,
    PaymentFailed,
    PaymentSucceeded,
    PledgeCancelled,
    PledgeStarted,
    ReceivedEvent,
    WebhookRejected,
)

OUTCOMES = ("succeed", "fail")
PERIODS = {"monthly": timedelta(days=30), "annual": timedelta(days=365)}


class TestGateway:
    __test__ = False  # not a pytest test class, whatever its name

    name = "test"
    label = "Test gateway (no money moves)"
    is_test = True
    manage_help = ""

    def is_configured(self):
        from . import offline_gateway_enabled

        return offline_gateway_enabled()

    def start_checkout(self, request: CheckoutRequest) -> CheckoutResult:
        checkout = f"test_cs_{secrets.token_hex(12)}"
        return CheckoutResult(
            redirect_url=reverse("donations:test_gateway", args=[checkout]), provider_ref=checkout
        )

    @staticmethod
    def outcome_body(donation, outcome):
        """The event the gateway page records when the person chooses an outcome."""
        return json.dumps(
            {
                "id": f"{donation.provider_ref}:{outcome}",
                "type": f"test.{outcome}",
                "created": int(datetime.now(UTC).timestamp()),
                "checkout": donation.provider_ref,
                "donation_id": donation.pk,
                "recurring_id": donation.recurring_id,
                "frequency": donation.frequency,
                "amount": donation.total,
                "currency": donation.currency,
            }
        )

    def receive(self, body, headers):
        try:
            event = json.loads(body)
            if event["type"].removeprefix("test.") not in OUTCOMES:
                raise ValueError(event["type"])
            return ReceivedEvent(event_id=str(event["id"]), event_type=event["type"])
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise WebhookRejected("not a test gateway event") from error

    def ledger_events(self, body):
        event = json.loads(body)
        checkout, donation_id = event["checkout"], event["donation_id"]
        when = datetime.fromtimestamp(event["created"], UTC)
        recurring = event["frequency"] in PERIODS
        if event["type"] == "test.fail":
            failed = [PaymentFailed(donation_id=donation_id, reason="Declined in test mode.")]
            if recurring:
                failed.append(
                    PledgeCancelled(
                        subscription_ref="", recurring_id=event["recurring_id"], occurred_at=when
                    )
                )
            return failed
        if not recurring:
            return [
                PaymentSucceeded(
                    donation_id=donation_id,
                    provider_ref=checkout,
                    payment_ref=f"{checkout}_payment",
                    paid_at=when,
                )
            ]
        subscription = f"{checkout}_pledge"
        period_end = when + PERIODS[event["frequency"]]
        return [
            PledgeStarted(
                recurring_id=event["recurring_id"],
                provider_ref=subscription,
                occurred_at=when,
                current_period_end=period_end,
            ),
            InstalmentPaid(
                subscription_ref=subscription,
                invoice_ref=checkout,
                amount=event["amount"],
                currency=event["currency"],
                recurring_id=event["recurring_id"],
                first_donation_id=donation_id,
                payment_ref=f"{checkout}_payment",
                paid_at=when,
                occurred_at=when,
                current_period_end=period_end,
            ),
        ]

    def manage_url(self, customer_ref, return_url):
        return None
