import uuid

from django.db import models
from django.db.models import Q

from donations import money

from .amounts import Amounts
from .status_change import Stateful


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    PAYPAL = "paypal", "PayPal"
    TEST = "test", "Test gateway"


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    MONTHLY = "monthly", "Monthly"
    ANNUAL = "annual", "Annual"


class DonationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"
    DISPUTED = "disputed", "Disputed"


# Gifts whose money, less refunds, we hold: they count towards totals and campaigns. A
# disputed gift's money is held back by the card network until the dispute is settled.
COUNTED = [DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED]


class DonationQuerySet(models.QuerySet):
    def counted(self):
        return self.filter(status__in=COUNTED)


class Donation(Amounts, Stateful):
    """One payment: a one-off gift, or one instalment of a pledge.

    `amount` is the gift itself; `fee_cover` is what the donor added to cover the provider's
    fee, kept apart so that totals and campaigns count gifts. Refunds are against the whole
    charge (amount + fee_cover) and only grow.
    """

    S = DonationStatus
    TRANSITIONS = {
        S.PENDING: {S.SUCCEEDED, S.FAILED, S.EXPIRED},
        S.SUCCEEDED: {S.PARTIALLY_REFUNDED, S.REFUNDED, S.DISPUTED},
        S.PARTIALLY_REFUNDED: {S.REFUNDED, S.DISPUTED},
        # A dispute the newsroom wins returns the gift to what it was; one it loses is money
        # returned, like a refund.
        S.DISPUTED: {S.SUCCEEDED, S.PARTIALLY_REFUNDED, S.REFUNDED},
    }
    GROWS_ONLY = ("amount_refunded",)
    SET_ONCE = ("provider_ref", "payment_ref", "succeeded_at")
    audit_field = "donation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    donor = models.ForeignKey("donations.Donor", on_delete=models.PROTECT, related_name="donations")
    amount = models.PositiveBigIntegerField(help_text="The gift, in minor units (pence, cents).")
    fee_cover = models.PositiveBigIntegerField(
        default=0, help_text="Added by the donor to cover the provider's fee, in minor units."
    )
    currency = models.CharField(max_length=3)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.ONE_OFF, db_index=True
    )
    status = models.CharField(
        max_length=20, choices=DonationStatus.choices, default=DonationStatus.PENDING, db_index=True
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    provider_ref = models.CharField(
        max_length=255,
        blank=True,
        help_text="The provider's id for the checkout or invoice this gift was paid through.",
    )
    payment_ref = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        help_text="The provider's id for the payment itself (refunds and disputes name it).",
    )
    amount_refunded = models.PositiveBigIntegerField(
        default=0, help_text="Refunded so far, in minor units, of amount + fee cover."
    )
    dispute_ref = models.CharField(max_length=255, blank=True)
    recurring = models.ForeignKey(
        "donations.RecurringDonation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instalments",
        verbose_name="pledge",
    )
    source_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page the donor came from: an article's appeal box, or the donate page.",
    )
    campaign = models.ForeignKey(
        "donations.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )
    public = models.BooleanField(
        default=False, help_text="The donor agreed to be named on the public supporters list."
    )
    message = models.TextField(blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~Q(provider_ref=""),
                name="donation_unique_provider_ref",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
        ]
        permissions = [
            ("view_donation_totals", "Can see what pages and campaigns raised (no donor details)"),
            ("retry_payment_event", "Can retry a webhook event that failed"),
        ]

    def __str__(self):
        return f"{self.amount_text} {self.get_frequency_display().lower()} ({self.status})"

    @property
    def refunded_text(self):
        return money.format_amount(self.amount_refunded, self.currency)

    @property
    def refunded_major(self):
        return money.to_major(self.amount_refunded, self.currency)

    @property
    def is_test(self):
        return self.provider == Provider.TEST

    @property
    def reference(self):
        """The number a donor quotes when they write to us."""
        return f"D-{self.pk:06d}"
