import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from donations import money
from donations.forms import DonateForm
from donations.providers import get_provider
from portal import pagetree
from portal.pagetree import TreePage

from .currency import CURRENCY_CHOICES
from .donation import COUNTED, Donation, Frequency
from .patron_tier import PatronTier

# Query-string fields that make a donate page this visitor's own (never cached).
PERSONAL_FIELDS = ("email", "name", "resume")
DEFAULT_URL_KEY = "donations:donate-page-url"
RESUMED = "You left the payment page, so nothing was charged. Your choices are kept below."


@dataclass(frozen=True)
class CurrencyOption:
    """What an editor set for one currency: limits and preset amounts, in minor units."""

    code: str
    minimum: int
    maximum: int
    presets: dict = field(default_factory=dict)  # frequency -> [minor units]

    @property
    def minimum_text(self):
        return money.format_amount(self.minimum, self.code)

    @property
    def maximum_text(self):
        return money.format_amount(self.maximum, self.code)


class DonatePage(TreePage):
    """The donate form: amount, frequency, currency, provider; checkout starts from its POST.

    The page holds nothing personal and no per-visitor token, so it is cacheable like any
    other; the form posts to the checkout view, which checks origin and rate limits instead.
    """

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    campaign = models.ForeignKey(
        "donations.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Its progress bar is shown, and gifts made here count towards it.",
    )
    allow_fee_cover = models.BooleanField(
        default=True,
        verbose_name="offer to cover the fees",
        help_text="Donors may add the payment provider's fee to their gift.",
    )
    show_supporters = models.BooleanField(
        default=False,
        verbose_name="public supporters list",
        help_text="Donors may choose to be named on this page (off by default).",
    )
    show_patron_tiers = models.BooleanField(
        default=True, help_text="Show the patron tiers beside monthly and annual gifts."
    )

    content_panels = TreePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("campaign"),
        InlinePanel(
            "currencies",
            label="Currency",
            heading="Currencies, limits and preset amounts",
            min_num=1,
        ),
        MultiFieldPanel(
            [
                FieldPanel("allow_fee_cover"),
                FieldPanel("show_patron_tiers"),
                FieldPanel("show_supporters"),
            ],
            heading="Options",
        ),
    ]
    subpage_types = []

    SUPPORTERS_SHOWN = 30

    class Meta:
        verbose_name = "donate page"

    @cached_property
    def currency_options(self):
        """{code: CurrencyOption} in the editor's order; the first is the default."""
        return {row.currency: row.option() for row in self.currencies.all()}

    def default_currency(self):
        return next(iter(self.currency_options), "GBP")

    def running_campaign(self):
        campaign = self.campaign
        return campaign if campaign and campaign.is_running() else None

    def supporters(self):
        if not self.show_supporters:
            return []
        return list(
            Donation.objects.filter(public=True, status__in=COUNTED)
            .exclude(donor__name="")
            .select_related("donor")
            .only("message", "succeeded_at", "donor__name")
            .order_by("-succeeded_at")[: self.SUPPORTERS_SHOWN]
        )

    def patron_tiers(self, currency, attribution):
        """The tiers with a monthly amount in this currency, each a link that pre-fills it."""
        if not self.show_patron_tiers:
            return []
        tiers = []
        for tier in PatronTier.objects.prefetch_related("amounts"):
            amount = tier.monthly_amount(currency)
            if amount is None:
                continue
            query = {
                **attribution,
                "amount": money.to_major(amount, currency),
                "currency": currency,
                "frequency": Frequency.MONTHLY,
                "tier": tier.pk,
            }
            tiers.append(
                {
                    "name": tier.name,
                    "supports": tier.supports,
                    "amount_text": money.format_amount(amount, currency, short=True),
                    "href": f"{self.url}?{urlencode(query)}",
                }
            )
        return tiers

    def presets_json(self):
        """Every preset, for the script that swaps them as the donor changes currency."""
        return json.dumps(
            {
                code: {
                    frequency: [str(money.to_major(minor, code)) for minor in amounts]
                    for frequency, amounts in option.presets.items()
                }
                for code, option in self.currency_options.items()
            }
        )

    def get_context(self, request, *args, form=None, notice="", **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if form is None and request.GET.get("resume"):
            form = DonateForm.resumed(self, request.GET["resume"])
            if form is not None:
                notice = RESUMED
        if form is None:
            form = DonateForm(page=self, initial=DonateForm.initial_from(self, request.GET))
        currency = form["currency"].value() or self.default_currency()
        attribution = {
            name: form[name].value() for name in ("page", "campaign") if form[name].value()
        }
        context.update(
            form=form,
            notice=notice,
            campaign=self.running_campaign(),
            tiers=self.patron_tiers(currency, attribution),
            supporters=self.supporters(),
            presets_json=self.presets_json(),
            stripe_off="stripe" in settings.PAYMENT_PROVIDERS
            and not get_provider("stripe").is_configured(),
            fee_percent=settings.DONATIONS_FEE_PERCENT,
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if any(name in request.GET for name in PERSONAL_FIELDS):
            # A pre-filled address, or a checkout being resumed, is for this visitor only.
            patch_cache_control(response, private=True, no_store=True)
        return response

    @classmethod
    def default_url(cls):
        """The first live donate page's URL (the one at /donate/), for appeal boxes.

        Cached until a page moves, changes slug or a donate page is (un)published: not with
        the whole page tree, so an article's first view after any publish costs nothing more.
        """
        url = cache.get(DEFAULT_URL_KEY)
        if url is None:
            page = cls.objects.live().order_by("path").first()
            url = page.url if page else ""
            cache.set(DEFAULT_URL_KEY, url, pagetree.TIMEOUT)
        return url or None


@receiver(page_published, sender=DonatePage)
@receiver(page_unpublished, sender=DonatePage)
@receiver(post_delete, sender=DonatePage)
@receiver(page_slug_changed)
@receiver(post_page_move)
def forget_default_url(**kwargs):
    cache.delete(DEFAULT_URL_KEY)


def parse_presets(text, currency):
    """ "5, 10, 25.50" -> [500, 1000, 2550] in the currency's minor units."""
    amounts = []
    for part in text.replace(";", ",").split(","):
        if part.strip():
            amounts.append(money.to_minor(part, currency))
    return amounts


class DonateCurrency(Orderable):
    page = ParentalKey(DonatePage, on_delete=models.CASCADE, related_name="currencies")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    minimum = models.DecimalField(
        max_digits=12, decimal_places=3, help_text="The smallest gift, in whole units."
    )
    maximum = models.DecimalField(
        max_digits=14, decimal_places=3, help_text="The largest gift taken online."
    )
    one_off_presets = models.CharField(
        max_length=200, blank=True, help_text="Amounts offered as buttons, e.g. 10, 25, 50, 100"
    )
    monthly_presets = models.CharField(max_length=200, blank=True, help_text="e.g. 5, 10, 20")
    annual_presets = models.CharField(max_length=200, blank=True, help_text="e.g. 50, 100, 250")

    panels = [
        FieldRowPanel([FieldPanel("currency"), FieldPanel("minimum"), FieldPanel("maximum")]),
        FieldPanel("one_off_presets"),
        FieldPanel("monthly_presets"),
        FieldPanel("annual_presets"),
    ]

    class Meta(Orderable.Meta):
        unique_together = [("page", "currency")]

    def clean(self):
        errors = {}
        try:
            minimum = money.to_minor(self.minimum, self.currency)
            floor = money.to_minor(money.floor(self.currency), self.currency)
            if minimum < floor:
                errors["minimum"] = (
                    f"Gifts under {money.format_amount(floor, self.currency)} invite card "
                    "testing and mostly go in fees; set at least that."
                )
        except money.AmountError as error:
            errors["minimum"] = str(error)
        try:
            if money.to_minor(self.maximum, self.currency) <= money.to_minor(
                self.minimum, self.currency
            ):
                errors["maximum"] = "The maximum must be more than the minimum."
        except money.AmountError as error:
            errors.setdefault("maximum", str(error))
        for name in ("one_off_presets", "monthly_presets", "annual_presets"):
            try:
                parse_presets(getattr(self, name), self.currency)
            except money.AmountError as error:
                errors[name] = f"{error} Separate amounts with commas."
        if errors:
            raise ValidationError(errors)

    def option(self):
        return CurrencyOption(
            code=self.currency,
            minimum=money.to_minor(self.minimum, self.currency),
            maximum=money.to_minor(self.maximum, self.currency),
            presets={
                Frequency.ONE_OFF: parse_presets(self.one_off_presets, self.currency),
                Frequency.MONTHLY: parse_presets(self.monthly_presets, self.currency),
                Frequency.ANNUAL: parse_presets(self.annual_presets, self.currency),
            },
        )
