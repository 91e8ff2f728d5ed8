from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from donations import money

from .currency import CURRENCY_CHOICES


class PatronTier(ClusterableModel):
    """A level of regular support ("Reader", "Sustainer"...), shown beside recurring gifts."""

    name = models.CharField(max_length=100)
    supports = models.TextField(
        max_length=500, help_text="What this level of support pays for, in a sentence or two."
    )
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    panels = [
        FieldPanel("name"),
        FieldPanel("supports"),
        FieldPanel("sort_order"),
        InlinePanel("amounts", label="Monthly amount", heading="Monthly amounts", min_num=1),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    def monthly_amount(self, currency):
        """Minor units per month in this currency, or None when the tier has no amount in it."""
        for amount in self.amounts.all():
            if amount.currency == currency:
                return money.to_minor(amount.amount, currency)
        return None


class PatronTierAmount(Orderable):
    tier = ParentalKey(PatronTier, on_delete=models.CASCADE, related_name="amounts")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    amount = models.DecimalField(max_digits=12, decimal_places=3, help_text="Per month.")

    panels = [FieldRowPanel([FieldPanel("currency"), FieldPanel("amount")])]

    class Meta(Orderable.Meta):
        unique_together = [("tier", "currency")]

    def clean(self):
        try:
            if money.to_minor(self.amount, self.currency) <= 0:
                raise ValidationError({"amount": "The amount must be more than zero."})
        except money.AmountError as error:
            raise ValidationError({"amount": str(error)}) from None
