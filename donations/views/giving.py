"""'Manage your giving': the donor's history and pledges, reached by a signed link."""

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from donations import card_testing, tasks
from donations.models import Donor, PledgeStatus
from donations.providers import UnknownProvider, get_provider
from donations.providers.base import ProviderUnavailable
from portal.abuse import client_ip

PORTAL_UNREACHABLE = (
    "We couldn't reach our payment provider to open your card and pledge settings. "
    "Please try again in a minute."
)
LINK_SENT = (
    "If that address has given to us, we have emailed it a new link. It works for {days} days."
)


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        error_messages={
            "required": "Enter the email address you gave with.",
            "invalid": "Enter an email address like name@example.org.",
        }
    )


def private(response):
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: keep it out of logs
    response["X-Robots-Tag"] = "noindex"
    return response


def manage(request, token, error=""):
    donor = Donor.from_manage_token(token)
    if donor is None:
        return private(
            render(
                request,
                "donations/manage_expired.html",
                {"form": LinkRequestForm()},
                status=410,
            )
        )
    pledges = list(donor.pledges.exclude(status=PledgeStatus.PENDING))
    for pledge in pledges:
        pledge.manageable = can_manage(pledge)
        if pledge.manageable:
            pledge.manage_help = get_provider(pledge.provider).manage_help
    gifts = donor.donations.exclude(succeeded_at=None).select_related("recurring")[:200]
    context = {"donor": donor, "pledges": pledges, "gifts": gifts, "token": token, "error": error}
    return private(render(request, "donations/manage.html", context, status=502 if error else 200))


def can_manage(pledge):
    if pledge.status == PledgeStatus.CANCELLED or not pledge.customer_ref:
        return False
    try:
        provider = get_provider(pledge.provider)
    except UnknownProvider:
        return False
    return provider.is_configured() and not provider.is_test


@require_POST
def provider_portal(request, token, pledge_id):
    """Send the donor to the provider's own page for this pledge (Stripe's Customer Portal).

    The session is made for the customer of a pledge that belongs to the donor the signed
    link names, and no one else.
    """
    donor = Donor.from_manage_token(token)
    if donor is None:
        raise Http404
    pledge = get_object_or_404(donor.pledges, public_id=pledge_id)
    if not can_manage(pledge):
        raise Http404
    return_url = request.build_absolute_uri(reverse("donations:manage", args=[token]))
    try:
        url = get_provider(pledge.provider).manage_url(pledge.customer_ref, return_url)
    except ProviderUnavailable:
        return manage(request, token, error=PORTAL_UNREACHABLE)
    if not url:
        raise Http404
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@require_POST
def request_link(request):
    """Email a fresh link to an address that has given; say the same whether it has or not."""
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return private(render(request, "donations/manage_expired.html", {"form": form}, status=400))
    email = form.cleaned_data["email"].lower()
    allowed = card_testing.within_limit("link-ip", client_ip(request), 5)
    allowed = card_testing.within_limit("link-email", email, 3) and allowed
    donor = Donor.objects.filter(email=email).first()
    if allowed and donor is not None:
        tasks.send_manage_link.enqueue(donor.pk)
    message = LINK_SENT.format(days=settings.DONATIONS_MANAGE_LINK_DAYS)
    return private(render(request, "donations/manage_expired.html", {"sent": message}))
