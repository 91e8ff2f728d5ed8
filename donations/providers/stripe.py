"""Stripe: Checkout Sessions for gifts and pledges, the Customer Portal, signed webhooks.

Every Stripe-specific line of the portal lives here and in `stripe_events.py`.
"""

import json
import logging

import stripe
from django.conf import settings
from django.core.cache import cache

from .base import (
    CheckoutRequest,
    CheckoutResult,
    ProviderUnavailable,
    ReceivedEvent,
    WebhookRejected,
)
from .stripe_events import ledger_events

logger = logging.getLogger("donations.stripe")

INTERVALS = {"monthly": "month", "annual": "year"}
PRODUCT_CACHE_TIMEOUT = 60 * 60 * 24


class StripeProvider:
    name = "stripe"
    label = "Card, Apple Pay or Google Pay (Stripe)"
    is_test = False
    manage_help = ""

    def is_configured(self):
        return bool(settings.STRIPE_SECRET_KEY)

    def client(self):
        connect, read = settings.STRIPE_TIMEOUTS
        base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses=base,
            http_client=stripe.RequestsClient(timeout=(connect, read)),
            max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        )

    def start_checkout(self, request: CheckoutRequest) -> CheckoutResult:
        metadata = {"donation_id": str(request.donation_id), **request.metadata}
        if request.recurring_id:
            metadata["recurring_donation_id"] = str(request.recurring_id)
        price_data = {
            "currency": request.currency.lower(),
            "unit_amount": request.amount,
            "product": None,
        }
        params = {
            "line_items": [{"quantity": 1, "price_data": price_data}],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "customer_email": request.email,
            "client_reference_id": str(request.donation_id),
            "metadata": metadata,
        }
        if request.frequency == "one_off":
            params["mode"] = "payment"
            params["submit_type"] = "donate"
            params["payment_intent_data"] = {
                "metadata": metadata,
                "description": request.description,
            }
        else:
            params["mode"] = "subscription"
            price_data["recurring"] = {"interval": INTERVALS[request.frequency]}
            params["subscription_data"] = {
                "metadata": metadata,
                "description": request.description,
            }
        try:
            client = self.client()
            price_data["product"] = self.product_id(client)
            session = client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as error:
            # The detail goes to the log; the donor is told only that nothing was charged.
            logger.warning("Stripe checkout for donation %s failed: %r", request.donation_id, error)
            raise ProviderUnavailable(str(error)) from error
        return CheckoutResult(redirect_url=session.url, provider_ref=session.id)

    def product_id(self, client):
        """The one Product every gift and pledge is priced against, made on first use.

        Stripe lets us choose a product's id, so looking it up and creating it are both keyed
        by STRIPE_PRODUCT_ID: two processes racing to create it make one product.
        """
        product_id = settings.STRIPE_PRODUCT_ID
        key = f"donations:stripe-product:{product_id}"
        if cache.get(key):
            return product_id
        try:
            client.v1.products.retrieve(product_id)
        except stripe.InvalidRequestError as error:
            if error.code != "resource_missing":
                raise
            try:
                client.v1.products.create(
                    params={"id": product_id, "name": settings.STRIPE_PRODUCT_NAME},
                    options={"idempotency_key": f"product-{product_id}"},
                )
            except stripe.InvalidRequestError as race:
                if race.code != "resource_already_exists":
                    raise
        cache.set(key, True, PRODUCT_CACHE_TIMEOUT)
        return product_id

    def receive(self, body, headers):
        try:
            payload = body.decode("utf-8")
            stripe.WebhookSignature.verify_header(
                payload,
                headers.get("Stripe-Signature"),
                settings.STRIPE_WEBHOOK_SECRET,
                stripe.Webhook.DEFAULT_TOLERANCE,
            )
            event = json.loads(payload)
            return ReceivedEvent(event_id=str(event["id"]), event_type=str(event["type"]))
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as error:
            raise WebhookRejected(str(error)) from error
        except (ValueError, KeyError, TypeError) as error:
            raise WebhookRejected("not a Stripe event") from error

    def ledger_events(self, body):
        return ledger_events(json.loads(body))

    def manage_url(self, customer_ref, return_url):
        if not customer_ref:
            return None
        try:
            session = self.client().v1.billing_portal.sessions.create(
                params={"customer": customer_ref, "return_url": return_url}
            )
        except stripe.StripeError as error:
            logger.warning("Stripe portal session for %s failed: %r", customer_ref, error)
            raise ProviderUnavailable(str(error)) from error
        return session.url
