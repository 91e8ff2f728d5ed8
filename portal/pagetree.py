"""The page tree as readers' requests see it: site lookup, routes and view restrictions, cached.

Wagtail finds a page by walking the tree, two queries per level, and checks view restrictions on
every ancestor: most of an article's queries before its own content is read. These lookups change
only when an editor publishes, unpublishes, moves or deletes a page, or changes a site or who may
see a page. Every cached value is keyed by the tree's *generation*, a number replaced on each such
change, so a change reaches every process that shares the cache at once (Redis, or on one
machine its files: portal/machinecache.py).
"""

import pickle
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, Subquery, Value
from django.db.models.functions import Concat
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

GENERATION_KEY = "pagetree:generation"
# Sites and view restrictions have a generation of their own: publishing a page changes neither,
# so the first view after a publish need not look them up again.
ACCESS_GENERATION_KEY = "pagetree:access-generation"
TIMEOUT = 60 * 60 * 6


# The generations as the current request first read them: one cache read each per request, not
# one per cached value looked up (a request reading old keys meanwhile merely misses).
_seen = ContextVar("pagetree_generations", default=None)
# Every generation a page may ask for, read together as each request begins (`watch` adds one).
_watched = [GENERATION_KEY, ACCESS_GENERATION_KEY]


def watch(key):
    """Read the generation under `key` with the tree's at the start of each request."""
    if key not in _watched:
        _watched.append(key)


def generation(key=GENERATION_KEY):
    """The current generation under `key`; cached values keyed by it go stale when it moves on."""
    seen = _seen.get()
    if seen is not None and key in seen:
        return seen[key]
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns(), None)
        value = cache.get(key)
    if seen is not None:
        seen[key] = value
    return value


def new_generation(key=GENERATION_KEY):
    value = time.time_ns()
    cache.set(key, value, None)
    seen = _seen.get()
    if seen is not None:
        seen[key] = value


def cache_key(*parts):
    return ":".join(["pagetree", str(generation()), *map(str, parts)])


# What this process has read or kept under generation keys: (expiry, pickled value) by key, the
# least recently used first. Such a value never changes (a change makes a new generation, and so
# new keys), so it can be read here again without a round trip to the shared cache: a third of
# a millisecond each with Redis, and an uncached page made about ten. Bounded in bytes
# (PAGETREE_COPIES_BYTES; none when the cache is this process's memory, as in tests), as page rows
# are among them; whatever it loses is read from the shared cache again.
_copies = OrderedDict()
_copies_size = 0
_copies_lock = threading.Lock()


def read(key, lifetime=TIMEOUT):
    """The value kept under `key`, a key naming a generation (`cache_key`, `access_cache_key`):
    this process's copy if it is younger than `lifetime` seconds, else the shared cache's.
    Each read is a fresh copy, which the caller may change."""
    with _copies_lock:
        entry = _copies.get(key)
        if entry is not None:
            expires, data = entry
            if expires > time.monotonic():
                _copies.move_to_end(key)
            else:
                entry = None
    if entry is not None:
        return pickle.loads(data)  # noqa: S301 - pickled by this process
    value = cache.get(key)
    if value is not None:
        _copy(key, value, lifetime)
    return value


def keep(key, value, timeout=TIMEOUT):
    """Keep `value` under the generation key `key`, in the shared cache and here."""
    cache.set(key, value, timeout)
    _copy(key, value, timeout)


def _copy(key, value, lifetime):
    global _copies_size
    budget = settings.PAGETREE_COPIES_BYTES
    if not budget:
        return
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    with _copies_lock:
        old = _copies.pop(key, None)
        if old is not None:
            _copies_size -= len(old[1])
        _copies[key] = (time.monotonic() + lifetime, data)
        _copies_size += len(data)
        while _copies_size > budget:
            _, (_, dropped) = _copies.popitem(last=False)
            _copies_size -= len(dropped)


def forget_copies():
    """Drop this process's copies, as when the shared cache was cleared (tests do)."""
    global _copies_size
    with _copies_lock:
        _copies.clear()
        _copies_size = 0


def access_cache_key(*parts):
    return ":".join(["pagetree-access", str(generation(ACCESS_GENERATION_KEY)), *map(str, parts)])


@receiver(page_published)
@receiver(page_unpublished)
@receiver(page_slug_changed)
@receiver(post_page_move)
@receiver(post_delete, sender=Page)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def tree_changed(**kwargs):
    # Again once committed: a reader who read the old rows meanwhile kept them under the new one.
    new_generation(GENERATION_KEY)
    transaction.on_commit(new_generation)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def access_changed(**kwargs):
    new_generation(ACCESS_GENERATION_KEY)


def restricted_paths():
    """Tree paths of the pages behind a login or password: usually none, rarely more than a few.

    Listings leave out everything under them with plain path filters, which every database
    plans well, instead of a correlated subquery per row (quadratic once SQLite has statistics).
    """
    key = access_cache_key("restricted-paths")
    paths = read(key)
    if paths is None:
        paths = sorted(PageViewRestriction.objects.values_list("page__path", flat=True))
        keep(key, paths)
    return paths


def any_view_restrictions():
    return bool(restricted_paths())


class TreePage(Page):
    """Base of the portal's page types: view restrictions checked in at most one query."""

    class Meta:
        abstract = True

    def description(self):
        """What the page is about, for search engines and link previews."""
        return self.search_description

    def get_view_restrictions(self):
        if self.alias_of_id:
            return super().get_view_restrictions()
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        ancestor_paths = [
            self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)
        ]
        return PageViewRestriction.objects.filter(page__path__in=ancestor_paths)


class PageRoutingMiddleware:
    """Answers Wagtail's "which site, which page?" from the cache before Wagtail asks the database.

    Wagtail keeps both answers on the request (`_wagtail_site`, `_wagtail_route_for_request`) and
    reuses them, so filling them in here leaves Wagtail's own serving, hooks and 404s untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _seen.set(cache.get_many(_watched))
        try:
            return self.get_response(request)
        finally:
            _seen.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        site = self.site_for(request)
        if site is not None and request.resolver_match.url_name == "wagtail_serve":
            self.route(request, site, view_args[0] if view_args else "/")

    def site_for(self, request):
        host = request._get_raw_host()
        key = access_cache_key("site", host, request.get_port())
        site = read(key)
        if site is None:
            site = Site.find_for_request(request)
            if site is not None:
                keep(key, site)
        request._wagtail_site = site
        # Wagtail reads the sites' root paths from the shared cache for each request that
        # links to a page; they change only with a site or the tree.
        key = cache_key("site-root-paths")
        root_paths = read(key)
        if root_paths is None:
            root_paths = Site.get_site_root_paths()
            keep(key, root_paths)
        request._wagtail_cached_site_root_paths = root_paths
        return site

    def route(self, request, site, path):
        components = [component for component in path.split("/") if component]
        key = cache_key("route", site.pk, "/".join(components))
        target = read(key)
        if target is None:
            target = deepest_page_on(site, components)
            if target is None:
                return  # Wagtail routes it the usual way, to its 404
            keep(key, target)
        content_type_id, page_pk, consumed = target
        page = cached_page(content_type_id, page_pk)
        try:
            route = page.route(request, components[consumed:]) if page else None
        except Http404:
            route = None
        request._wagtail_route_for_request = route


def cached_page(content_type_id, pk):
    """The page, or None, read once per generation: what readers see of its row changes only when
    it is published, unpublished, moved or deleted (saving a draft leaves it as it was)."""
    key = cache_key("page", pk)
    page = read(key)
    if page is None:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = model.objects.filter(pk=pk).first()
        if page is None:
            return None
        keep(key, page)
    return page


def deepest_page_on(site, components):
    """(content type, pk, components consumed) of the deepest page along the path, in one query.

    Wagtail walks the tree a level at a time; the page's `url_path` says the same in one lookup.
    What is left of the path (a section's `feed/`) is the page's own `route()` to resolve.
    """
    root = Page.objects.filter(pk=site.root_page_id)
    root_url_path = Subquery(root.values("url_path"))
    along_path = Q()
    for length in range(len(components) + 1):
        suffix = "".join(f"{component}/" for component in components[:length])
        along_path |= Q(url_path=Concat(root_url_path, Value(suffix)))
    row = (
        Page.objects.filter(along_path)
        .annotate(root_depth=Subquery(root.values("depth")))
        .order_by("-depth")
        .values_list("content_type_id", "pk", "depth", "root_depth")
        .first()
    )
    if row is None:
        return None
    content_type_id, pk, depth, root_depth = row
    return content_type_id, pk, depth - root_depth
