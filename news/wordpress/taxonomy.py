"""WordPress authors, categories and tags -> the portal's authors, topics and tags."""

from urllib.parse import unquote

from django.utils.text import slugify
from taggit.models import Tag

from news.models import Author, Topic

from .content import html_to_text
from .parse import Author as WordPressAuthor
from .records import Kind, RecentIds, digest


def term_slug(wp_slug, name, fallback):
    """An ASCII slug: WordPress slugs may be percent-encoded or in any script."""
    return (slugify(unquote(wp_slug)) or slugify(name) or fallback)[:100]


def unique_slug(model, base, max_length=255):
    candidate, number = base, 1
    while model._default_manager.filter(slug=candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


class Taxonomy:
    def __init__(self, run):
        self.run = run
        self.authors = RecentIds()
        self.topics = RecentIds()
        self.tags = RecentIds()
        # Category slug -> its parent's, to give subcategories their nested archive address.
        self.category_parents = RecentIds()

    def forget(self):
        """After a failed item: what it created was rolled back, so forget it too."""
        self.authors.clear()
        self.topics.clear()
        self.tags.clear()

    # Authors

    def import_author(self, author):
        login = author.login.strip()
        if not login:
            self.run.report.count("author", "skipped")
            self.run.report.note("author", "", "", "an author without a login was skipped")
            return None
        full_name = f"{author.first_name} {author.last_name}"
        name = (html_to_text(author.display_name) or html_to_text(full_name) or login)[:255]
        data = {"name": name}
        records = self.run.records
        record = records.get(Kind.AUTHOR, login)
        found = records.target(record)
        if found is not None and record.digest == digest(data):
            outcome = "skipped"
        elif found is not None:
            found.name = name
            found.save(update_fields=["name"])
            outcome = "updated"
        else:
            found = Author.objects.filter(name=name).first()
            if found is not None:
                outcome = "skipped"
                self.run.report.note("author", login, name, "linked to the existing author")
            else:
                base = slugify(login) or slugify(name) or "author"
                found = Author.objects.create(name=name, slug=unique_slug(Author, base[:240]))
                outcome = "created"
        if outcome != "skipped" or record is None:
            records.save(record, Kind.AUTHOR, login, found, digest(data))
        self.run.report.count("author", outcome)
        self.run.redirects.point(
            self.run.redirects.term_paths("author", [slugify(login)]),
            url=found.get_absolute_url(),
        )
        self.authors[login] = found.pk
        return found.pk

    def category_path(self, wp_slug):
        """['parent', 'child'] for a subcategory, as far up as its parents are known."""
        path = [wp_slug]
        while path[0] in self.category_parents and len(path) < 10:
            path.insert(0, self.category_parents[path[0]])
        return path

    def author(self, login):
        """The author of a post by login; WXR 1.0 lists no authors, so make one if needed."""
        login = login.strip()
        if not login:
            return None
        if login in self.authors:
            return self.authors[login]
        record = self.run.records.get(Kind.AUTHOR, login)
        if record is not None and self.run.records.target(record) is not None:
            self.authors[login] = record.object_id
            return record.object_id
        return self.import_author(WordPressAuthor(login=login))

    # Terms

    def import_term(self, term):
        if term.taxonomy == "category":
            if term.parent:
                self.category_parents[term.slug] = term.parent
            self.topic(term.slug, term.name, term.description, declared=True)
        elif term.taxonomy in ("post_tag", "tag"):
            self.tag(term.slug, term.name, declared=True)
        else:
            self.run.report.count("other", "skipped")
            self.run.skipped_taxonomies[term.taxonomy or "(none)"] += 1

    def topic(self, wp_slug, name, description="", declared=False):
        """The topic for a WordPress category, made the first time it is met.

        Counted in the report when the export declares it, or when a post brings a new one.
        """
        if not wp_slug:
            return None
        if wp_slug in self.topics and not declared:
            return self.topics[wp_slug]
        name = (html_to_text(name) or wp_slug)[:255]
        data = {"name": name, "description": html_to_text(description)}
        records = self.run.records
        record = records.get(Kind.CATEGORY, wp_slug)
        topic = records.target(record)
        outcome = "skipped"
        if topic is None:
            slug = term_slug(wp_slug, name, f"topic-{digest(wp_slug)[:8]}")
            topic = Topic.objects.filter(slug=slug).first()
            if topic is None:
                topic = Topic.objects.create(slug=slug, **data)
                outcome = "created"
            records.save(record, Kind.CATEGORY, wp_slug, topic, digest(data))
        elif declared and record.digest != digest(data):
            topic.name, topic.description = data["name"], data["description"]
            topic.save(update_fields=["name", "description"])
            records.save(record, Kind.CATEGORY, wp_slug, topic, digest(data))
            outcome = "updated"
        if declared or outcome == "created":
            self.run.report.count("category", outcome)
            self.run.redirects.point(
                self.run.redirects.term_paths("category", self.category_path(wp_slug)),
                url=topic.get_absolute_url(),
            )
        self.topics[wp_slug] = topic.pk
        return topic.pk

    def tag(self, wp_slug, name, declared=False):
        """The tag for a WordPress tag; tags with the same name (in any case) are one tag."""
        if not wp_slug:
            return None
        if wp_slug in self.tags and not declared:
            return self.tags[wp_slug]
        name = (html_to_text(name) or wp_slug)[:100]
        records = self.run.records
        record = records.get(Kind.TAG, wp_slug)
        tag = records.target(record)
        outcome = "skipped"
        if tag is None:
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                slug = term_slug(wp_slug, name, f"tag-{digest(wp_slug)[:8]}")
                tag = Tag.objects.create(name=name, slug=unique_slug(Tag, slug, 100))
                outcome = "created"
            records.save(record, Kind.TAG, wp_slug, tag, digest({"name": name}))
        if declared or outcome == "created":
            self.run.report.count("tag", outcome)
            self.run.redirects.point(
                self.run.redirects.term_paths("tag", [wp_slug]), url=f"/tags/{tag.slug}/"
            )
        self.tags[wp_slug] = tag.pk
        return tag.pk
