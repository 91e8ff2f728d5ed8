"""Reader search: cleaning what was typed, and showing where it matched."""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import BooleanField, F, Func
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.search import index
from wagtail.signals import page_published

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


class Matches(Func):
    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


def ranked_on_postgres(articles, text):
    """The primary keys of the articles matching every word (in any form: "docker" finds
    "dockers"), headline matches first, each group newest first.

    Wagtail ranks every match by the weight of the words in its title and body: for a common
    word that means reading and decompressing the body vectors of a third of the archive
    (250 ms at 10,000 articles). A reader of a news site looking for "strike" wants the stories
    about strikes, latest first, then the latest that mention one; both are read from indexes.
    """
    query = SearchQuery(text, search_type="plain")
    return (
        articles.alias(document=Document(F("index_entries__title"), F("index_entries__body")))
        .filter(document=query)
        .annotate(in_headline=Matches(F("index_entries__title"), query))
        .order_by("-in_headline", "-first_published_at", "-pk")
        .values_list("pk", flat=True)
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
