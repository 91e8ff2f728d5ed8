"""Old WordPress addresses -> their new pages, through Wagtail's redirects.

Each post keeps its permalink, its `?p=ID` (and a page's `?page_id=ID`) and its guid when that
is an address on the old site; categories, tags and authors keep their archives
(`/category/<slug>/`, `/tag/<slug>/`, `/author/<login>/`); attachments keep their upload
address. Links from elsewhere and search rankings survive the move.
"""

from urllib.parse import quote, urlsplit

from wagtail.contrib.redirects.models import Redirect

OLD_PATH_MAX = Redirect._meta.get_field("old_path").max_length


class Redirects:
    def __init__(self, run, site_url, wagtail_site, hosts):
        self.run = run
        self.site = wagtail_site
        self.hosts = hosts
        # A blog in a folder (https://example.org/blog) had all its addresses under that folder.
        self.base = urlsplit(site_url).path.rstrip("/") if "://" in site_url else ""

    def path_of(self, url):
        """The path and query of an address on the old site; '' for other sites."""
        url = (url or "").strip()
        if not url:
            return ""
        parts = urlsplit(url)
        if parts.netloc and parts.netloc.lower() not in self.hosts:
            return ""
        return f"{parts.path}?{parts.query}" if parts.query else parts.path

    def post_paths(self, post):
        paths = [self.path_of(post.link), self.path_of(post.guid), f"{self.base}/?p={post.id}"]
        if post.type == "page":
            paths.append(f"{self.base}/?page_id={post.id}")
        if post.type == "attachment":
            paths += [f"{self.base}/?attachment_id={post.id}", self.path_of(post.attachment_url)]
        return paths

    def term_paths(self, taxonomy, slugs):
        """A category's or tag's archive; a subcategory's both flat and under its parents."""
        if not slugs[-1]:
            return []
        paths = [f"{self.base}/{taxonomy}/{quote(slugs[-1])}/"]
        if len(slugs) > 1:
            paths.append(f"{self.base}/{taxonomy}/{'/'.join(quote(slug) for slug in slugs)}/")
        return paths

    def point(self, paths, page=None, url=None):
        """Make each old path lead to the page (or URL); counted as created, updated or skipped."""
        own = Redirect.normalise_path(self.run.site_path(page)) if page else None
        wanted = []
        for path in paths:
            if not path:
                continue
            normalised = Redirect.normalise_path(path)
            if normalised in ("/", own) or len(normalised) > OLD_PATH_MAX or normalised in wanted:
                continue
            wanted.append(normalised)
        if not wanted:
            return
        existing = {
            redirect.old_path: redirect
            for redirect in Redirect.objects.filter(site=self.site, old_path__in=wanted)
        }
        new = []
        for old_path in wanted:
            redirect = existing.get(old_path)
            if redirect is None:
                new.append(
                    Redirect(
                        old_path=old_path,
                        site=self.site,
                        redirect_page=page,
                        redirect_link=url or "",
                        is_permanent=True,
                    )
                )
                self.run.report.count("redirect", "created")
            elif redirect.redirect_page_id == (page.pk if page else None) and (
                redirect.redirect_link == (url or "")
            ):
                self.run.report.count("redirect", "skipped")
            else:
                redirect.redirect_page, redirect.redirect_link = page, url or ""
                redirect.save(update_fields=["redirect_page", "redirect_link"])
                self.run.report.count("redirect", "updated")
        Redirect.objects.bulk_create(new)
