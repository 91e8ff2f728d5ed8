import uuid

from django.db import models
from django.db.models import Q

from .amounts import Amounts
from .donation import Frequency, Provider
from .status_change import Stateful


class PledgeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELLED = "cancelled", "Cancelled"


class Interval(models.TextChoices):
    MONTHLY = Frequency.MONTHLY.value, "Monthly"
    ANNUAL = Frequency.ANNUAL.value, "Annual"


class RecurringDonation(Amounts, Stateful):
    """A patron's pledge: the provider takes `amount` (+ `fee_cover`) every interval.

    Each payment taken is a `Donation` with `recurring` pointing here (an instalment).
    """

    S = PledgeStatus
    TRANSITIONS = {
        S.PENDING: {S.ACTIVE, S.PAST_DUE, S.CANCELLED},
        S.ACTIVE: {S.PAST_DUE, S.CANCELLED},
        S.PAST_DUE: {S.ACTIVE, S.CANCELLED},
    }
    SET_ONCE = ("provider_ref", "customer_ref")
    audit_field = "recurring"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    donor = models.ForeignKey("donations.Donor", on_delete=models.PROTECT, related_name="pledges")
    amount = models.PositiveBigIntegerField(help_text="Per instalment, in minor units.")
    fee_cover = models.PositiveBigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    interval = models.CharField(max_length=10, choices=Interval.choices, db_index=True)
    status = models.CharField(
        max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.PENDING, db_index=True
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    provider_ref = models.CharField(
        max_length=255, blank=True, help_text="The provider's subscription id."
    )
    customer_ref = models.CharField(
        max_length=255, blank=True, help_text="The provider's id for the donor, if it keeps one."
    )
    tier = models.ForeignKey(
        "donations.PatronTier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges",
    )
    source_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        "donations.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges",
    )
    current_period_end = models.DateTimeField(null=True, blank=True)
    # The time of the newest provider event applied: an older one, delivered late, cannot
    # undo it (past due after paid, say).
    provider_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "pledge"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~Q(provider_ref=""),
                name="pledge_unique_provider_ref",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_amount_positive"),
        ]

    def __str__(self):
        return f"{self.amount_text} {self.get_interval_display().lower()} ({self.status})"

    @property
    def is_test(self):
        return self.provider == Provider.TEST
