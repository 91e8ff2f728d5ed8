"""What each editorial event makes stale, in the page cache and in the front cache.

The page cache (`pagecache.py`) is purged by tag; the front cache (nginx, a CDN) through
`wagtail.contrib.frontend_cache`, by URL, once the change is committed. Wagtail's own handlers
already purge a published or unpublished page's URLs from the front cache; these add the pages
that list it (home, its section and the section's feeds, the site feeds, its archive months,
the sitemap) and cover moves and deletions. Older pages of a paginated listing and the related
lists on other articles leave the front cache after `FRONT_CACHE_SECONDS`; the page cache
purges them at once.
"""

import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal import pagecache

logger = logging.getLogger(__name__)
BOOKKEEPING_FIELDS = {"file_size", "file_hash"}
PURGE_TIMEOUT = 5


class NginxPurgeBackend(HTTPBackend):
    """Wagtail's HTTP purge for nginx's cache_purge module (deploy/nginx/purge.conf).

    nginx answers 404 for an address it was not keeping, which is most of what a publish
    purges: that is not an error. Anything else is logged; a purge never fails the publish.
    """

    def purge(self, url):
        parts = urlsplit(url)
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""]),
            headers={"Host": parts.netloc, "User-Agent": "portal-purge"},
        )
        try:
            urlopen(request, timeout=PURGE_TIMEOUT)  # noqa: S310 - the operator's own nginx
        except HTTPError as error:
            if error.code != 404:
                logger.error("nginx did not purge %s: HTTP %s", url, error.code)
        except (URLError, OSError) as error:
            logger.error("nginx could not be reached to purge %s: %s", url, error)


def page_tags(page):
    """The page's own tags: a page type says more with `page_cache_tags()`."""
    specific = page.specific_deferred
    if hasattr(specific, "page_cache_tags"):
        return specific.page_cache_tags()
    return {f"page:{page.pk}", pagecache.SITE}


def listing_urls(page):
    """Full URLs of the pages that list `page`, for the front cache."""
    site = page.get_site()
    if site is None:
        return []
    root = site.root_url.rstrip("/")
    paths = ["/", reverse("sitemap"), reverse("news:feed"), reverse("news:feed_atom")]
    published = page.first_published_at
    if published is not None:
        year, month = f"{published:%Y}", f"{published:%m}"
        paths += [
            reverse("news:archive_index"),
            reverse("news:archive_year", kwargs={"year": year}),
            reverse("news:archive_month", kwargs={"year": year, "month": month}),
        ]
    urls = [root + path for path in paths]
    parent = page.get_parent()
    if parent is not None and not parent.is_root():
        parent_url = parent.get_full_url()
        if parent_url:
            urls += [parent_url + path.lstrip("/") for path in parent.specific.get_cached_paths()]
    return urls


def purge_front_cache(urls):
    """Once committed: the front cache must not fetch the old page again from us."""
    urls = list(urls)
    if urls:
        transaction.on_commit(lambda: PurgeBatch(urls).purge())


def purge_front_cache_pages(pages):
    batch = PurgeBatch()
    batch.add_pages(pages)
    purge_front_cache(batch.urls)


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs):
    pagecache.purge(*page_tags(instance))
    purge_front_cache(listing_urls(instance))


@receiver(post_page_move)
def page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    """Its address, its breadcrumbs and every listing change: purge the lot."""
    pagecache.purge(pagecache.SITE)
    if instance.live:
        purge_front_cache_pages([instance])
        purge_front_cache(listing_urls(instance))


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and type(instance) is Page:  # once per page, not per subclass
        pagecache.purge(pagecache.SITE)
        if instance.live:
            purge_front_cache(listing_urls(instance))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def access_changed(sender, instance, **kwargs):
    """A password or login put on a page (or taken off) hides it, and everything beneath it,
    from every listing and every stored copy, at once."""
    pagecache.purge(pagecache.SITE)
    page = instance.page
    purge_front_cache_pages(page.get_descendants(inclusive=True).live().specific())
    purge_front_cache(listing_urls(page))


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
@receiver(post_save, sender="news.Author")
@receiver(post_delete, sender="news.Author")
@receiver(post_save, sender="news.Topic")
@receiver(post_delete, sender="news.Topic")
@receiver(post_save, sender="news.Region")
@receiver(post_delete, sender="news.Region")
@receiver(post_save, sender="news.CommentSettings")
@receiver(post_save, sender="news.Picture")
@receiver(post_delete, sender="news.Picture")
def site_changed(created=False, update_fields=None, **kwargs):
    """Names, pictures and settings shown across the site: rare edits, so everything goes. A row
    just made (a site's settings on their first read, a new author or upload) is not on any page
    yet, and Wagtail noting a picture's size or hash on first use changes nothing shown."""
    if created or (update_fields and set(update_fields) <= BOOKKEEPING_FIELDS):
        return
    pagecache.purge(pagecache.SITE)
