"""What stands in for a CSRF token on a page that is cached whole for every reader.

The comment form carries no per-visitor token (DESIGN.md, Caching). A post must instead come
from this site's own pages (its Origin or Referer), carry a signed timestamp made when the
page was rendered, and stay under rate limits kept in the shared cache.
"""

import ipaddress
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

TOKEN_SALT = "news.comments.form"  # noqa: S105 - a signing namespace, not a secret
# Every page rendered within the same few seconds carries the same token, so the form adds
# nothing per visitor; rounding down only ever makes the page look older than it is.
TOKEN_BUCKET = 5
TOKEN_MAX_AGE = 24 * 60 * 60
RATE_WINDOW = 60 * 60


class StaleForm(Exception):
    """The form's token is missing, forged, for another page or too old: send it again."""


def form_token(page_id, now=None):
    now = time.time() if now is None else now
    issued = int(now // TOKEN_BUCKET * TOKEN_BUCKET)
    return signing.dumps([page_id, issued], salt=TOKEN_SALT)


def seconds_since_served(token, page_id, now=None):
    """How long ago the page with this form was served; raises StaleForm."""
    now = time.time() if now is None else now
    try:
        token_page, issued = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise StaleForm("could not be checked") from error
    if token_page != page_id or not isinstance(issued, int):
        raise StaleForm("could not be checked")
    age = now - issued
    if age > TOKEN_MAX_AGE:
        raise StaleForm("too old")
    if age < -TOKEN_BUCKET:
        raise StaleForm("could not be checked")
    return max(age, 0)


def same_origin(request):
    """Whether the post came from a page of this site, by its Origin, else its Referer header.

    Browsers send Origin with every form post; a post with neither header is not a reader's.
    """
    origin = request.headers.get("Origin")
    if not origin:
        referer = urlsplit(request.headers.get("Referer", ""))
        if not (referer.scheme and referer.netloc):
            return False
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin.lower() == f"{request.scheme}://{request.get_host()}".lower()


def client_ip(request):
    """The reader's IP address: the connection's, or that set by our own reverse proxies."""
    candidate = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # Each proxy appends the address it saw; anything further left the client could forge.
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def over_limit(kind, value, limit, now=None):
    """Count one more comment for this IP or email address in the current hour; True if that
    goes over `limit`. Kept in the shared cache, so every app process counts together."""
    if not value:
        return False
    now = time.time() if now is None else now
    # The cache holds a keyed hash, never the address itself.
    digest = salted_hmac("news.comments.rate", value.lower()).hexdigest()[:32]
    key = f"comments:rate:{kind}:{digest}:{int(now // RATE_WINDOW)}"
    cache.add(key, 0, RATE_WINDOW + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, RATE_WINDOW + 60)
        count = 1
    return count > limit
