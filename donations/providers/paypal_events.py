"""PayPal IPNs in the ledger's words: decoding a body in its own charset, checking it against
the gift it names, and translating it into ledger events.

An IPN is a form-encoded body whose `charset` field says how its percent-escapes decode
(windows-1252 unless the account chose otherwise). Everything PayPal leaves to the listener is
checked here: the money went to our account, in the gift's currency and amount, for a gift we
issued. Anything else is refused (`EventRefused`): kept and flagged for staff, never applied.
"""

import codecs
import hashlib
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, parse_qsl

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from paypal.standard.forms import PayPalDateTimeField

from donations import money
from donations.models import Donation, DonationStatus, RecurringDonation

from .base import (
    DisputeClosed,
    DisputeOpened,
    EventRefused,
    InstalmentFailed,
    InstalmentPaid,
    PaymentFailed,
    PaymentPending,
    PaymentSucceeded,
    PledgeCancelled,
    PledgeStarted,
    RefundIssued,
)

PROVIDER = "paypal"
DEFAULT_CHARSET = "windows-1252"  # PayPal's own, when an IPN names none or nonsense
CHARSET = re.compile(r"(?:^|&)charset=([A-Za-z0-9_.-]{1,40})(?:&|$)")
# Bytes kept as they are when a body is stored; any other byte is stored percent-escaped.
PRINTABLE = bytes(range(0x21, 0x7F))
MAX_FIELDS = 400
# Every IPN names one of these (`parse` refuses a body with neither).
NOTICE_FIELDS = {"txn_type", "payment_status"}

PERIODS = {"monthly": ("1 M", timedelta(days=31)), "annual": ("1 Y", timedelta(days=366))}
FAILED_STATUSES = {"Denied", "Failed", "Declined", "Expired", "Voided"}
REVERSALS = {"Refunded", "Reversed", "Canceled_Reversal"}
# Subscription notices PayPal sends once per subscription: their key is the subscription.
ONCE_PER_SUBSCRIPTION = {"subscr_signup", "subscr_cancel", "subscr_eot"}


def stored_text(raw: bytes) -> str:
    """The body as text to store: PayPal's bodies are ASCII (form-encoded) and kept exactly;
    a stray raw byte (a binary or mis-encoded post) is kept percent-escaped, never lost."""
    return "".join(chr(byte) if byte in PRINTABLE else f"%{byte:02X}" for byte in raw)


def could_be_ipn(body: str) -> bool:
    """Whether a posted body could be an IPN at all, asked before it is stored: it names a
    txn_type or a payment_status.

    Only names are looked at, so a body whose values do not decode in its charset (mangled on
    the way, or in a charset PayPal misnamed) is still stored, and flagged.
    """
    pairs = parse_qsl(body, keep_blank_values=True, encoding="latin-1")
    return any(value for name, value in pairs if name in NOTICE_FIELDS)


def charset_of(body: str) -> str:
    found = CHARSET.search(body)
    if found:
        try:
            return codecs.lookup(found.group(1)).name
        except LookupError:
            pass
    return DEFAULT_CHARSET


def parse(body: str) -> dict[str, str]:
    """The IPN's fields, decoded in its charset; EventRefused when it is not one."""
    charset = charset_of(body)
    try:
        pairs = parse_qsl(
            body,
            keep_blank_values=True,
            encoding=charset,
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise EventRefused(f"the body does not decode as {charset}") from None
    except ValueError:
        raise EventRefused("the body is not a form PayPal would send") from None
    fields = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    if not (fields.get("txn_type") or fields.get("payment_status")):
        raise EventRefused("not a PayPal IPN: it has neither txn_type nor payment_status")
    return fields


def identify(body: str) -> tuple[str, str]:
    """(event id, event type) for storing an IPN once, before it is verified.

    A payment's id names its transaction and status, so a transaction is applied once per
    status however many notifications (resends, a second listener) carry it. Other notices
    are keyed by their subscription, or by their exact body.
    """
    try:
        fields = parse(body)
    except EventRefused:
        fields = {}
    txn_type, status = fields.get("txn_type", ""), fields.get("payment_status", "")
    txn_id, subscription = fields.get("txn_id", ""), fields.get("subscr_id", "")
    if txn_id:
        event_id = f"txn:{txn_id}:{status}"
    elif txn_type in ONCE_PER_SUBSCRIPTION and subscription:
        event_id = f"{txn_type}:{subscription}"
    else:
        event_id = f"ipn:{hashlib.sha256(body.encode()).hexdigest()}"
    if not fields:
        event_type = "malformed"
    elif status:
        event_type = f"{txn_type or 'payment'}.{status}"
    else:
        event_type = txn_type
    return event_id[:255], event_type[:100]


def ledger_events(body: str) -> list:
    fields = parse(body)
    check_account(fields)
    txn_type, status = fields.get("txn_type", ""), fields.get("payment_status", "")
    if txn_type in SUBSCRIPTION_NOTICES:
        return SUBSCRIPTION_NOTICES[txn_type](fields)
    if status in REVERSALS:
        return reversal(fields, status)
    if txn_type in ("web_accept", "express_checkout", "cart", ""):
        return payment(fields, status)
    return []  # a notice the ledger has no use for (a case opened, an adjustment...)


# Checks PayPal leaves to the listener.


def check_account(fields):
    ours = settings.PAYPAL_RECEIVER_EMAIL.strip().lower()
    paid_to = (fields.get("receiver_email") or fields.get("business") or "").strip().lower()
    if not ours or paid_to != ours:
        raise EventRefused(f"paid to {paid_to or 'no one'}, not to our account {ours}")
    if fields.get("test_ipn") == "1" and not settings.PAYPAL_TEST:
        raise EventRefused("a sandbox notification on the live site")


def amount(fields, name, currency):
    text = fields.get(name, "")
    try:
        value = abs(Decimal(text))
        return money.to_minor(value, currency)
    except (InvalidOperation, money.AmountError):
        raise EventRefused(f"{name} {text!r} is not an amount in {currency}") from None


def currency_of(fields, name="mc_currency"):
    currency = fields.get(name, "").upper()
    try:
        money.exponent(currency)
    except money.AmountError:
        raise EventRefused(f"{name} {currency!r} is not a currency we take") from None
    return currency


def when(fields, name):
    text = fields.get(name, "")
    if not text or text == "N/A":
        return None
    try:
        value = PayPalDateTimeField().to_python(text)
    except ValidationError:
        raise EventRefused(f"{name} {text!r} is not a PayPal date") from None
    if timezone.is_naive(value):
        raise EventRefused(f"{name} {text!r} has a time zone PayPal does not use")
    return value


def references(fields):
    """Our ids, as `start_checkout` put them in `custom`: donation=12&pledge=5."""
    custom = parse_qs(fields.get("custom", ""))

    def number(name):
        values = custom.get(name, [""])
        return int(values[0]) if values[0].isdigit() else None

    return number("donation"), number("pledge")


def gift(fields):
    donation_id, _ = references(fields)
    found = Donation.objects.filter(provider=PROVIDER, pk=donation_id).first()
    if donation_id is None or found is None:
        raise EventRefused(f"custom {fields.get('custom', '')!r} names no PayPal gift of ours")
    return found


def pledge(fields):
    _, pledge_id = references(fields)
    pledges = RecurringDonation.objects.filter(provider=PROVIDER)
    found = pledges.filter(pk=pledge_id).first() if pledge_id else None
    if found is None and fields.get("subscr_id"):
        found = pledges.filter(provider_ref=fields["subscr_id"]).first()
    if found is None:
        raise EventRefused(f"custom {fields.get('custom', '')!r} names no PayPal pledge of ours")
    return found


def check_money(fields, expected, expected_currency, amount_field, what):
    currency = currency_of(fields)
    paid = amount(fields, amount_field, currency)
    if (paid, currency) != (expected, expected_currency):
        raise EventRefused(
            f"{money.format_amount(paid, currency)} paid; {what} is "
            f"{money.format_amount(expected, expected_currency)}"
        )
    return paid, currency


# Translations, by kind of notice.


def payment(fields, status):
    donation = gift(fields)
    txn_id = fields.get("txn_id", "")
    if status == "Completed":
        check_money(fields, donation.total, donation.currency, "mc_gross", donation.reference)
        return [
            PaymentSucceeded(
                donation_id=donation.pk, payment_ref=txn_id, paid_at=when(fields, "payment_date")
            )
        ]
    if status == "Pending":
        check_money(fields, donation.total, donation.currency, "mc_gross", donation.reference)
        return [
            PaymentPending(
                donation_id=donation.pk,
                payment_ref=txn_id,
                reason=f"PayPal says pending ({fields.get('pending_reason') or 'no reason given'})",
            )
        ]
    if status in FAILED_STATUSES:
        return [PaymentFailed(donation_id=donation.pk, reason=f"PayPal: {status}")]
    return []


def reversal(fields, status):
    parent = fields.get("parent_txn_id", "")
    if not parent:
        raise EventRefused(f"a {status} notice without parent_txn_id")
    currency = currency_of(fields)
    dispute = f"reversal:{parent}"
    if status == "Refunded":
        if not fields.get("txn_id"):
            raise EventRefused("a refund without its own txn_id")
        return [
            RefundIssued(
                payment_ref=parent,
                refund_ref=fields["txn_id"],
                amount=amount(fields, "mc_gross", currency),
                currency=currency,
            )
        ]
    if status == "Reversed":
        return [
            DisputeOpened(
                payment_ref=parent,
                dispute_ref=dispute,
                amount=amount(fields, "mc_gross", currency),
                currency=currency,
                reason=fields.get("reason_code", ""),
            )
        ]
    return [
        DisputeClosed(
            payment_ref=parent, dispute_ref=dispute, won=True, outcome="reversal cancelled"
        )
    ]


def subscription_started(fields):
    found = pledge(fields)
    check_money(fields, found.total, found.currency, "mc_amount3", f"pledge {found.pk}")
    expected_period = PERIODS[found.interval][0]
    if fields.get("period3", "").upper() != expected_period:
        raise EventRefused(f"period3 {fields.get('period3')!r}; the pledge is {expected_period}")
    return [
        PledgeStarted(
            recurring_id=found.pk,
            provider_ref=subscription_id(fields),
            customer_ref=fields.get("payer_id", ""),
            occurred_at=when(fields, "subscr_date"),
        )
    ]


def subscription_paid(fields):
    found = pledge(fields)
    status = fields.get("payment_status", "")
    donation_id, _ = references(fields)
    if status == "Pending" and donation_id:
        first = found.instalments.filter(pk=donation_id, status=DonationStatus.PENDING).first()
        return payment(fields, status) if first else []
    if status != "Completed":
        return []
    paid, currency = check_money(fields, found.total, found.currency, "mc_gross", "the pledge")
    paid_at = when(fields, "payment_date")
    txn_id = fields.get("txn_id", "")
    if not txn_id:
        raise EventRefused("a subscription payment without txn_id")
    return [
        InstalmentPaid(
            subscription_ref=subscription_id(fields),
            invoice_ref=txn_id,
            amount=paid,
            currency=currency,
            recurring_id=found.pk,
            first_donation_id=donation_id,
            payment_ref=txn_id,
            customer_ref=fields.get("payer_id", ""),
            paid_at=paid_at,
            occurred_at=paid_at,
            current_period_end=paid_at + PERIODS[found.interval][1] if paid_at else None,
        )
    ]


def subscription_failed(fields):
    found = pledge(fields)
    failed_at = when(fields, "payment_date")
    return [
        InstalmentFailed(
            subscription_ref=subscription_id(fields),
            invoice_ref=f"{fields.get('subscr_id', '')}:{fields.get('ipn_track_id', '')}",
            recurring_id=found.pk,
            occurred_at=failed_at,
        )
    ]


def subscription_ended(fields):
    found = pledge(fields)
    return [PledgeCancelled(subscription_ref=subscription_id(fields), recurring_id=found.pk)]


def subscription_id(fields):
    subscription = fields.get("subscr_id", "")
    if not subscription:
        raise EventRefused(f"a {fields.get('txn_type')} notice without subscr_id")
    return subscription


SUBSCRIPTION_NOTICES = {
    "subscr_signup": subscription_started,
    "subscr_payment": subscription_paid,
    "subscr_failed": subscription_failed,
    "subscr_cancel": subscription_ended,
    "subscr_eot": subscription_ended,
}
