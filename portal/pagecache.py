"""Whole pages for anonymous readers, from the shared cache, purged by what they show.

Nothing personal goes into a page's HTML (DESIGN.md, Caching), so one copy serves every reader
without a session. Each stored page keeps the *tags* of what it shows:

- `page:<id>` for every page whose own content it prints: the page itself, each card in a list
  (title, picture, comment count) and each related article;
- `topic:<id>` for an article's related list, which a new article on the topic joins;
- `campaign:<id>` for a fundraising bar;
- `listings` for anything that lists the newest pages (home, sections, archives, feeds,
  taxonomies, the sitemap): everything but an article's own page;
- `site` for what every page carries: the navigation, the urgent-appeal banner.

A purge records when a tag last changed. A stored page is served only if it was rendered after
the last change of each of its tags, so a purge is one cache write per tag, whatever the
number of pages, and reaches every process that shares the cache (Redis when `REDIS_URL` is
set, else the machine's files). The same events purge the front cache (nginx, a CDN) through
`wagtail.contrib.frontend_cache`, by URL: see `purges.py`.

*Pieces* of a page (an article's header and related list, a listing's cards: news/pieces.py)
are kept the same way, with their own tags, for the readers a whole page cannot serve: a reader
with a session, the first view after a purge. A stored piece's tags count for the page that
shows it.
"""

import hashlib
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control

logger = logging.getLogger(__name__)

ENTRY_PREFIX = "pagecache:page:"
PIECE_PREFIX = "pagecache:piece:"
# Pieces are re-rendered cheaply; this bounds how long an unused one occupies the cache.
PIECE_SECONDS = 6 * 60 * 60
TAG_PREFIX = "pagecache:tag:"
SITE, LISTINGS = "site", "listings"
# A purge and a render on another machine may disagree by this much about the time.
CLOCK_SKEW = 1.0
# Response headers kept with a stored page; the rest are the outer middleware's to add.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Frame-Options", "X-Robots-Tag")
HIT_HEADER = "X-Page-Cache"


@dataclass
class Dependencies:
    """What the response being rendered shows, collected while it renders."""

    tags: set = field(default_factory=lambda: {SITE})
    lists_pages: bool = True  # until the view says it shows one page only
    expires_at: float | None = None


_rendering = ContextVar("page_cache_dependencies", default=None)


def shows(*tags):
    """The response being rendered shows what these tags name (no-op outside the page cache)."""
    dependencies = _rendering.get()
    if dependencies is not None:
        dependencies.tags.update(tags)


def shows_pages(*pages_or_ids):
    shows(*(f"page:{getattr(page, 'pk', page)}" for page in pages_or_ids))


def shows_one_page():
    """An article's own page: not a listing, so publishing another page does not purge it."""
    dependencies = _rendering.get()
    if dependencies is not None:
        dependencies.lists_pages = False


def changes_at(when):
    """What the response shows changes at `when` (an aware datetime, past ones ignored)
    without any event to purge it: a banner expires, a campaign ends."""
    if when is not None:
        changes_at_timestamp(when.timestamp())


def changes_at_timestamp(timestamp):
    dependencies = _rendering.get()
    if dependencies is None or timestamp <= time.time():
        return
    if dependencies.expires_at is None or timestamp < dependencies.expires_at:
        dependencies.expires_at = timestamp


def purge(*tags):
    """Every stored page showing any of `tags` is stale: now, and again once the transaction
    commits, so that a reader who rendered the old rows meanwhile does not keep them."""
    tags = set(tags)
    if not tags:
        return

    def mark():
        now = time.time()
        cache.set_many({TAG_PREFIX + tag: now for tag in tags}, None)

    mark()
    transaction.on_commit(mark)


def purge_soon(tag, within):
    """Purge `tag` at most once per `within` seconds; pages showing it live that long at most.

    For counts that change many times a minute at the height of a campaign (protests sent):
    the first change in a window shows at once, later ones within `within` seconds.
    """
    if cache.add(f"pagecache:soon:{tag}", 1, within):
        purge(tag)


def seconds():
    return settings.PAGE_CACHE_SECONDS


def cacheable_request(request):
    """An anonymous reader's plain read: no session, no credentials, nothing posted."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def storable(response):
    """A complete page meant for everyone: not private, setting no cookie, not per-visitor."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = {
        part.split("=")[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    varies = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", ""))}
    return "cookie" not in varies and "*" not in varies


def entry_key(request):
    scheme = "https" if request.is_secure() else "http"
    address = f"{scheme}://{request._get_raw_host()}{request.get_full_path()}"
    return ENTRY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def last_changes(tags):
    """{tag: when it last changed}; a tag the cache has lost counts as changed just now."""
    keys = {TAG_PREFIX + tag: tag for tag in tags}
    found = cache.get_many(keys)
    lost = {key: time.time() for key in keys if key not in found}
    if lost:
        for key, now in lost.items():
            cache.add(key, now, None)
        found.update(cache.get_many(lost))
    return {keys[key]: value for key, value in found.items()}


def fresh(entry, changes=None):
    """Rendered after the last change of each of its tags (read now unless `changes` are given)."""
    if changes is None:
        changes = last_changes(entry["tags"])
    rendered_at = entry["rendered_at"]
    return all(changes.get(tag, rendered_at) < rendered_at - CLOCK_SKEW for tag in entry["tags"])


def record_tags(tags, rendered_at):
    """A tag never purged yet gets a change from before this render, so that losing it later
    (evicted from the cache) reads as a change, not as "never changed"."""
    tag_keys = [TAG_PREFIX + tag for tag in tags]
    recorded = cache.get_many(tag_keys)
    for tag_key in tag_keys:
        if tag_key not in recorded:
            cache.add(tag_key, rendered_at - CLOCK_SKEW - 1, None)


def kept_pieces(names):
    """{name: HTML} of the pieces still fresh among `names`, in two cache reads whatever their
    number. What they show is what the response being rendered shows."""
    entries = cache.get_many([PIECE_PREFIX + name for name in names])
    changes = last_changes({tag for entry in entries.values() for tag in entry["tags"]})
    found = {}
    for key, entry in entries.items():
        expires_at = entry["expires_at"]
        if fresh(entry, changes) and (expires_at is None or expires_at > time.time()):
            shows(*entry["tags"])
            if expires_at is not None:
                changes_at_timestamp(expires_at)
            found[key.removeprefix(PIECE_PREFIX)] = entry["html"]
    return found


def keep_piece(name, render):
    """`render()`'s HTML, kept under `name` with the tags of what it showed while rendering.

    A piece is part of one page, not a listing: a publish elsewhere does not make it stale.
    """
    rendered_at = time.time()
    dependencies = Dependencies(lists_pages=False)
    token = _rendering.set(dependencies)
    try:
        html = render()
    finally:
        _rendering.reset(token)
    shows(*dependencies.tags)
    timeout = PIECE_SECONDS
    if dependencies.expires_at is not None:
        changes_at_timestamp(dependencies.expires_at)
        timeout = min(timeout, int(dependencies.expires_at - rendered_at))
    if timeout > 0:
        record_tags(dependencies.tags, rendered_at)
        entry = {
            "rendered_at": rendered_at,
            "tags": sorted(dependencies.tags),
            "expires_at": dependencies.expires_at,
            "html": html,
        }
        cache.set(PIECE_PREFIX + name, entry, timeout)
    return html


class PageCacheMiddleware:
    """Serves anonymous readers a stored copy of the page while none of its tags has changed.

    It sits just inside WhiteNoise, so that a stored page costs two cache reads and no session,
    database or template work. A reader with a session (an editor, a previewer) is never
    served a stored page, and what they are sent is marked private for the front cache too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            return response

        if seconds() <= 0:  # switched off here; a front cache may still keep public pages
            response = self.get_response(request)
            if storable(response):
                self.mark_public(response)
            return response

        key = entry_key(request)
        entry = cache.get(key)
        if entry is not None and fresh(entry):
            return self.replay(entry)

        rendered_at = time.time()
        dependencies = Dependencies()
        token = _rendering.set(dependencies)
        try:
            response = self.get_response(request)
        finally:
            _rendering.reset(token)
        if request.method == "GET" and storable(response):
            self.store(key, response, rendered_at, dependencies)
        return response

    def store(self, key, response, rendered_at, dependencies):
        tags = dependencies.tags | ({LISTINGS} if dependencies.lists_pages else set())
        timeout = seconds()
        if dependencies.expires_at is not None:
            timeout = min(timeout, int(dependencies.expires_at - rendered_at))
        if timeout <= 0:
            return
        entry = {
            "rendered_at": rendered_at,
            "tags": sorted(tags),
            "content": response.content,
            "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
        }
        record_tags(tags, rendered_at)
        cache.set(key, entry, timeout)
        response[HIT_HEADER] = "miss"
        self.mark_public(response)

    def replay(self, entry):
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"].items():
            response[name] = value
        response[HIT_HEADER] = "hit"
        self.mark_public(response)
        return response

    @staticmethod
    def mark_public(response):
        """Front caches keep it as long as purges reach them; browsers as settings say."""
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
            s_maxage=settings.FRONT_CACHE_SECONDS,
        )
