"""A published page's body, rendered once per revision and kept in the shared cache.

Rendering a StreamField body (rich text link expansion, picture lookups and their renditions,
a template per block) is most of an uncached article's time, and its output changes only when
the page is published again or a picture it shows changes. The key holds the page, its revision
and publication time (a publish misses at once) and the pictures' generation; the entries are
the same for every reader, so any process sharing the cache may serve them.

Blocks that show live figures (the appeal box's campaign progress) are rendered on every view.
A preview is never cached: it shows the editor's unsaved form, under the saved revision's key.
A link in the body to a page that has since moved keeps its old address until the page is
published again or the entry expires; Wagtail redirects the old address meanwhile.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from news.models.images import Picture
from portal import pagetree

# Blocks whose output changes without a publish: rendered afresh each time.
LIVE_BLOCKS = frozenset({"appeal_box"})
PICTURES_GENERATION_KEY = "bodycache:pictures"
# Entries are recreated cheaply; a day bounds what a missed change (a moved link) can cost.
TIMEOUT = 24 * 60 * 60
MISSING = object()


@receiver(post_save, sender=Picture)
@receiver(post_delete, sender=Picture)
def pictures_changed(**kwargs):
    """A new focal point, file or credit changes every body that shows the picture."""
    pagetree.new_generation(PICTURES_GENERATION_KEY)


pagetree.watch(PICTURES_GENERATION_KEY)


def pictures_generation():
    return pagetree.generation(PICTURES_GENERATION_KEY)


def body_key(page):
    published = page.last_published_at.timestamp() if page.last_published_at else ""
    return ":".join(
        map(
            str,
            [
                "body",
                page.pk,
                page.latest_revision_id or "",
                published,
                pictures_generation(),
            ],
        )
    )


def cacheable(page, context):
    """Whether this is a published page's own body, rendered for a reader (not a preview)."""
    request = (context or {}).get("request")
    return bool(
        page is not None and page.pk and page.live and not getattr(request, "is_preview", False)
    )


def cached_parts(page):
    """The page's rendered blocks from the cache (None for a live block), or None on a miss.

    Read once per page view: the page's picture loading asks first, to skip the body's pictures.
    """
    parts = page.__dict__.get("_cached_body_parts", MISSING)
    if parts is MISSING:
        parts = pagetree.read(body_key(page), lifetime=TIMEOUT)
        page.__dict__["_cached_body_parts"] = parts
    return parts


def store_parts(page, parts):
    pagetree.keep(body_key(page), parts, TIMEOUT)
    page.__dict__["_cached_body_parts"] = parts
