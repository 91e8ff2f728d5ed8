"""Defences against card testing: criminals using a donate form to try stolen card numbers.

Four knobs, all in settings (see README, "Card-testing defences"):
- checkouts per IP address and per email address in a window (DONATIONS_CHECKOUTS_PER_IP,
  DONATIONS_CHECKOUTS_PER_EMAIL, DONATIONS_CHECKOUT_WINDOW);
- the honeypot field on the donate form (no knob: it is always on);
- a real minimum gift (money.FLOORS, and each donate page's minimum per currency);
- a circuit breaker: DONATIONS_FAILURE_THRESHOLD failed payments within
  DONATIONS_FAILURE_WINDOW seconds pause checkout creation for DONATIONS_PAUSE_SECONDS and
  email the operator.

Counters live in the Django cache, which every app process shares (Redis, or one machine's files).
"""

import time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from portal.abuse import client_ip, over_limit

from . import tasks

PAUSED_KEY = "donations:checkout-paused"
FAILURES_KEY = "donations:failures:{bucket}"
BUCKET_SECONDS = 60

RATE_LIMITED = (
    "You have started several donations in a short time. Please wait a while and try again, "
    "or write to us if you need help."
)
PAUSED = (
    "Online giving is paused for a few minutes while we check for misuse of our donation form. "
    "Nothing was charged. Please try again a little later."
)


class CheckoutRefused(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.message, self.status = message, status


def within_limit(scope, value, limit):
    """Count one more checkout by this IP or email address; False once past `limit`."""
    return not over_limit(scope, value, limit, settings.DONATIONS_CHECKOUT_WINDOW)


def check(request, email):
    """Raise CheckoutRefused if giving is paused or this visitor is over a limit."""
    if is_paused():
        raise CheckoutRefused(PAUSED, 503)
    allowed_ip = within_limit(
        "checkout-ip", client_ip(request), settings.DONATIONS_CHECKOUTS_PER_IP
    )
    allowed_email = within_limit(
        "checkout-email", email.strip().lower(), settings.DONATIONS_CHECKOUTS_PER_EMAIL
    )
    if not (allowed_ip and allowed_email):
        raise CheckoutRefused(RATE_LIMITED, 429)


def is_paused():
    return bool(cache.get(PAUSED_KEY))


def record_failure():
    """Count a failed payment; past the threshold within the window, pause and alert."""
    now = int(time.time())
    bucket = now // BUCKET_SECONDS
    key = FAILURES_KEY.format(bucket=bucket)
    window = settings.DONATIONS_FAILURE_WINDOW
    cache.add(key, 0, window + BUCKET_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, window + BUCKET_SECONDS)
    buckets = range(bucket - window // BUCKET_SECONDS, bucket + 1)
    failures = sum(cache.get_many([FAILURES_KEY.format(bucket=b) for b in buckets]).values())
    if failures >= settings.DONATIONS_FAILURE_THRESHOLD:
        pause(failures)


def pause(failures):
    if cache.add(PAUSED_KEY, True, settings.DONATIONS_PAUSE_SECONDS):
        transaction.on_commit(
            partial(tasks.alert_operator_of_pause.enqueue, failures, int(time.time()))
        )
