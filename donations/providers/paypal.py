"""PayPal Payments Standard: donation and subscription buttons, IPN verified by postback.

Every PayPal-specific line of the portal lives here, in `paypal_events.py` (IPN -> ledger
events) and in `paypal_ipn.py` (the IPN listener and its background verification). PayPal marks
Payments Standard as legacy; a provider on its REST APIs can replace these three files.

The donor is handed to PayPal by a redirect to its button URL with the button's fields in the
query string, which PayPal Standard accepts as it accepts a posted button form. The redirect
keeps the provider interface (a URL to send the donor to), needs no intermediate page, script
or CSRF token, and works in every browser.
"""

import logging
import secrets
from decimal import Decimal
from urllib.parse import urlencode, urljoin

import requests
from django.conf import settings
from django.urls import reverse
from paypal.standard.conf import (
    LOGIN_URL,
    POSTBACK_ENDPOINT,
    SANDBOX_LOGIN_URL,
    SANDBOX_POSTBACK_ENDPOINT,
)

from donations import money

from . import paypal_events
from .base import (
    CheckoutRequest,
    CheckoutResult,
    ProviderUnavailable,
    ReceivedEvent,
    WebhookRejected,
)

logger = logging.getLogger("donations.paypal")

UNITS = {"monthly": "M", "annual": "Y"}
USER_AGENT = "portal-ipn-listener"  # PayPal refuses postbacks that name no client


class PayPalProvider:
    name = "paypal"
    label = "PayPal"
    is_test = False
    manage_help = (
        "PayPal takes this support for us, and only you can stop it there: log in to PayPal, "
        "open Settings, then Payments, then Automatic payments, choose us and cancel. "
        "We hear from PayPal and mark it cancelled here."
    )

    def is_configured(self):
        return bool(settings.PAYPAL_RECEIVER_EMAIL)

    def button_url(self):
        return SANDBOX_LOGIN_URL if settings.PAYPAL_TEST else LOGIN_URL

    def postback_url(self):
        if settings.PAYPAL_IPN_POSTBACK_URL:
            return settings.PAYPAL_IPN_POSTBACK_URL
        return SANDBOX_POSTBACK_ENDPOINT if settings.PAYPAL_TEST else POSTBACK_ENDPOINT

    def start_checkout(self, request: CheckoutRequest) -> CheckoutResult:
        # PayPal can refuse a second payment of the same invoice; the random part keeps ours
        # apart from another site's (or a test database's) on the same account.
        invoice = f"D{request.donation_id}-{secrets.token_hex(4)}"
        custom = {"donation": request.donation_id}
        if request.recurring_id:
            custom["pledge"] = request.recurring_id
        total = paypal_amount(request.amount, request.currency)
        fields = {
            "business": settings.PAYPAL_RECEIVER_EMAIL,
            "item_name": request.description,
            "currency_code": request.currency,
            "custom": urlencode(custom),
            "invoice": invoice,
            "notify_url": urljoin(request.success_url, reverse("donations:paypal_ipn")),
            "return": request.success_url,
            "cancel_return": request.cancel_url,
            "no_shipping": "1",
            "no_note": "1",
            "charset": "utf-8",
        }
        if request.frequency == "one_off":
            fields.update(cmd="_donations", amount=total)
        else:
            # a3 every p3 t3, recurring (src) until cancelled, retried once when it fails (sra).
            fields.update(
                cmd="_xclick-subscriptions",
                a3=total,
                p3="1",
                t3=UNITS[request.frequency],
                src="1",
                sra="1",
            )
        return CheckoutResult(
            redirect_url=f"{self.button_url()}?{urlencode(fields)}", provider_ref=invoice
        )

    def receive(self, body, headers):
        """Verify a stored IPN by posting it back to PayPal, exactly as it came.

        ProviderUnavailable when PayPal cannot be asked now, or answers with neither verdict;
        WebhookRejected when it answers INVALID: it did not send this IPN.
        """
        try:
            answer = requests.post(
                self.postback_url(),
                data=b"cmd=_notify-validate&" + body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "User-Agent": USER_AGENT,
                },
                timeout=settings.PAYPAL_POSTBACK_TIMEOUTS,
            )
            answer.raise_for_status()
        except requests.RequestException as error:
            logger.warning("PayPal IPN postback failed: %r", error)
            raise ProviderUnavailable(type(error).__name__) from error
        verdict = answer.text.strip()
        if verdict == "INVALID":
            raise WebhookRejected("PayPal answered 'INVALID'")
        if verdict != "VERIFIED":
            # Not PayPal's verdict at all (a maintenance page, say): ask again later.
            raise ProviderUnavailable(f"PayPal answered {verdict[:20]!r}")
        event_id, event_type = paypal_events.identify(body.decode("ascii"))
        return ReceivedEvent(event_id=event_id, event_type=event_type)

    def ledger_events(self, body):
        return paypal_events.ledger_events(body)

    def manage_url(self, customer_ref, return_url):
        # No API in Payments Standard cancels a subscription: the donor does it at PayPal.
        host = (
            "https://www.sandbox.paypal.com" if settings.PAYPAL_TEST else "https://www.paypal.com"
        )
        return f"{host}/myaccount/autopay/"


def paypal_amount(minor, currency):
    """Minor units -> the text PayPal takes ("25.00"; whole HUF and TWD, as PayPal counts them)."""
    value = money.to_major(minor, currency)
    places = Decimal(1).scaleb(-money.exponent(currency, provider="paypal"))
    if value != value.quantize(places):
        raise ProviderUnavailable(f"PayPal takes no fractions of {currency}")
    return str(value.quantize(places))
