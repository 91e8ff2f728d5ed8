"""Provider webhooks: verify, store, apply, answer fast. Errors never reach the response."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donations import ledger
from donations.models import EventStatus
from donations.providers import get_provider
from donations.providers.base import WebhookRejected

# Kept with each event for the record; nothing that could carry a credential.
DROPPED_HEADERS = {"cookie", "authorization", "proxy-authorization"}


@csrf_exempt
@require_POST
def stripe_webhook(request):
    return receive(request, "stripe")


def receive(request, provider_name):
    headers = {
        name: value
        for name, value in request.headers.items()
        if name.lower() not in DROPPED_HEADERS
    }
    try:
        event = ledger.receive(get_provider(provider_name), request.body, headers)
    except WebhookRejected:
        return HttpResponseBadRequest("Signature verification failed.", content_type="text/plain")
    if event.status == EventStatus.FAILED:
        # Kept on the event for the admin; the provider only needs to know to send it again.
        return HttpResponse("Not applied yet; please retry.", status=500, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")
