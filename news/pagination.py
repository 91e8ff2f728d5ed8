import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet

from portal import pagetree


def paginate(request, items, per_page):
    """The requested page of `items`. A missing, malformed or out-of-range `?page=` shows the
    nearest real page rather than an error: readers follow old and hand-edited links."""
    paginator = Paginator(items, per_page)
    if isinstance(items, QuerySet):
        paginator.count = cached_count(items)
    return paginator.get_page(request.GET.get("page"))


def cached_count(queryset):
    """How many rows a listing has, counted once until the page tree changes.

    Counting reads every row of a long listing (all of a section's thousands of articles); what
    a listing holds changes only when something is published, unpublished or moved.
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    key = pagetree.cache_key("count", digest)
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, pagetree.TIMEOUT)
    return count
