"""The donate form: every amount is checked here, on the server, in the currency's own units."""

import uuid
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.utils.functional import cached_property
from wagtail.models import Page

from . import money

# From the models' own modules, not the package: the donate page (models/pages.py) builds
# this form, and the package imports the page.
from .models.campaign import Campaign
from .models.donation import Donation, DonationStatus, Frequency
from .models.patron_tier import PatronTier
from .providers import available_providers

HONEYPOT = "website"


class DonateForm(forms.Form):
    amount = forms.CharField(
        max_length=30,
        error_messages={"required": "Enter an amount, for example 25 or 25.50."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    currency = forms.ChoiceField(
        error_messages={"invalid_choice": "Choose one of the currencies offered."}
    )
    frequency = forms.ChoiceField(
        choices=Frequency.choices,
        initial=Frequency.ONE_OFF,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose how often to give: once, monthly or every year.",
            "required": "Choose how often to give: once, monthly or every year.",
        },
    )
    provider = forms.ChoiceField(
        label="Pay with",
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose one of the ways to pay offered.",
            "required": "Choose a way to pay.",
        },
    )
    email = forms.EmailField(
        max_length=254,
        help_text="For your receipt, and the link to manage your giving.",
        error_messages={
            "required": "Enter your email address, for your receipt.",
            "invalid": "Enter an email address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    cover_fees = forms.BooleanField(required=False, label="Add the payment fee to my gift")
    public = forms.BooleanField(
        required=False, label="Name me on the public list of supporters (with my message)"
    )
    message = forms.CharField(
        max_length=500,
        required=False,
        label="A message",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Attribution, carried from the appeal box's link: the page, campaign and tier.
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)
    campaign = forms.IntegerField(required=False, widget=forms.HiddenInput)
    tier = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Left empty by people; filled in by bots that fill in every field.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["currency"].choices = [(code, code) for code in page.currency_options]
        self.fields["currency"].initial = page.default_currency()
        self.fields["provider"].choices = [(p.name, p.label) for p in self.providers]
        if self.providers:
            self.fields["provider"].initial = self.providers[0].name
        if not page.allow_fee_cover:
            del self.fields["cover_fees"]
        if not page.show_supporters:
            del self.fields["public"]

    def full_clean(self):
        super().full_clean()
        # Screen readers announce a field's error when it takes focus.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(described)

    @cached_property
    def providers(self):
        return available_providers()

    @property
    def test_mode(self):
        return any(provider.is_test for provider in self.providers)

    @staticmethod
    def initial_from(page, query):
        """Pre-fill from the query string (`/donate/?amount=25&frequency=monthly`).

        Only known choices are taken; the amount is shown as given and checked on submit.
        """
        initial = {}
        for name in ("amount", "email", "name"):
            if query.get(name):
                initial[name] = query[name][:200]
        if query.get("currency", "").upper() in page.currency_options:
            initial["currency"] = query["currency"].upper()
        if query.get("frequency") in Frequency.values:
            initial["frequency"] = query["frequency"]
        if query.get("provider"):
            initial["provider"] = query["provider"]
        for name in ("page", "campaign", "tier"):
            if query.get(name, "").isdigit():
                initial[name] = int(query[name])
        return initial

    @classmethod
    def resumed(cls, page, public_id):
        """The form as the donor left it when they cancelled at the provider's checkout.

        Only a gift still pending, and only by its unguessable id, which was in the cancel link.
        """
        try:
            donation = (
                Donation.objects.filter(
                    public_id=uuid.UUID(public_id), status=DonationStatus.PENDING
                )
                .select_related("donor")
                .first()
            )
        except ValueError:
            donation = None
        if donation is None:
            return None
        initial = {
            "amount": str(money.to_major(donation.amount, donation.currency)),
            "currency": donation.currency,
            "frequency": donation.frequency,
            "provider": donation.provider,
            "email": donation.donor.email,
            "name": donation.donor.name,
            "cover_fees": bool(donation.fee_cover),
            "public": donation.public,
            "message": donation.message,
            "page": donation.source_page_id,
            "campaign": donation.campaign_id,
        }
        return cls(page=page, initial=initial)

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("Please leave this field empty.")
        return ""

    def clean(self):
        data = super().clean()
        currency, raw = data.get("currency"), data.get("amount")
        if currency and raw is not None:
            option = self.page.currency_options[currency]
            try:
                value = money.parse(raw)
                if value <= 0:
                    raise money.AmountError("Enter an amount greater than zero.")
                minor = money.to_minor(value, currency)
            except money.AmountError as error:
                self.add_error("amount", str(error))
            else:
                if minor < option.minimum:
                    self.add_error(
                        "amount", f"The smallest gift we can take is {option.minimum_text}."
                    )
                elif minor > option.maximum:
                    self.add_error(
                        "amount",
                        f"The largest gift we can take online is {option.maximum_text}. "
                        "Please write to us about larger gifts: thank you!",
                    )
                else:
                    data["amount_minor"] = minor
                    data["fee_cover"] = self.fee_cover(minor, currency)
        data["source_page"] = self.found(Page.objects.all(), data.get("page")) or self.page
        data["campaign_obj"] = self.found(Campaign.objects.all(), data.get("campaign"))
        data["tier_obj"] = self.found(PatronTier.objects.all(), data.get("tier"))
        return data

    def fee_cover(self, minor, currency):
        if not self.cleaned_data.get("cover_fees"):
            return 0
        rule = money.FeeRule(
            percent=Decimal(settings.DONATIONS_FEE_PERCENT), fixed=settings.DONATIONS_FEE_FIXED
        )
        return rule.cover(minor, currency)

    @staticmethod
    def found(queryset, pk):
        """The object a hidden field names, or None: a stale or forged id is simply dropped."""
        return queryset.filter(pk=pk).first() if pk else None

    def preset_links(self):
        """The preset amounts of the chosen currency and frequency, as pre-filled links."""
        currency = self["currency"].value() or self.page.default_currency()
        frequency = self["frequency"].value() or Frequency.ONE_OFF
        option = self.page.currency_options.get(currency)
        if option is None:
            return []
        carried = {"currency": currency, "frequency": frequency}
        for name in ("page", "campaign", "tier"):
            if self[name].value():
                carried[name] = self[name].value()
        links = []
        for minor in option.presets.get(frequency, []):
            amount = str(money.to_major(minor, currency))
            links.append(
                {
                    "text": money.format_amount(minor, currency, short=True),
                    "amount": amount,
                    "href": f"{self.page.url}?{urlencode({'amount': amount, **carried})}",
                }
            )
        return links
