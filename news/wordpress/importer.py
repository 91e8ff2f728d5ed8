"""One run of the WordPress import.

The file is read three times, never held whole: once to check it is a readable WXR file (so a
damaged file is refused before anything is written), once for authors, terms and attachments,
and once for posts and pages with their comments, which can then find every picture they show.
Each entry is written atomically (its own savepoint): an entry that fails leaves nothing
half-written, is reported, and the import goes on. Entries are committed a batch at a time, so
that a big export does not wait on the disk once per entry; a run that is stopped loses at most
the open batch, which the next run redoes. A dry run does the same inside a transaction it rolls
back, with files saved to a temporary folder.
"""

import logging
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models.signals import post_save
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler
from wagtail.signals import page_published

from news.models import ArticlePage, HomePage, SectionPage, StandardPage
from news.search import index_with_relations

from .comments import Comments
from .media import MediaLibrary, scratch_storage
from .pages import Pages
from .parse import Author, ExportError, Header, Post, entries, scan
from .records import Records
from .redirects import Redirects
from .report import Report
from .taxonomy import Taxonomy

logger = logging.getLogger(__name__)


class SearchIndexing:
    """Imported pages are indexed a batch at a time, not one by one as each is saved.

    Saving a page indexes it, and publishing it indexes it again with its topics and tags
    (news/search.py): two index writes per page, each reading its relations and re-weighing
    the whole index. While the import runs, both wait, and each batch is indexed in one go,
    its relations read together.
    """

    PAGE_MODELS = (ArticlePage, StandardPage)
    RELATIONS = {ArticlePage: ["article_authors__author", "topics", "regions", "tags"]}

    def __init__(self):
        self.pending = defaultdict(set)

    def add(self, page):
        self.pending[type(page)].add(page.pk)

    def flush(self):
        for model, ids in self.pending.items():
            pages = model.get_indexed_objects().filter(pk__in=ids)
            pages = list(pages.prefetch_related(*self.RELATIONS.get(model, [])))
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, pages)
        self.pending.clear()

    @contextmanager
    def deferred(self):
        saved = [
            m for m in self.PAGE_MODELS if post_save.disconnect(post_save_signal_handler, sender=m)
        ]
        published = page_published.disconnect(index_with_relations)
        try:
            yield
        finally:
            for model in saved:
                post_save.connect(post_save_signal_handler, sender=model)
            if published:
                page_published.connect(index_with_relations)


class Batches:
    """An open transaction, committed every so many entries or seconds."""

    ENTRIES = 200
    SECONDS = 2.0

    def __init__(self, before_commit):
        self.before_commit = before_commit

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exception):
        if exception[0] is None:
            self.before_commit()
        return self.block.__exit__(*exception)

    def open(self):
        self.block = transaction.atomic()
        self.block.__enter__()
        self.entries = 0
        self.opened_at = time.monotonic()

    def entry_done(self):
        self.entries += 1
        if self.entries >= self.ENTRIES or time.monotonic() - self.opened_at > self.SECONDS:
            self.before_commit()
            self.block.__exit__(None, None, None)
            self.open()


@dataclass
class Options:
    media_dir: Path | None = None
    section: str = "news"
    # WordPress category slug -> section slug: a post goes to the section of its first mapped one.
    category_sections: dict = field(default_factory=dict)
    with_pingbacks: bool = False
    dry_run: bool = False


def site_hosts(header):
    """The old site's host names, with and without www: links to them are internal links."""
    hosts = set()
    for url in (header.base_blog_url, header.base_site_url, header.link):
        host = urlsplit(url.strip()).netloc.lower()
        if host:
            hosts |= {host, host.removeprefix("www."), "www." + host.removeprefix("www.")}
    return hosts


class WordPressImport:
    def __init__(self, path, options, on_entry=None):
        self.path = Path(path)
        self.options = options
        self.on_entry = on_entry or (lambda: None)
        self.report = Report()
        self.report.dry_run = options.dry_run
        self.summary = None
        self.skipped_taxonomies = Counter()
        self.skipped_types = Counter()
        self.attachments_without_media_dir = 0
        self.search_index = SearchIndexing()

    @property
    def dry_run(self):
        return self.options.dry_run

    def check(self):
        """Read the whole file once; raises ExportError if it cannot be imported."""
        self.summary = scan(self.path)
        header = self.summary.header
        self.report.site = header.site
        self.report.version = header.version
        return self.summary

    def run(self):
        if self.summary is None:
            self.check()
        header = self.summary.header
        if not header.wxr_version:
            self.report.note(
                "other",
                "",
                "",
                f"no <wp:wxr_version> in the file: read as WXR {header.version}, "
                "the version its namespace names",
            )
        with self.sandbox(), self.search_index.deferred():
            self.prepare(header)
            self.import_authors_terms_and_media()
            self.import_posts_and_pages()
            with transaction.atomic():
                self.pages.fix_page_parents()
            self.closing_notes()
        return self.report

    @contextmanager
    def sandbox(self):
        if not self.dry_run:
            yield
            return
        with scratch_storage(), transaction.atomic():
            yield
            transaction.set_rollback(True)

    # Setting up

    def prepare(self, header):
        self.home = HomePage.objects.first()
        if self.home is None:
            # A newsroom moving in starts from a bare install, not the demo site.
            title = header.title.strip() or "Home"
            with transaction.atomic():
                self.home = HomePage.make_for_site(title)
            self.report.note("other", "", title, "home page created, titled as the export's site")
        self.wagtail_site = Site.objects.filter(root_page=self.home).first()
        self.hosts = site_hosts(header)
        self.records = Records(header.site or f"untitled:{header.title}")
        self.redirects = Redirects(self, header.site, self.wagtail_site, self.hosts)
        self.taxonomy = Taxonomy(self)
        self.media = MediaLibrary(self, self.options.media_dir)
        self.pages = Pages(self)
        self.comments = Comments(self)
        wanted = {self.options.section, *self.options.category_sections.values()}
        with transaction.atomic():
            self.sections = {slug: self.section(slug) for slug in sorted(wanted)}

    def section(self, slug):
        """The section with this slug under the home page, made (and published) if missing."""
        existing = Page.objects.child_of(self.home).filter(slug=slug).first()
        if existing is not None:
            if not isinstance(existing.specific, SectionPage):
                raise ExportError(
                    f"'/{slug}/' under the home page is not a section: choose another with "
                    "--section or --map-categories."
                )
            return existing.specific
        section = SectionPage(
            title=slug.replace("-", " ").capitalize(), slug=slug, show_in_menus=True
        )
        Page.objects.get(pk=self.home.pk).add_child(instance=section)
        self.report.note("other", "", section.title, f"section /{slug}/ created")
        if not self.dry_run:
            page_published.send(sender=SectionPage, instance=section, revision=None)
        return section

    def section_for(self, post):
        mapping = self.options.category_sections
        for domain, slug, _name in post.terms:
            if domain == "category" and slug in mapping:
                return self.sections[mapping[slug]]
        return self.sections[self.options.section]

    def site_path(self, page):
        """A page's address on this site, from its place under the home page."""
        return "/" + page.url_path[len(self.home.url_path) :]

    # The two importing passes

    def import_authors_terms_and_media(self):
        with Batches(self.before_commit) as batches:
            for entry in entries(self.path, Header()):
                if self.import_first(entry):
                    batches.entry_done()
                    self.on_entry()

    def import_first(self, entry):
        if isinstance(entry, Author):
            self.guarded("author", entry.login, entry.login, self.taxonomy.import_author, entry)
        elif isinstance(entry, Post):
            if entry.type != "attachment":
                return False
            self.guarded("attachment", entry.id, entry.title, self.media.import_attachment, entry)
        else:
            kind = {"category": "category", "post_tag": "tag"}.get(entry.taxonomy, "other")
            self.guarded(kind, entry.slug, entry.name, self.taxonomy.import_term, entry)
        return True

    def import_posts_and_pages(self):
        with Batches(self.before_commit) as batches:
            for entry in entries(self.path, Header()):
                if not isinstance(entry, Post) or entry.type == "attachment":
                    continue
                if entry.type in ("post", "page"):
                    self.guarded(entry.type, entry.id, entry.title, self.pages.import_post, entry)
                else:
                    self.report.count("other", "skipped")
                    self.skipped_types[entry.type] += 1
                batches.entry_done()
                self.on_entry()

    def before_commit(self):
        if not self.dry_run:
            self.search_index.flush()

    def guarded(self, kind, wp_id, title, handler, entry):
        """Run one entry's import atomically; a failure is reported, not fatal."""
        if isinstance(entry, Post) and not entry.id.isdigit():
            self.report.count(kind, "failed")
            self.report.note(kind, entry.id, title, "no WordPress id: cannot be imported")
            return
        checkpoint = self.report.checkpoint()
        try:
            with transaction.atomic():
                handler(entry)
        except ExportError:
            raise
        except Exception as error:  # noqa: BLE001 - any failure of one entry is reported
            logger.debug("WordPress %s %s failed", kind, wp_id, exc_info=True)
            self.report.restore(checkpoint)
            self.report.count(kind, "failed")
            self.report.note(kind, wp_id, title, f"failed: {error}")
            # Whatever it created was rolled back: forget any ids remembered meanwhile.
            self.taxonomy.forget()
            self.media.forget()

    def closing_notes(self):
        note = self.report.note
        if self.attachments_without_media_dir:
            note(
                "attachment",
                "",
                "",
                f"{self.attachments_without_media_dir} attachments not imported: give "
                "--media-dir, a copy of the site's wp-content/uploads",
            )
        for taxonomy, number in sorted(self.skipped_taxonomies.items()):
            note("other", "", taxonomy, f"{number} terms of taxonomy '{taxonomy}' not imported")
        for post_type, number in sorted(self.skipped_types.items()):
            note("other", "", post_type, f"{number} items of type '{post_type}' not imported")
        self.comments.closing_notes()
