"""The offline test gateway's page: "succeed" or "fail", applied like any provider's webhook."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers

from donations import ledger
from donations.models import Donation, DonationStatus
from donations.providers import get_provider
from donations.providers.test_gateway import OUTCOMES, TestGateway


def gateway_page(request, checkout):
    gateway = get_provider("test")
    if not gateway.is_configured():
        raise Http404("The test gateway is off.")
    donation = get_object_or_404(
        Donation.objects.select_related("donor", "recurring"),
        provider=gateway.name,
        provider_ref=checkout,
    )
    open_checkout = donation.status == DonationStatus.PENDING
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if open_checkout and outcome in OUTCOMES:
            body = TestGateway.outcome_body(donation, outcome)
            ledger.receive(gateway, body.encode(), {"X-Test-Gateway": "local"})
        return redirect("donations:thank_you", donation.public_id)
    response = render(
        request,
        "donations/test_gateway.html",
        {"donation": donation, "open_checkout": open_checkout},
    )
    add_never_cache_headers(response)
    return response
