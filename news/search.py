"""Reader search: cleaning what was typed, and showing where it matched."""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import CharField, Exists, F, Func, OuterRef, Subquery
from django.db.models.functions import Cast
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search import index
from wagtail.search.models import IndexEntry
from wagtail.signals import page_published

from news.models.pages import NEWEST_FIRST
from news.pagination import cached_count

MAX_QUERY_LENGTH = 200
EXCERPT_WORDS = 40


def clean_query(raw):
    """What we can safely search for: printable text, single-spaced, of a sane length.

    Readers paste anything: control characters and NUL bytes (which PostgreSQL refuses),
    pages of text, binary junk. None of it may turn into an error page.
    """
    printable = "".join(
        " " if unicodedata.category(char).startswith(("C", "Z")) else char for char in raw
    )
    return " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()


class Document(Func):
    """A page's title and body vectors joined: what Wagtail's PostgreSQL search matches, and
    what the news_search_document index (migration 0009) covers."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = SearchVectorField()


class PostgresMatches:
    """The articles matching every word of `text` (in any form: "docker" finds "dockers"),
    as the paginator reads them: headline matches newest first, then the others newest first.

    Each group is a walk down the newest-first index (migration 0007) that looks up each
    article's index entry by its key and stops once it has a page of matches: for a word in
    a third of the archive, about sixty articles for the first page. A rare word is found
    through the GIN indexes instead; PostgreSQL picks whichever is cheaper. Joining every
    match to its page and sorting them all, as Wagtail's search does, read and joined
    thousands of entries on a text id for each page of twenty.
    """

    def __init__(self, articles, text):
        query = SearchQuery(text, search_type="plain")
        entries = IndexEntry.objects.filter(
            content_type_id__in=get_descendants_content_types_pks(articles.model),
            object_id=Cast(OuterRef("pk"), CharField(max_length=50)),
        )
        matching = entries.alias(document=Document(F("title"), F("body"))).filter(document=query)
        self.all = articles.filter(Exists(matching)).order_by()
        self.in_headline = articles.filter(Exists(entries.filter(title=query)))
        self.elsewhere = articles.filter(Exists(matching.exclude(title=query)))

    def count(self):
        return cached_count(self.all)

    def __getitem__(self, page):
        start, stop = page.start or 0, page.stop
        first = list(_newest_first(self.in_headline)[start:stop])
        if len(first) == stop - start:
            return first
        # This page reaches past the headline matches: where they end is known from this
        # page if it holds some of them, and otherwise counted (once per publish).
        headlines = start + len(first) if first else cached_count(self.in_headline.order_by())
        rest_start = max(0, start - headlines)
        rest_stop = rest_start + (stop - start - len(first))
        return first + list(_newest_first(self.elsewhere)[rest_start:rest_stop])


def _newest_first(articles):
    return articles.order_by(*NEWEST_FIRST).values_list("pk", flat=True)


def indexed_text(articles):
    """`articles` with the text their index entry holds (standfirst, body, then bylines and
    terms: what a search matched), to draw excerpts from without reading their bodies."""
    entry = IndexEntry.objects.filter(
        content_type_id__in=get_descendants_content_types_pks(articles.model),
        object_id=Cast(OuterRef("pk"), CharField(max_length=50)),
    )
    return articles.annotate(indexed_text=Subquery(entry.values("body_text")[:1]))


def excerpt(text, query):
    """About forty words of `text` around the first matched term, with the terms marked."""
    terms = [re.escape(term) for term in query.split() if len(term) > 1]
    if not text:
        return ""
    words = text.replace("\0", "").replace("\1", "").split()
    if not terms:
        return escape(" ".join(words[:EXCERPT_WORDS]))
    pattern = re.compile("|".join(terms), re.IGNORECASE)
    first = next((i for i, word in enumerate(words) if pattern.search(word)), 0)
    start = max(0, first - EXCERPT_WORDS // 4)
    chosen = " ".join(words[start : start + EXCERPT_WORDS])
    marked = pattern.sub(lambda match: f"\0{match[0]}\1", chosen)
    html = escape(marked).replace("\0", "<mark>").replace("\1", "</mark>")
    prefix = "… " if start else ""
    suffix = " …" if start + EXCERPT_WORDS < len(words) else ""
    return mark_safe(prefix + html + suffix)  # noqa: S308 - escaped above, only <mark> added


@receiver(page_published)
def index_with_relations(sender, instance, **kwargs):
    """Index a page again once it is published.

    Wagtail indexes a page as its row is saved, a moment before its topics, regions and tags
    are written; readers searching for a topic would miss the article until its next edit.
    """
    index.insert_or_update_object(instance.specific)
