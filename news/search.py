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


def newest_matches_on_postgres(articles, text):
    """The articles matching every word of `text` (in any form: "docker" finds "dockers"),
    newest first, as on SQLite.

    PostgreSQL walks the newest-first index (migration 0007), looks up each article's index
    entry by its key and stops once it has a page of matches: for a word in a third of the
    archive, about sixty articles for the first page. For a rare word it reads the matches
    from the GIN index (migration 0009) and sorts those few instead. Wagtail's search, and
    headline matches first, meant joining every match to its page and sorting them all on
    each view (100 ms for a common word in 10,000 articles); and a second walk for matches
    outside the headline cannot be planned, as PostgreSQL cannot know how often a word in
    the body is in the headline too (a region's name always is: the walk read the archive).
    """
    query = SearchQuery(text, search_type="plain")
    entries = _entry_of(articles.model)
    matching = entries.alias(document=Document(F("title"), F("body"))).filter(document=query)
    return articles.filter(Exists(matching)).order_by(*NEWEST_FIRST).values_list("pk", flat=True)


def indexed_text(articles):
    """`articles` with the text their index entry holds (standfirst, body, then bylines and
    terms: what a search matched), to draw excerpts from without reading their bodies."""
    entry = _entry_of(articles.model)
    return articles.annotate(indexed_text=Subquery(entry.values("body_text")[:1]))


def _entry_of(model):
    """The index entry of the outer query's page, found by its key (content type, text id)."""
    return IndexEntry.objects.filter(
        # Sorted: the same words are the same SQL, whose count is kept (news/pagination.py).
        content_type_id__in=sorted(get_descendants_content_types_pks(model)),
        object_id=Cast(OuterRef("pk"), CharField(max_length=50)),
    )


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
