"""The appeal box: a donations block editors put at the end of an article or appeal.

Its buttons are links to the pre-filled donate page that name the page they were on, so the
article stays cacheable whole and the gift is attributed to it.
"""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from portal import pagecache

from . import money
from .models import Campaign, DonatePage, Frequency
from .models.currency import CURRENCY_CHOICES
from .models.pages import parse_presets


class CampaignChooserBlock(SnippetChooserBlock):
    """A campaign chooser whose campaigns come from the cache: no query per article view."""

    def __init__(self, **kwargs):
        super().__init__("donations.Campaign", **kwargs)

    def to_python(self, value):
        return self.bulk_to_python([value])[0]

    def bulk_to_python(self, values):
        campaigns = Campaign.cached_in_bulk([pk for pk in values if pk is not None])
        return [campaigns.get(pk) for pk in values]

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, (), kwargs


class AppealBoxBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Special financial appeal")
    text = blocks.TextBlock(
        required=False,
        default="Our reporting is paid for by readers. Please give what you can.",
    )
    campaign = CampaignChooserBlock(required=False, help_text="Show this campaign's progress bar.")
    currency = blocks.ChoiceBlock(choices=CURRENCY_CHOICES, default="GBP")
    one_off_amounts = blocks.CharBlock(
        max_length=200, default="10, 25, 50", help_text="One-off gift buttons, e.g. 10, 25, 50"
    )
    monthly_amounts = blocks.CharBlock(
        max_length=200,
        required=False,
        default="5, 10",
        help_text="'Become a patron' buttons (monthly amounts), e.g. 5, 10",
    )

    class Meta:
        icon = "pick"
        label = "Appeal box (donations)"
        template = "blocks/appeal_box.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        for name in ("one_off_amounts", "monthly_amounts"):
            try:
                parse_presets(value.get(name) or "", value["currency"])
            except money.AmountError as error:
                errors[name] = ValidationError(f"{error} Separate amounts with commas.")
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        donate_url = DonatePage.default_url()
        currency = value["currency"]

        attribution = {}
        if page is not None and page.pk:
            attribution["page"] = page.pk
        if value["campaign"]:
            attribution["campaign"] = value["campaign"].pk

        def link(amount, frequency):
            query = {
                "amount": money.to_major(amount, currency),
                "currency": currency,
                "frequency": frequency,
                **attribution,
            }
            return {
                "text": money.format_amount(amount, currency, short=True),
                "url": f"{donate_url}?{urlencode(query)}",
            }

        if donate_url:
            context["gifts"] = [
                link(amount, Frequency.ONE_OFF)
                for amount in parse_presets(value["one_off_amounts"], currency)
            ]
            context["patrons"] = [
                link(amount, Frequency.MONTHLY)
                for amount in parse_presets(value["monthly_amounts"] or "", currency)
            ]
            context["other_url"] = (
                f"{donate_url}?{urlencode({'currency': currency, **attribution})}"
            )
        campaign = value["campaign"]
        if campaign is not None:
            # The bar appears when the campaign starts and goes when it ends, with no event.
            pagecache.changes_at(campaign.starts_at)
            pagecache.changes_at(campaign.ends_at)
        if campaign is not None and campaign.is_running():
            context["progress"] = next(
                (bar for bar in campaign.progress() if bar["currency"] == currency), None
            )
        return context
