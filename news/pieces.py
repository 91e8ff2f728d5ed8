"""Pieces of a reader's page kept as HTML: what it shows that no reader changes, read together.

An article's head metadata, breadcrumbs, header (status, headline, standfirst, byline, lead
picture, an appeal's updates), footer (topics, regions, tags, authors' boxes) and related list
change only when something they show is published or edited; so do a listing's cards and its
pagination, and a search's page of results. An uncached article spent most of its time
reading them through the ORM and rendering their image tags, a listing its cards' rows. Now a
page reads all its pieces in two cache round trips (`pagecache.kept_pieces`) and renders only
what is live: the body's live blocks, the protest kit, the comments, the site's banner and
navigation.

Each piece is kept with the page cache's tags of what it showed (each card and related article,
an article's topics, the site's names and pictures; every listing is purged by a publish), so
the purges that reach whole pages reach their pieces (portal/purges.py). A preview is never
kept. In templates: `{% kept "header" %}...{% endkept %}`, where the context holds `pieces`.
"""

import hashlib

from portal import pagecache

ARTICLE_PIECES = ("head", "breadcrumbs", "header", "footer", "related")


class Pieces:
    """The pieces `names` of one page, under `prefix`. `read()` gives the context they render
    with and the tags of what it shows; it runs only if a piece must be rendered."""

    def __init__(self, request, prefix, names, read=None):
        self.prefix = prefix
        self.read = read or (lambda: ({}, set()))
        self.keeps = not getattr(request, "is_preview", False)
        self.found = pagecache.kept_pieces([self.key(name) for name in names]) if self.keeps else {}
        self._reading = None

    def key(self, name):
        return f"{self.prefix}:{name}"

    def reading(self):
        if self._reading is None:
            self._reading = self.read()
        context, tags = self._reading
        pagecache.shows(*tags)  # for each piece rendered, not only the first
        return context

    def render(self, name, render):
        """The piece `name`: kept, or `render(reading)` now (and kept, unless a preview)."""
        html = self.found.get(self.key(name))
        if html is not None:
            return html
        if not self.keeps:
            return render(self.reading())
        return pagecache.keep_piece(self.key(name), lambda: render(self.reading()))


def for_article(page, request):
    """Kept per publication: a publish gives the pieces new keys."""
    published = page.last_published_at.timestamp() if page.last_published_at else ""
    return Pieces(
        request,
        f"article:{page.pk}:{page.live_revision_id}:{published}",
        ARTICLE_PIECES,
        lambda: page.reading(request),
    )


def for_listing(request, number=1, read=None, variant=""):
    """A listing's `content` piece: page `number` at this address (host and path), of this
    `variant` (a search's words). Any publish makes it stale; `read` as for `Pieces`, its tags
    besides the listing's own."""

    def read_listing():
        context, tags = read() if read else ({}, set())
        return context, {pagecache.LISTINGS, *tags}

    address = f"{request._get_raw_host()}{request.path}?{variant}&page={number}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return Pieces(request, f"listing:{digest}", ("content",), read_listing)
