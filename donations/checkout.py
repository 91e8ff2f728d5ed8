"""Starting a checkout: the pending gift is recorded first, then the provider is asked."""

import logging
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse

from . import card_testing
from .models import Donation, Donor, Frequency, RecurringDonation
from .providers import get_provider
from .providers.base import CheckoutRequest, ProviderUnavailable

logger = logging.getLogger("donations.checkout")

UNREACHABLE = (
    "We couldn't reach our payment provider; nothing was charged; please try again in a minute."
)


class CheckoutFailed(Exception):
    """Shown to the donor above the form, which keeps their choices."""

    def __init__(self, message, status=502, donation=None):
        super().__init__(message)
        self.message, self.status, self.donation = message, status, donation


def start(request, page, data):
    """Record the gift (and pledge) as pending, create the provider's checkout, return its URL.

    `data` is a valid DonateForm's cleaned data. Raises CheckoutFailed with a message for the
    donor when the defences refuse it or the provider cannot be reached; the pending gift
    stays recorded either way, so the operator can see attempts that went nowhere.
    """
    try:
        card_testing.check(request, data["email"])
    except card_testing.CheckoutRefused as refused:
        raise CheckoutFailed(refused.message, refused.status) from None
    provider = get_provider(data["provider"])
    donation = record(page, data, provider.name)
    checkout = CheckoutRequest(
        donation_id=donation.pk,
        recurring_id=donation.recurring_id,
        amount=donation.total,
        currency=donation.currency,
        frequency=donation.frequency,
        email=donation.donor.email,
        name=donation.donor.name,
        description=description(donation),
        success_url=request.build_absolute_uri(
            reverse("donations:thank_you", args=[donation.public_id])
        ),
        cancel_url=request.build_absolute_uri(
            f"{page.url}?{urlencode({'resume': donation.public_id})}"
        ),
        idempotency_key=f"donation-{donation.pk}-checkout",
    )
    try:
        result = provider.start_checkout(checkout)
    except ProviderUnavailable:
        raise CheckoutFailed(UNREACHABLE, 502, donation) from None
    Donation.objects.filter(pk=donation.pk, provider_ref="").update(
        provider_ref=result.provider_ref
    )
    return result.redirect_url


@transaction.atomic
def record(page, data, provider):
    donor = Donor.objects.for_email(data["email"], data.get("name", ""))
    campaign = data.get("campaign_obj")
    if campaign is None or not campaign.is_running():  # an old link to an ended campaign
        campaign = page.running_campaign()
    gift = {
        "donor": donor,
        "amount": data["amount_minor"],
        "fee_cover": data["fee_cover"],
        "currency": data["currency"],
        "provider": provider,
        "source_page": data["source_page"],
        "campaign": campaign,
    }
    pledge = None
    if data["frequency"] != Frequency.ONE_OFF:
        pledge = RecurringDonation.objects.create(
            **gift, interval=data["frequency"], tier=data.get("tier_obj")
        )
    return Donation.objects.create(
        **gift,
        frequency=data["frequency"],
        recurring=pledge,
        public=bool(data.get("public")),
        message=data.get("message", ""),
    )


def description(donation):
    kind = {
        Frequency.ONE_OFF: "Gift",
        Frequency.MONTHLY: "Monthly support",
        Frequency.ANNUAL: "Annual support",
    }[donation.frequency]
    return f"{kind} {donation.reference}"
