"""WordPress posts -> ArticlePages in a section; WordPress pages -> StandardPages.

Status follows WordPress: `publish` is live; `draft`, `pending` and `private` are drafts (private
ones reported); `future` is scheduled through Wagtail (go_live_at, run by publish_scheduled);
`trash` is skipped and reported. A password-protected post keeps its password as a Wagtail
view restriction, so what was protected stays protected.
"""

import re
import uuid
from urllib.parse import unquote

from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, PageViewRestriction, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published, page_unpublished

from news.models import ArticlePage, ArticlePageAuthor, ArticleTag, StandardPage, Topic

from .content import BodyBuilder, clean_text, first_sentences, html_to_text
from .records import Kind, digest

STANDFIRST_MAX = ArticlePage._meta.get_field("standfirst").max_length
# Addresses the portal answers itself at the site root: a page there would be unreachable.
RESERVED_SLUGS = frozenset(
    "admin documents search feed archive authors topics regions tags static media "
    "sitemap-xml robots-txt".split()
)
BLOCK_IDS = uuid.UUID("0b7c4f52-5f0e-4b8e-9a51-7d1f1bdf3c10")
DRAFT_STATUSES = {"draft", "pending", "private"}


class PostContent:
    """What content conversion asks about one post: its pictures, its links, its warnings."""

    def __init__(self, run, post):
        self.run = run
        self.post = post
        self.notes = []

    def picture(self, wp_id, url):
        return self.run.media.picture(wp_id, url)

    def attached_pictures(self):
        return self.run.media.attached_pictures(self.post.id)

    def link(self, href):
        return self.run.media.link(href)

    def note(self, message):
        if message not in self.notes:
            self.notes.append(message)


def stream_data(blocks, key):
    """Raw StreamField data with ids derived from the post, so an unchanged post stays unchanged."""

    def block_id(*parts):
        return str(uuid.uuid5(BLOCK_IDS, ":".join(map(str, (key, *parts)))))

    data = []
    for index, (block_type, value) in enumerate(blocks):
        if block_type == "list":
            items = value["items"]
            value = {
                **value,
                "items": [
                    {"type": "item", "value": item, "id": block_id(index, n)}
                    for n, item in enumerate(items)
                ],
            }
        data.append({"type": block_type, "value": value, "id": block_id(index)})
    return data


def body_text(blocks):
    """The body's words, for a standfirst when the post has no excerpt."""
    parts = []
    for block_type, value in blocks:
        if block_type == "paragraph":
            parts.append(html_to_text(value))
        elif block_type == "quote":
            parts.append(value["quote"])
        if sum(len(part) for part in parts) > 2 * STANDFIRST_MAX:
            break
    return " ".join(parts)


class Pages:
    def __init__(self, run):
        self.run = run

    # Entry point

    def import_post(self, post):
        kind = Kind.POST if post.type == "post" else Kind.PAGE
        report = self.run.report
        title = self.title(post)
        if post.status == "trash":
            report.count(kind, "skipped")
            report.note(kind, post.id, title, "in the WordPress trash: skipped")
            return
        if post.status in ("auto-draft", "inherit"):
            report.count(kind, "skipped")
            return
        content = PostContent(self.run, post)
        blocks = BodyBuilder(content).build(post.content)
        data = self.desired(post, kind, title, blocks)
        parent = self.parent_for(post, kind)
        if kind == Kind.POST:
            data["parent"] = parent.pk
        records = self.run.records
        model = ArticlePage if kind == Kind.POST else StandardPage
        record = records.get(kind, post.id)
        page = records.target(record, model.objects)
        if page is not None and record.digest == digest(data):
            report.count(kind, "skipped")
        else:
            outcome = "created" if page is None else "updated"
            page = self.write(page, model, parent, data)
            records.save(record, kind, post.id, page, digest(data), wp_parent=post.parent)
            report.count(kind, outcome)
        self.run.redirects.point(self.run.redirects.post_paths(post), page=page)
        self.run.comments.import_comments(post, page)
        self.report_notes(post, kind, title, content)

    def report_notes(self, post, kind, title, content):
        report = self.run.report
        if post.status == "private":
            report.note(kind, post.id, title, "private in WordPress: imported as a draft")
        elif post.status not in DRAFT_STATUSES | {"publish", "future"}:
            report.note(kind, post.id, title, f"status '{post.status}': imported as a draft")
        if post.sticky:
            report.note(kind, post.id, title, "sticky in WordPress: make it the home page's lead")
        if post.password:
            report.note(kind, post.id, title, "password-protected: kept behind the same password")
        for message in content.notes:
            report.note(kind, post.id, title, message)

    # What the page should be

    @staticmethod
    def title(post):
        title = html_to_text(post.title)
        return (title or f"Untitled {post.type} {post.id}")[:255]

    def desired(self, post, kind, title, blocks):
        now = timezone.now()
        scheduled = post.status == "future" and post.date is not None and post.date > now
        live = post.status == "publish" or (post.status == "future" and not scheduled)
        dated = live or scheduled or post.status == "private"
        data = {
            "title": title,
            "slug": self.base_slug(post, title, kind),
            "body": stream_data(blocks, f"{self.run.records.site}:{post.id}"),
            "live": live,
            "go_live_at": post.date if scheduled else None,
            "first_published_at": post.date if dated else None,
            "last_published_at": (post.modified or post.date) if live else None,
            "password": post.password,
            "search_description": html_to_text(post.excerpt)[:255],
        }
        if kind == Kind.PAGE:
            # Articles take comments here whatever WordPress said; a page only if it did.
            data["comments_open"] = post.comments_open
        if kind == Kind.POST:
            taxonomy = self.run.taxonomy
            author = taxonomy.author(post.creator)
            data.update(
                standfirst=self.standfirst(post, title, blocks),
                authors=[author] if author else [],
                topics=sorted(
                    {
                        taxonomy.topic(slug, name)
                        for domain, slug, name in post.terms
                        if domain == "category"
                    }
                    - {None}
                ),
                tags=sorted(
                    {
                        taxonomy.tag(slug, name)
                        for domain, slug, name in post.terms
                        if domain in ("post_tag", "tag")
                    }
                    - {None}
                ),
                lead_image=self.run.media.picture(post.meta.get("_thumbnail_id") or None, None),
            )
        return data

    @staticmethod
    def base_slug(post, title, kind):
        slug = slugify(unquote(post.slug)) or slugify(title) or f"{kind}-{post.id}"
        return slug[:100].strip("-") or f"{kind}-{post.id}"

    @staticmethod
    def standfirst(post, title, blocks):
        """The excerpt; else the opening of the text (a standfirst is required); else the title."""
        text = html_to_text(post.excerpt) or first_sentences(body_text(blocks)) or title
        text = clean_text(text)
        if len(text) > STANDFIRST_MAX:
            text = text[: STANDFIRST_MAX - 1].rsplit(" ", 1)[0] + "…"
        return text

    def parent_for(self, post, kind):
        if kind == Kind.POST:
            return self.run.section_for(post)
        # A child page may come before its parent in the file; fix_page_parents() moves it later.
        record = self.run.records.get(Kind.PAGE, post.parent) if post.parent != "0" else None
        parent = self.run.records.target(record, StandardPage.objects)
        return parent or self.run.home

    # Writing

    def write(self, page, model, parent, data):
        # Each child row (author, tag) would re-index the page's references; do it once instead.
        with disable_reference_index_auto_update():
            page, was_live = self.save(page, model, parent, data)
        if self.run.dry_run:
            return page
        ReferenceIndex.create_or_update_for_object(page)
        self.run.search_index.add(page)
        if page.live:
            # As an editor's "Publish" would, so that cached pages follow.
            page_published.send(sender=model, instance=page, revision=None)
        elif was_live:
            page_unpublished.send(sender=model, instance=page)
        return page

    def save(self, page, model, parent, data):
        was_live = page is not None and page.live
        if page is None:
            page = model()
            self.apply(page, data)
            page.slug = self.free_slug(parent, data["slug"], page)
            Page.objects.get(pk=parent.pk).add_child(instance=page)
        else:
            if "parent" in data and page.get_parent().pk != parent.pk:
                page.move(Page.objects.get(pk=parent.pk), pos="last-child")
                page = model.objects.get(pk=page.pk)
            self.apply(page, data)
            if not re.fullmatch(rf"{re.escape(data['slug'])}(-\d+)?", page.slug):
                page.slug = self.free_slug(page.get_parent(), data["slug"], page)
            page.save()
        if data["go_live_at"]:
            revision = page.save_revision(clean=False)
            revision.publish(log_action=False, skip_permission_checks=True)
        self.protect(page, data["password"])
        return page, was_live

    @staticmethod
    def apply(page, data):
        page.title = page.draft_title = data["title"]
        page.body = data["body"]
        page.live = data["live"]
        page.has_unpublished_changes = not data["live"]
        page.go_live_at = data["go_live_at"]
        page.first_published_at = data["first_published_at"]
        page.last_published_at = data["last_published_at"]
        page.search_description = data["search_description"]
        if isinstance(page, StandardPage):
            page.comments_open = data["comments_open"]
        if isinstance(page, ArticlePage):
            page.standfirst = data["standfirst"]
            page.lead_image_id = data["lead_image"]
            page.article_authors = [
                ArticlePageAuthor(author_id=author, sort_order=order)
                for order, author in enumerate(data["authors"])
            ]
            page.topics = list(Topic.objects.filter(pk__in=data["topics"]))
            page.tagged_items = [ArticleTag(tag_id=tag) for tag in data["tags"]]

    def free_slug(self, parent, base, page):
        siblings = Page.objects.child_of(parent)
        if page.pk:
            siblings = siblings.exclude(pk=page.pk)
        at_root = parent.pk == self.run.home.pk
        candidate, number = base, 1
        while (at_root and (candidate in RESERVED_SLUGS or re.fullmatch(r"\d{4}", candidate))) or (
            siblings.filter(slug=candidate).exists()
        ):
            number += 1
            candidate = f"{base}-{number}"
        return candidate

    @staticmethod
    def protect(page, password):
        restriction = PageViewRestriction.objects.filter(
            page=page, restriction_type=PageViewRestriction.PASSWORD
        ).first()
        if password and restriction is None:
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.PASSWORD, password=password
            )
        elif password and restriction.password != password:
            restriction.password = password
            restriction.save(update_fields=["password"])

    def fix_page_parents(self):
        """Put each page under its WordPress parent, now that every page exists."""
        records = self.run.records
        children = (
            records.for_kind(Kind.PAGE)
            .exclude(wp_parent__in=("", "0"))
            .values_list("object_id", "wp_parent")
        )
        for page_id, wp_parent in children.iterator():
            parent = records.target(records.get(Kind.PAGE, wp_parent), StandardPage.objects)
            page = StandardPage.objects.filter(pk=page_id).first()
            if parent is None or page is None or page.get_parent().pk == parent.pk:
                continue
            if parent.is_descendant_of(page):
                continue
            page.slug = self.free_slug(parent, page.slug, page)
            page.save(clean=False)
            page.move(parent, pos="last-child")
