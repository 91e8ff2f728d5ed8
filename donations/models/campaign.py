from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from donations import money
from portal import pagecache

from .currency import CURRENCY_CHOICES

PROGRESS_TIMEOUT = 60 * 10
CACHE_TIMEOUT = 60 * 60


class Campaign(ClusterableModel):
    """A fundraising goal with dates: the donate page and appeal boxes show its progress bar."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=1000)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Leave empty to run on.")

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="Dates"),
        InlinePanel("goals", label="Goal", heading="Goals", min_num=1),
    ]

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The campaign must end after it starts."})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)  # and the goals with it
        cache.delete(self.cache_key(self.pk))
        self.forget_progress(self.pk)

    def delete(self, *args, **kwargs):
        cache.delete(self.cache_key(self.pk))
        return super().delete(*args, **kwargs)

    @staticmethod
    def cache_key(pk):
        return f"donations:campaign:{pk}"

    @classmethod
    def cached_in_bulk(cls, ids):
        """{pk: Campaign} from the cache, the database only for those not there.

        Appeal boxes name their campaign on every article view; an edit clears the entry.
        """
        keys = {pk: cls.cache_key(pk) for pk in ids}
        cached = cache.get_many(keys.values())
        found = {pk: cached[key] for pk, key in keys.items() if key in cached}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            fetched = cls.objects.in_bulk(missing)
            cache.set_many({keys[pk]: obj for pk, obj in fetched.items()}, CACHE_TIMEOUT)
            found.update(fetched)
        return found

    def is_running(self, now=None):
        now = now or timezone.now()
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)

    @staticmethod
    def progress_cache_key(pk):
        return f"donations:campaign-progress:{pk}"

    def progress(self):
        """[{currency, goal, raised, percent, goal_text, raised_text}] per goal, cached.

        One query for the goals and one aggregate for what came in (succeeded gifts less
        refunds), whatever the number of gifts; the ledger clears the cache when they change.
        """
        pagecache.shows(f"campaign:{self.pk}")
        key = self.progress_cache_key(self.pk)
        bars = cache.get(key)
        if bars is None:
            bars = self.compute_progress()
            cache.set(key, bars, PROGRESS_TIMEOUT)
        return bars

    def compute_progress(self):
        from .donation import Donation

        raised = dict(
            Donation.objects.counted()
            .filter(campaign=self)
            .values("currency")
            .order_by()
            .annotate(net=Sum(Greatest(F("amount") - F("amount_refunded"), Value(0))))
            .values_list("currency", "net")
        )
        bars = []
        for goal in self.goals.all():
            target = money.to_minor(goal.amount, goal.currency)
            total = raised.get(goal.currency) or 0
            bars.append(
                {
                    "currency": goal.currency,
                    "goal": target,
                    "raised": total,
                    "percent": min(100, total * 100 // target) if target else 0,
                    "goal_text": money.format_amount(target, goal.currency),
                    "raised_text": money.format_amount(total, goal.currency),
                }
            )
        return bars

    @classmethod
    def forget_progress(cls, pk):
        """Called when a gift to the campaign succeeds, is refunded or disputed."""
        cache.delete(cls.progress_cache_key(pk))
        pagecache.purge(f"campaign:{pk}")


class CampaignGoal(Orderable):
    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    amount = models.DecimalField(
        max_digits=14, decimal_places=3, help_text="In whole units, e.g. 5000 for £5,000."
    )

    panels = [FieldRowPanel([FieldPanel("currency"), FieldPanel("amount")])]

    class Meta(Orderable.Meta):
        unique_together = [("campaign", "currency")]

    def clean(self):
        try:
            if money.to_minor(self.amount, self.currency) <= 0:
                raise ValidationError({"amount": "A goal must be more than zero."})
        except money.AmountError as error:
            raise ValidationError({"amount": str(error)}) from None
