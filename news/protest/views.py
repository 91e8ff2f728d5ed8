"""The tally: a reader says "I sent my protest" to an official, and the count goes up by one.

Counted anonymously: the database keeps a number per target, nothing else; the rate limit keys
the cache on a keyed hash of the address, which expires with the window. A browser counts once
per target, remembered in a cookie that holds only target ids.
"""

import logging
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donations.models import DonatePage
from news.models import AppealPage, AppealTarget, ProtestTally
from news.models.appeals import PROTEST_COUNTS_FRESH_WITHIN
from news.sharing import share_links
from portal import pagecache
from portal.abuse import client_ip, over_limit, same_origin

logger = logging.getLogger(__name__)

COOKIE = "protests_sent"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365
COOKIE_MAX_TARGETS = 200
# A household or an office shares one address, and an appeal has several targets.
RATE_LIMIT = 30
RATE_WINDOW = 60 * 10
# The contract's donate page (DESIGN.md), told which page the gift is for.

OUTCOMES = {
    "counted": (
        200,
        "Thank you: your protest is counted",
        "We counted your protest to {target}. We keep the number, and nothing about you.",
    ),
    "already": (
        200,
        "Your protest is already counted",
        "This browser has already told us about your protest to {target}, so it counts once.",
    ),
    "closed": (
        409,
        "This appeal is closed",
        "The appeal is resolved, so its tally is final. Thank you for your support.",
    ),
    "too_many": (
        429,
        "Too many protests at once",
        "We have counted a lot of protests from your network in the last few minutes. "
        "Please tell us again in a little while: your letter counts either way.",
    ),
    "not_from_site": (
        403,
        "We could not count that",
        "Your browser did not say it came from this site's appeal page, so we did not count "
        "it. Open the appeal and press “I sent my protest” there.",
    ),
}


def counted_targets(request):
    value = request.COOKIES.get(COOKIE, "")
    return [int(part) for part in value.split(".") if part.isdigit()]


def give_url(appeal):
    """The donate page, told that the gift comes from this appeal; None without a donate page."""
    donate_url = DonatePage.default_url()
    return f"{donate_url}?{urlencode({'page': appeal.pk})}" if donate_url else None


def rate_limited(request):
    """Over the limit of protests counted from this address in the window."""
    return over_limit("protests-ip", client_ip(request), RATE_LIMIT, RATE_WINDOW)


# The appeal page posting here is cached whole and shared by every reader (DESIGN.md, Caching),
# so it cannot carry a per-visitor CSRF token. Cross-site forgery is refused by the same-origin
# check instead; all a forged post could do is add one anonymous count, once per browser and
# within the rate limit.
@csrf_exempt
@never_cache
@require_POST
def protest_sent(request, target_id):
    target = get_object_or_404(AppealTarget, pk=target_id)
    appeal = get_object_or_404(AppealPage.objects.visible(), pk=target.page_id)
    already = counted_targets(request)
    if not same_origin(request):
        outcome = "not_from_site"
    elif target.pk in already:
        outcome = "already"
    elif appeal.is_resolved:
        outcome = "closed"
    elif rate_limited(request):
        outcome = "too_many"
        logger.info("Protest tally rate limit reached for appeal %s", appeal.pk)
    else:
        outcome = "counted"
        ProtestTally.record(target)
        pagecache.purge_soon(f"page:{appeal.pk}", within=PROTEST_COUNTS_FRESH_WITHIN)

    status, heading, message = OUTCOMES[outcome]
    sent = ProtestTally.objects.filter(target__page=appeal).aggregate(
        target=Sum("sent", filter=Q(target=target)), appeal=Sum("sent")
    )
    share_url = request.build_absolute_uri(appeal.url)
    response = TemplateResponse(
        request,
        "news/protest_sent.html",
        {
            "appeal": appeal,
            "target": target,
            "outcome": outcome,
            "heading": heading,
            "message": message.format(target=target.name),
            "target_sent": sent["target"] or 0,
            "protests_sent": sent["appeal"] or 0,
            "share_url": share_url,
            "share_links": share_links(share_url, appeal.title),
            "appeal_box": appeal.appeal_box(),
            "give_url": give_url(appeal),
            "updates_feeds": appeal.updates_feeds(),
        },
        status=status,
    )
    if outcome == "counted":
        remembered = [*already, target.pk][-COOKIE_MAX_TARGETS:]
        # Readable by the page's script, which marks these targets on the cached page: it holds
        # target ids only, the same for everyone who protested to them.
        response.set_cookie(
            COOKIE,
            ".".join(map(str, remembered)),
            max_age=COOKIE_MAX_AGE,
            secure=request.is_secure(),
            httponly=False,
            samesite="Lax",
        )
    return response
