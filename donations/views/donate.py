"""The donor's side: starting a checkout from the donate form, and the thank-you page."""

from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donations import checkout as checkouts
from donations.forms import DonateForm
from donations.models import DonatePage, Donation, DonationStatus
from portal.abuse import same_origin


def render_form(request, page, form, notice="", status=200):
    response = TemplateResponse(
        request,
        page.get_template(request),
        page.get_context(request, form=form, notice=notice),
        status=status,
    )
    add_never_cache_headers(response)
    return response


@csrf_exempt
@require_POST
def checkout(request):
    if not same_origin(request):
        return HttpResponseForbidden("Please give from our own donate page.")
    page_id = request.POST.get("donate_page", "")
    page = get_object_or_404(DonatePage.objects.live(), pk=int(page_id) if page_id.isdigit() else 0)
    form = DonateForm(request.POST, page=page)
    if not form.is_valid():
        return render_form(request, page, form, status=400)
    try:
        url = checkouts.start(request, page, form.cleaned_data)
    except checkouts.CheckoutFailed as failed:
        return render_form(request, page, form, notice=failed.message, status=failed.status)
    response = HttpResponseRedirect(url)
    response.status_code = 303
    add_never_cache_headers(response)  # the hand-off names one donor's gift
    return response


def thank_you(request, public_id):
    donation = get_object_or_404(
        Donation.objects.select_related("donor", "recurring"), public_id=public_id
    )
    response = render(
        request,
        "donations/thank_you.html",
        {
            "donation": donation,
            "pledge": donation.recurring,
            "processing": donation.status == DonationStatus.PENDING,
            "test_mode": donation.is_test,
            "donate_url": DonatePage.default_url() or "/",
        },
    )
    add_never_cache_headers(response)
    return response
