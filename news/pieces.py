"""An article's pieces kept as HTML: what it shows beside its body that no reader changes.

The head's metadata, the breadcrumbs, the header (status, headline, standfirst, byline, lead
picture, an appeal's updates), the footer (topics, regions, tags, authors' boxes) and the
related list change only when something they show is published or edited. An uncached article
spent most of its time reading them through the ORM and rendering their image tags; now it
reads them all in two cache round trips (`pagecache.kept_pieces`) and renders only what is
live: the body's live blocks, the protest kit, the comments.

Each piece is kept under the page's live revision and publication time, with the page cache's
tags of what it showed (the page, each related article, its topics, the site's names and
pictures), so the purges that reach whole pages reach their pieces (portal/purges.py). A
preview is never kept. In templates: `{% kept "header" %}...{% endkept %}`, inside a page
whose context holds `pieces`.
"""

from portal import pagecache

NAMES = ("head", "breadcrumbs", "header", "footer", "related")


class ArticlePieces:
    def __init__(self, page, request):
        self.page, self.request = page, request
        self.keeps = bool(page.pk and page.live and not getattr(request, "is_preview", False))
        self.found = pagecache.kept_pieces([self.key(name) for name in NAMES]) if self.keeps else {}
        self._reading = None

    def key(self, name):
        published = self.page.last_published_at.timestamp() if self.page.last_published_at else ""
        return f"article:{self.page.pk}:{self.page.live_revision_id}:{published}:{name}"

    def reading(self):
        """What the pieces show, read from the database once, when a piece must be rendered."""
        if self._reading is None:
            self._reading = self.page.reading(self.request)
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
