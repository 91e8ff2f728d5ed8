"""Factories for the ledger and the donate page: the tests build from them, and so does
`seed_demo`."""

from decimal import Decimal

import factory
from wagtail.models import Page
from wagtail.signals import page_published

from .models import (
    Campaign,
    CampaignGoal,
    DonateCurrency,
    DonatePage,
    Donation,
    DonationStatus,
    Donor,
    PatronTier,
    PatronTierAmount,
    RecurringDonation,
)

# What the demo and the tests offer: (currency, minimum, maximum, one-off, monthly, annual).
CURRENCIES = [
    ("GBP", "2", "10000", "10, 25, 50, 100", "5, 10, 20", "50, 100, 250"),
    ("EUR", "2", "10000", "10, 25, 50, 100", "5, 10, 20", "50, 100, 250"),
    ("USD", "2", "10000", "10, 25, 50, 100", "5, 10, 20", "50, 100, 250"),
]


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"donor{n}@example.org")
    name = factory.Faker("name")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Campaign {n}")

    @factory.post_generation
    def goals(self, create, extracted, **kwargs):
        """goals={"GBP": "5000"}: a goal per currency, in major units."""
        for currency, amount in (extracted or {"GBP": "5000"}).items():
            CampaignGoal.objects.create(campaign=self, currency=currency, amount=Decimal(amount))


class PatronTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatronTier
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Tier {n}")
    supports = "Pays for a day of reporting each month."

    @factory.post_generation
    def amounts(self, create, extracted, **kwargs):
        for currency, amount in (extracted or {"GBP": "5"}).items():
            PatronTierAmount.objects.create(tier=self, currency=currency, amount=Decimal(amount))


class DonatePageFactory(factory.django.DjangoModelFactory):
    """A live donate page under `parent`, with GBP, EUR and USD unless `currencies=` says."""

    class Meta:
        model = DonatePage

    title = "Donate"
    slug = "donate"
    live = True
    intro = "<p>Independent reporting, paid for by readers.</p>"

    @classmethod
    def _create(cls, model_class, *args, parent=None, currencies=None, **kwargs):
        page = model_class(*args, **kwargs)
        (parent or Page.get_first_root_node()).add_child(instance=page)
        for order, row in enumerate(currencies or CURRENCIES):
            code, minimum, maximum, one_off, monthly, annual = row
            DonateCurrency.objects.create(
                page=page,
                sort_order=order,
                currency=code,
                minimum=Decimal(minimum),
                maximum=Decimal(maximum),
                one_off_presets=one_off,
                monthly_presets=monthly,
                annual_presets=annual,
            )
        page_published.send(sender=model_class, instance=page, revision=None)
        return page


class RecurringDonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecurringDonation

    donor = factory.SubFactory(DonorFactory)
    amount = 1000
    currency = "GBP"
    interval = "monthly"
    provider = "stripe"


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    donor = factory.SubFactory(DonorFactory)
    amount = 2500
    currency = "GBP"
    provider = "stripe"
    status = DonationStatus.PENDING


def appeal_box(campaign=None, **value):
    """An `appeal_box` body block, as an editor leaves it: GBP presets, an optional campaign."""
    return (
        "appeal_box",
        {
            "heading": "Special financial appeal",
            "text": "Help us keep reporting the trials and the protests. Every gift counts.",
            "campaign": campaign,
            "currency": "GBP",
            "one_off_amounts": "10, 25, 50",
            "monthly_amounts": "5, 10",
            **value,
        },
    )
