"""Read a WordPress export (WXR 1.0 to 1.2) one entry at a time.

Exports run to hundreds of megabytes, so the file is never held whole: each author, term and
item is read, handed over and cleared before the next. The XML is parsed with document types,
entity declarations and external references refused: a WordPress export never needs them, and
they are how XML bombs and file-stealing entities work.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, iterparse

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")

# Each WXR version has its own namespace (and an excerpt namespace beside it).
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/(excerpt/)?$")
OTHER_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class ExportError(Exception):
    """The file cannot be imported. The message says why, in words an operator can act on."""


@dataclass
class Header:
    """What the channel says about the site, before its entries."""

    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    namespace_version: str = ""

    @property
    def site(self):
        """The key every imported thing is recorded under: the blog's own address."""
        return (self.base_blog_url or self.base_site_url or self.link).strip().rstrip("/")

    @property
    def version(self):
        return self.wxr_version or self.namespace_version


@dataclass(slots=True)
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(slots=True)
class Term:
    taxonomy: str  # "category", "post_tag", or a custom taxonomy
    slug: str
    name: str
    parent: str = ""
    description: str = ""


@dataclass(slots=True)
class Comment:
    id: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: datetime | None = None
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: str = "0"


@dataclass(slots=True)
class Post:
    """An <item>: a post, page, attachment or anything else WordPress stores as a post."""

    id: str
    type: str = "post"
    title: str = ""
    link: str = ""
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    slug: str = ""
    status: str = "publish"
    parent: str = "0"
    date: datetime | None = None
    modified: datetime | None = None
    creator: str = ""
    sticky: bool = False
    password: str = ""
    comments_open: bool = True
    terms: list = field(default_factory=list)  # (taxonomy, slug, name)
    meta: dict = field(default_factory=dict)
    attachment_url: str = ""
    comments: list = field(default_factory=list)


@dataclass
class Summary:
    """What a first reading of the whole file found: it is well-formed, and holds this much."""

    header: Header
    counts: Counter

    @property
    def entries(self):
        return self.counts["author"] + self.counts["term"] + self.counts["item"]


@lru_cache(maxsize=512)
def tag_name(tag):
    """`{http://wordpress.org/export/1.1/}post_id` -> `wp:post_id`, whatever the WXR version."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    version = WP_NAMESPACE.match(uri)
    if version:
        prefix = "excerpt" if version.group(2) else "wp"
    else:
        prefix = OTHER_NAMESPACES.get(uri, uri)
    return f"{prefix}:{local}"


def parse_date(value):
    """A WXR date ('2011-01-18 07:40:14', UTC for the *_gmt fields), or None when unset."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _text(elem):
    return (elem.text or "").strip()


def _fields(elem):
    return {tag_name(child.tag): _text(child) for child in elem}


def read_author(elem):
    values = _fields(elem)
    return Author(
        login=values.get("wp:author_login", ""),
        email=values.get("wp:author_email", ""),
        display_name=values.get("wp:author_display_name", ""),
        first_name=values.get("wp:author_first_name", ""),
        last_name=values.get("wp:author_last_name", ""),
    )


def read_term(elem, name):
    values = _fields(elem)
    if name == "wp:category":
        return Term(
            taxonomy="category",
            slug=values.get("wp:category_nicename", ""),
            name=values.get("wp:cat_name", ""),
            parent=values.get("wp:category_parent", ""),
            description=values.get("wp:category_description", ""),
        )
    if name == "wp:tag":
        return Term(
            taxonomy="post_tag",
            slug=values.get("wp:tag_slug", ""),
            name=values.get("wp:tag_name", ""),
            description=values.get("wp:tag_description", ""),
        )
    return Term(
        taxonomy=values.get("wp:term_taxonomy", ""),
        slug=values.get("wp:term_slug", ""),
        name=values.get("wp:term_name", ""),
        parent=values.get("wp:term_parent", ""),
        description=values.get("wp:term_description", ""),
    )


def read_comment(elem):
    values = _fields(elem)
    return Comment(
        id=values.get("wp:comment_id", ""),
        author=values.get("wp:comment_author", ""),
        email=values.get("wp:comment_author_email", ""),
        url=values.get("wp:comment_author_url", ""),
        ip=values.get("wp:comment_author_IP", ""),
        date=parse_date(values.get("wp:comment_date_gmt"))
        or parse_date(values.get("wp:comment_date")),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "1"),
        type=values.get("wp:comment_type", ""),
        parent=values.get("wp:comment_parent", "0") or "0",
    )


def read_post(elem):
    post = Post(id="")
    values = {}
    for child in elem:
        name = tag_name(child.tag)
        if name == "category":
            # WXR 1.0 repeats each term without a domain; the copy with a nicename is enough.
            domain, slug = child.get("domain", ""), child.get("nicename", "")
            if domain and slug:
                post.terms.append((domain, slug, _text(child)))
        elif name == "wp:postmeta":
            meta = _fields(child)
            post.meta.setdefault(meta.get("wp:meta_key", ""), meta.get("wp:meta_value", ""))
        elif name == "wp:comment":
            post.comments.append(read_comment(child))
        else:
            values[name] = _text(child)
    post.id = values.get("wp:post_id", "")
    post.type = values.get("wp:post_type", "post") or "post"
    post.title = values.get("title", "")
    post.link = values.get("link", "")
    post.guid = values.get("guid", "")
    post.content = values.get("content:encoded", "")
    post.excerpt = values.get("excerpt:encoded", "")
    post.slug = values.get("wp:post_name", "")
    post.status = values.get("wp:status", "publish") or "publish"
    post.parent = values.get("wp:post_parent", "0") or "0"
    post.date = parse_date(values.get("wp:post_date_gmt")) or parse_date(values.get("wp:post_date"))
    post.modified = parse_date(values.get("wp:post_modified_gmt"))
    post.creator = values.get("dc:creator", "")
    post.sticky = values.get("wp:is_sticky", "0") == "1"
    post.password = values.get("wp:post_password", "")
    post.comments_open = values.get("wp:comment_status", "open") != "closed"
    post.attachment_url = values.get("wp:attachment_url", "")
    return post


HEADER_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "wxr_version",
}


def entries(path, header):
    """Yield the export's Author, Term and Post entries in file order, filling in `header`.

    Raises ExportError, naming the line, when the file is not well-formed or not allowed.
    """
    path = Path(path)
    parser = DefusedXMLParser(
        target=TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    depth = 0
    channel = None
    try:
        with path.open("rb") as source:
            for event, elem in iterparse(source, ("start-ns", "start", "end"), parser=parser):
                if event == "start-ns":
                    version = WP_NAMESPACE.match(elem[1])
                    if version and not version.group(2):
                        header.namespace_version = version.group(1)
                    continue
                if event == "start":
                    depth += 1
                    if depth == 2 and elem.tag == "channel":
                        channel = elem
                    continue
                depth -= 1
                if depth != 2 or channel is None:
                    continue
                name = tag_name(elem.tag)
                if name == "item":
                    yield read_post(elem)
                elif name == "wp:author":
                    yield read_author(elem)
                elif name in ("wp:category", "wp:tag", "wp:term"):
                    yield read_term(elem, name)
                elif name in HEADER_FIELDS:
                    setattr(header, HEADER_FIELDS[name], _text(elem))
                # Done with it: drop it from the tree so memory stays flat.
                channel.clear()
    except OSError as error:
        raise ExportError(f"Cannot read {path}: {error.strerror or error}.") from None
    except ParseError as error:
        line, column = error.position
        # expat says "not well-formed (invalid token)"; the message already says the first part.
        reason = str(error).split(":")[0].removeprefix("not well-formed ").strip("()")
        raise ExportError(
            f"{path.name} is not well-formed XML ({reason}) at line {line}, column {column}. "
            "It may be truncated or damaged: export it again from WordPress."
        ) from None
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as error:
        what = {
            DTDForbidden: "a document type declaration (DTD)",
            EntitiesForbidden: "an entity declaration",
            ExternalReferenceForbidden: "a reference to an external file",
        }[type(error)]
        line = parser.parser.CurrentLineNumber
        raise ExportError(
            f"{path.name} contains {what} at line {line}. WordPress exports never do, and such "
            "declarations are how XML attacks work, so the file was refused."
        ) from None


def scan(path):
    """Read the whole file once without importing anything: is it a WXR file we can read?

    Refusing a damaged file here, before anything is written, means a failed import never
    leaves half a site behind.
    """
    header = Header()
    counts = Counter()
    for entry in entries(path, header):
        if isinstance(entry, Post):
            counts["item"] += 1
            counts[f"type:{entry.type}"] += 1
            counts["comment"] += len(entry.comments)
        elif isinstance(entry, Author):
            counts["author"] += 1
        else:
            counts["term"] += 1
    if not header.version:
        raise ExportError(
            f"{Path(path).name} does not look like a WordPress export: it has neither a "
            "<wp:wxr_version> nor the WordPress export namespace."
        )
    if header.version not in SUPPORTED_VERSIONS:
        raise ExportError(
            f"{Path(path).name} is WXR version {header.version}; this importer reads WXR "
            f"{SUPPORTED_VERSIONS[0]} to {SUPPORTED_VERSIONS[-1]}."
        )
    return Summary(header=header, counts=counts)
