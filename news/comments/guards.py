"""What stands in for a CSRF token on a page that is cached whole for every reader.

The comment form carries no per-visitor token (DESIGN.md, Caching). A post must instead come
from this site's own pages and stay under rate limits (portal.abuse), and carry the signed
timestamp made here when the page was rendered.
"""

import time

from django.core import signing

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
