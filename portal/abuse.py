"""Telling readers from abuse on the forms that pages cached whole must carry without a CSRF
token (comments, protest tallies, the donate form; DESIGN.md, Caching): where a request came
from, whether it came from this site's own pages, and how often it has come.

Counters live in the Django cache, which every app process shares (Redis, or one machine's files).
"""

import ipaddress
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


def client_ip(request):
    """The visitor's IP address: the connection's, or the one our own proxies saw.

    Each proxy appends the address it received from to X-Forwarded-For; with
    TRUSTED_PROXY_COUNT proxies in front of the app, the entry that many from the right is the
    visitor's. Anything further left came from the visitor and could be forged.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def same_origin(request):
    """The form was posted from one of this site's own pages.

    Browsers name the page a form was posted from in Origin (older ones in Referer); a cross-site
    forgery names another site, and a post naming none did not come from a reader's browser.
    """
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        referer = urlsplit(request.headers.get("Referer", ""))
        if not (referer.scheme and referer.netloc):
            return False
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin.lower() == f"{request.scheme}://{request.get_host()}".lower()


def over_limit(scope, value, limit, window, now=None):
    """Count one more action by `value` (an IP or email address) in `scope` in the current
    fixed window of `window` seconds; True once that count passes `limit`.

    The cache key holds a keyed hash, never the address itself.
    """
    if not value:
        return False
    now = time.time() if now is None else now
    digest = salted_hmac("portal.abuse", str(value).lower()).hexdigest()[:32]
    key = f"abuse:{scope}:{digest}:{int(now // window)}"
    cache.add(key, 0, window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, window + 60)
        count = 1
    return count > limit
