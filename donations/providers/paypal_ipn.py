"""The PayPal IPN listener: store first, answer at once, verify and apply in the background.

PayPal waits for a quick 200 and resends what it does not get. So the listener only stores the
IPN raw (once: `paypal_events.identify` gives its key) and queues `verify_and_apply`, which asks
PayPal whether it sent it (the postback, with a timeout) and then lets the ledger apply it.
An IPN PayPal cannot be asked about stays stored, unapplied and flagged on the Webhook events
screen, and is asked about again later, less and less often; one PayPal answers INVALID about
is flagged and left until it is resent from PayPal's IPN history.

Anyone can post here, so before anything is stored: an address posting more than
PAYPAL_IPNS_PER_IP a minute is answered 429, and a post that cannot be an IPN at all 400.
Neither loses a genuine IPN: PayPal sends again what was not answered 200.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tasks import task

from donations import ledger
from donations.models import EventStatus, PaymentEvent
from donations.views.webhooks import DROPPED_HEADERS
from portal.abuse import client_ip, over_limit

from . import get_provider, paypal_events
from .base import ProviderUnavailable, WebhookRejected

logger = logging.getLogger("donations.paypal")

# An IPN is a few kilobytes; anything far larger is not one, and is not kept.
MAX_BODY = 64 * 1024
BUSY = "Too many notifications from this address just now; please send again later."


@csrf_exempt
@require_POST
@never_cache
def ipn(request):
    sender = client_ip(request)
    if over_limit("paypal-ipn-ip", sender, settings.PAYPAL_IPNS_PER_IP, settings.PAYPAL_IPN_WINDOW):
        return too_many(sender)
    if len(request.body) > MAX_BODY:
        return HttpResponse("Too large.", status=413, content_type="text/plain")
    body = paypal_events.stored_text(request.body)
    if not paypal_events.could_be_ipn(body):
        # Nothing PayPal would send, so nothing is kept or asked about; a PayPal that did
        # send it would send it again.
        return HttpResponse("Not a PayPal IPN.", status=400, content_type="text/plain")
    headers = {
        name: value
        for name, value in request.headers.items()
        if name.lower() not in DROPPED_HEADERS
    }
    event = store(body, headers)
    if event.status not in ledger.DONE:
        transaction.on_commit(partial(verify_and_apply.enqueue, event.pk))
    return HttpResponse("OK", content_type="text/plain")


def too_many(sender):
    """429 to an address over the limit: nothing is kept, and if it was PayPal, PayPal sends
    the IPN again later (less and less often, for up to four days)."""
    window = settings.PAYPAL_IPN_WINDOW
    # Once per address and window, naming the setting: Django's own log line for each refusal
    # names neither.
    if not over_limit("paypal-ipn-ip-warned", sender, 1, window):
        logger.warning(
            "PayPal IPN listener: %s posted more than %s IPNs in %s seconds; answering 429 "
            "until the window ends. If that is PayPal, raise PAYPAL_IPNS_PER_IP.",
            sender,
            settings.PAYPAL_IPNS_PER_IP,
            window,
        )
    response = HttpResponse(BUSY, status=429, content_type="text/plain")
    response["Retry-After"] = str(window)
    return response


def store(body, headers):
    """The IPN as a PaymentEvent, stored once, not yet verified."""
    event_id, event_type = paypal_events.identify(body)
    event, _ = PaymentEvent.objects.get_or_create(
        provider="paypal",
        event_id=event_id,
        defaults={
            "event_type": event_type,
            "body": body,
            "headers": headers,
            "verified_at": None,
        },
    )
    return event


@task()
def verify_and_apply(event_pk):
    """Ask PayPal about a stored IPN, then apply it; safe to run twice, or in two workers."""
    event = PaymentEvent.objects.filter(pk=event_pk, provider="paypal").first()
    if event is None or event.status in ledger.DONE:
        return None
    if event.verified_at is None:
        try:
            get_provider("paypal").receive(event.body.encode("ascii"), event.headers)
        except ProviderUnavailable as error:
            return try_again(event, f"Unverified: PayPal could not be asked ({error}).")
        except WebhookRejected as error:
            return not_vouched_for(event, error)
        PaymentEvent.objects.filter(pk=event.pk, verified_at=None).update(
            verified_at=timezone.now(), error=""
        )
    event = ledger.process(event.pk)
    if event.status == EventStatus.FAILED and event.error.startswith("Waiting"):
        return try_again(event, event.error, counted=True)
    return event.status


def not_vouched_for(event, error):
    """Flag an IPN PayPal says it did not send, and leave it: it is not asked about again.

    Asking again would repeat each forged IPN to PayPal a dozen times. A genuine IPN answered
    INVALID (a live one checked against the sandbox, say) is asked about again when it arrives
    again: the operator resends it from PayPal's IPN history.
    """
    error = (
        f"Unverified: {error}; not applied, and not asked about again. If PayPal's IPN "
        "history lists it, check PAYPAL_TEST, then resend it from there."
    )
    PaymentEvent.objects.filter(pk=event.pk).update(
        status=EventStatus.FAILED, error=error, attempts=F("attempts") + 1
    )
    logger.warning("PayPal IPN %s not applied: %s", event.pk, error)
    return EventStatus.FAILED


def try_again(event, error, counted=False):
    """Flag the event with why, and queue another look with a growing delay, up to a limit.

    `counted`: the ledger has counted this try already (it applied and had to wait).
    """
    tries = event.attempts if counted else event.attempts + 1
    if tries >= settings.PAYPAL_IPN_TRIES:
        error += f" Gave up after {tries} tries: compare with PayPal's IPN history, then retry."
    elif verify_and_apply.get_backend().supports_defer:
        delay = settings.PAYPAL_IPN_RETRY_FIRST * 2 ** (tries - 1)
        delay = min(delay, settings.PAYPAL_IPN_RETRY_MAX)
        run_after = timezone.now() + timedelta(seconds=delay)
        transaction.on_commit(
            partial(verify_and_apply.using(run_after=run_after).enqueue, event.pk)
        )
        error += f" Next try around {timezone.localtime(run_after):%Y-%m-%d %H:%M}."
    else:
        error += " No task worker runs here to try again: retry it by hand."
    PaymentEvent.objects.filter(pk=event.pk).update(
        status=EventStatus.FAILED, error=error, attempts=F("attempts") + (0 if counted else 1)
    )
    logger.info("PayPal IPN %s not applied: %s", event.pk, error)
    return EventStatus.FAILED
