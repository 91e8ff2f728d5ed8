"""Admin pages beyond the listings: what a page raised, and retrying a failed webhook event."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.models import Page

from donations import ledger, reports
from donations.models import COUNTED, Donation, EventStatus, PaymentEvent

RECENT = 25


def page_raised(request, page_id):
    """Count and totals of the gifts attributed to a page; donors only for the Finance group."""
    if not request.user.has_perm("donations.view_donation_totals"):
        raise PermissionDenied
    page = get_object_or_404(Page, pk=page_id).specific_deferred
    totals, pledges = reports.page_raised(page)
    gifts = (
        Donation.objects.filter(source_page=page, status__in=COUNTED)
        .select_related("donor")
        .order_by("-succeeded_at")[:RECENT]
    )
    context = {
        "page": page,
        "totals": totals,
        "pledges": pledges,
        "gifts": gifts,
        "sees_donors": request.user.has_perm("donations.view_donor_details"),
        "ledger_url": (
            f"{reverse('donation:index')}?source_page={page.pk}"
            if request.user.has_perm("donations.view_donation")
            else None
        ),
        "page_title": f"Donations raised: {page.get_admin_display_title()}",
        "header_title": "Donations raised",
        "header_icon": "pick",
    }
    return TemplateResponse(request, "donations/admin/page_raised.html", context)


def retry_event(request, pk):
    """Apply a failed event again, exactly as the provider sent it (after a fix, say)."""
    if not request.user.has_perm("donations.retry_payment_event"):
        raise PermissionDenied
    event = get_object_or_404(PaymentEvent, pk=pk)
    if request.method == "POST":
        event = ledger.process(event.pk)
        if event.status == EventStatus.FAILED:
            messages.error(request, f"The event still fails: {event.error}")
        else:
            messages.success(request, f"The event was applied ({event.get_status_display()}).")
        return redirect("paymentevent:index")
    context = {
        "event": event,
        "page_title": f"Retry {event}",
        "header_title": "Retry a webhook event",
        "header_icon": "rotate",
    }
    return TemplateResponse(request, "donations/admin/retry_event.html", context)
