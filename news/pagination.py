import hashlib

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet

from portal import pagetree


class DeferredQuery:
    """A listing's query, built only when its rows are read.

    Building a listing's query through the ORM costs about a millisecond, as much as serving
    the rest of the page: a listing whose cards are kept (news/pieces.py) needs only its count,
    which is kept too. `build` makes the query; a slice of this is a page of it, still unbuilt.
    """

    def __init__(self, build, window=None):
        self.build = build
        self.window = window
        self._rows = None

    def __getitem__(self, window):
        return DeferredQuery(self.build, window)

    def rows(self):
        if self._rows is None:
            query = self.build()
            self._rows = list(query if self.window is None else query[self.window])
        return self._rows

    def __iter__(self):
        return iter(self.rows())

    def __len__(self):
        return len(self.rows())

    def count(self):
        return self.build().count()


def paginate(request, items, per_page, name=None):
    """The requested page of `items`. A missing, malformed or out-of-range `?page=` shows the
    nearest real page rather than an error: readers follow old and hand-edited links.

    `name` says which listing it is (a section's id, an archive's month), for its count; without
    it the count is keyed by the query's SQL, which takes longer to build than to look up.
    `items` may be a `DeferredQuery`, with a `name`: a kept listing then builds no query.
    """
    paginator = Paginator(items, per_page)
    if isinstance(items, QuerySet | DeferredQuery):
        paginator.count = cached_count(items, name)
    return paginator.get_page(request.GET.get("page"))


def cached_count(queryset, name=None):
    """How many rows a listing has, counted once until the page tree changes.

    Counting reads every row of a long listing (all of a section's thousands of articles); what
    a listing holds changes only when something is published, unpublished or moved.
    """
    if name is None:
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return 0
        name = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    key = pagetree.cache_key("count", name)
    count = pagetree.read(key)
    if count is None:
        count = queryset.count()
        pagetree.keep(key, count)
    return count
