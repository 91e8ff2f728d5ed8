"""The one interface every payment provider offers, and the events it reports in common words.

A provider starts checkouts, verifies what its webhooks send, and translates each webhook into
ledger events (`PaymentSucceeded`, `InstalmentPaid`, `Refunded`...). The ledger applies those
the same way whichever provider sent them, so a provider added later changes no model, report
or page.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


class ProviderUnavailable(Exception):
    """The provider could not be reached or refused the request; nothing was charged."""


class WebhookRejected(Exception):
    """A webhook that fails verification (bad signature, stale, malformed): answer 400."""


class EventRefused(Exception):
    """A genuine event that does not fit the ledger: another account's payment, an amount or
    currency other than the gift's, a reference we never issued, a field that does not parse.

    The event is kept, flagged for staff with this message, and never applied.
    """


@dataclass(frozen=True)
class CheckoutRequest:
    donation_id: int
    amount: int  # minor units, what the donor is charged: the gift plus any fee cover
    currency: str  # ISO 4217, upper case
    frequency: str  # one_off | monthly | annual
    email: str
    name: str
    description: str
    success_url: str
    cancel_url: str
    idempotency_key: str
    recurring_id: int | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckoutResult:
    redirect_url: str  # where the donor goes to pay
    provider_ref: str  # the provider's id for this checkout


@dataclass(frozen=True)
class ReceivedEvent:
    """A verified webhook: who said what, before anything is applied."""

    event_id: str
    event_type: str


# Ledger events: what happened, in the ledger's words. Ids are ours where the provider echoes
# them back (metadata), else the provider's refs, by which the ledger finds the row.


@dataclass(frozen=True)
class PaymentSucceeded:
    donation_id: int | None
    provider_ref: str = ""
    payment_ref: str = ""
    paid_at: datetime | None = None


@dataclass(frozen=True)
class PaymentPending:
    """The donor finished checkout but the money has not arrived yet (a bank debit, say)."""

    donation_id: int | None
    payment_ref: str = ""
    reason: str = ""  # the provider's words for why it waits (an eCheck clearing, say)


@dataclass(frozen=True)
class PaymentFailed:
    donation_id: int | None
    reason: str = ""


@dataclass(frozen=True)
class PaymentAttemptFailed:
    """A declined card inside the provider's checkout; the donor may still try another."""

    donation_id: int | None
    reason: str = ""


@dataclass(frozen=True)
class CheckoutExpired:
    donation_id: int | None


@dataclass(frozen=True)
class PledgeStarted:
    recurring_id: int | None
    provider_ref: str  # the subscription
    customer_ref: str = ""
    occurred_at: datetime | None = None
    current_period_end: datetime | None = None


@dataclass(frozen=True)
class InstalmentPaid:
    """One payment of a pledge; the first is the pending gift made at checkout."""

    subscription_ref: str
    invoice_ref: str
    amount: int
    currency: str
    recurring_id: int | None = None
    first_donation_id: int | None = None
    payment_ref: str = ""
    customer_ref: str = ""
    paid_at: datetime | None = None
    occurred_at: datetime | None = None  # when the provider reported it: orders pledge changes
    current_period_end: datetime | None = None


@dataclass(frozen=True)
class InstalmentFailed:
    subscription_ref: str
    invoice_ref: str
    recurring_id: int | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class InstalmentPaymentFound:
    """The payment behind an instalment's invoice, so a later refund can find the gift."""

    invoice_ref: str
    payment_ref: str


@dataclass(frozen=True)
class PledgeChanged:
    subscription_ref: str
    status: str | None  # pledge status in the ledger's words, None when it says nothing new
    occurred_at: datetime
    recurring_id: int | None = None
    amount: int | None = None
    currency: str = ""
    interval: str = ""
    current_period_end: datetime | None = None


@dataclass(frozen=True)
class PledgeCancelled:
    subscription_ref: str
    recurring_id: int | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class Refunded:
    payment_ref: str
    amount_refunded: int  # cumulative, of the whole charge
    currency: str
    donation_id: int | None = None


@dataclass(frozen=True)
class RefundIssued:
    """One refund, for providers that report each refund rather than the running total.

    Counted once because its event is stored once (its id names the refund).
    """

    payment_ref: str
    refund_ref: str
    amount: int  # this refund, in minor units
    currency: str


@dataclass(frozen=True)
class DisputeOpened:
    payment_ref: str
    dispute_ref: str
    amount: int
    currency: str
    reason: str = ""


@dataclass(frozen=True)
class DisputeClosed:
    payment_ref: str
    dispute_ref: str
    won: bool
    outcome: str = ""


LedgerEvent = (
    PaymentSucceeded
    | PaymentPending
    | PaymentFailed
    | PaymentAttemptFailed
    | CheckoutExpired
    | PledgeStarted
    | InstalmentPaid
    | InstalmentFailed
    | InstalmentPaymentFound
    | PledgeChanged
    | PledgeCancelled
    | Refunded
    | RefundIssued
    | DisputeOpened
    | DisputeClosed
)


@runtime_checkable
class PaymentProvider(Protocol):
    name: str  # stored on every row it touches: stripe | paypal | test
    label: str  # what the donor reads: "Card (Stripe)"
    is_test: bool  # no money moves
    manage_help: str  # beside the button to a pledge's page with the provider ("" if none)

    def is_configured(self) -> bool:
        """Its settings are present now (read at call time, never at import)."""

    def start_checkout(self, request: CheckoutRequest) -> CheckoutResult:
        """Create the provider's checkout; raises ProviderUnavailable when it cannot."""

    def receive(self, body: bytes, headers: Mapping[str, str]) -> ReceivedEvent:
        """Verify a webhook; raises WebhookRejected when it is not genuine."""

    def ledger_events(self, body: str) -> list[LedgerEvent]:
        """Translate a stored, verified webhook into ledger events (none for unknown types)."""

    def manage_url(self, customer_ref: str, return_url: str) -> str | None:
        """A page where the donor manages their pledges with the provider, or None."""
