"""Reader search: cleaning what was typed, and showing where it matched."""

import hashlib
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import CharField, Exists, F, Func, IntegerField, Max, OuterRef
from django.db.models.functions import Cast
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search import index
from wagtail.search.models import IndexEntry
from wagtail.signals import page_published

from news.models.articles import NEWEST_FIRST, ArticlePage
from news.pagination import DeferredQuery, cached_count
from portal import pagetree

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
    text = " ".join(printable.split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text
    # Whole words only: half a word would find nothing.
    return text[: MAX_QUERY_LENGTH + 1].rsplit(" ", 1)[0][:MAX_QUERY_LENGTH]


def query_words(query):
    """The words of a query: its runs of letters (with their accents) and digits; the rest
    (quotation marks, operators, brackets, emoji, other punctuation) only separates them.

    Wagtail's SQLite backend quotes each term for FTS5 but leaves a quotation mark inside one
    as it is (wagtail/wagtail#13227): `"strike` ended the string early and answered 500. Of
    words alone, a reader's `AND`, `NEAR`, `*` or `title:` can only be words, never FTS5
    syntax; and no term is left without a letter or digit, which FTS5 reads as an empty
    phrase that matches nothing (so `strike -` found nothing).
    """
    spaced = "".join(
        char if unicodedata.category(char).startswith(("L", "M", "N")) else " " for char in query
    )
    return [word for word in spaced.split() if any(char.isalnum() for char in word)]


class Document(Func):
    """A page's title and body vectors joined: what Wagtail's PostgreSQL search matches, and
    what the news_search_document index (migration 0009) covers."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = SearchVectorField()


class NewestMatches:
    """The articles matching every word of a search (in any form: "docker" finds "dockers"),
    newest first as on SQLite, read a page at a time by the paginator on PostgreSQL.

    A page of a common word's matches comes from walking the newest-first index (migration
    0007) and testing each article's index entry, found by its key: for a word in a third of
    the archive, about sixty entries for the first page. A rarer word's matches come from the
    GIN index on title and body (migration 0009): every match's page looked up and sorted.
    We choose, not PostgreSQL: it does not know that testing an entry means decompressing its
    body, nor where in time the matches lie, and walked all 10,000 articles to find one.

    Wagtail's search joined every match to its page on a text id and sorted them all on each
    view (100 ms for a common word in 10,000 articles), headline matches first: a second walk
    for the matches outside the headline cannot be planned (a region's name is in the
    headline and in the terms alike), so the order is now the newest first.
    """

    # Testing an entry while walking costs about ten times taking a match from the GIN index.
    WALK_COST = 10

    def __init__(self, articles, text):
        """`articles`: every article a reader may see (their count and the matches' are kept
        by name until the page tree changes)."""
        query = SearchQuery(text, search_type="plain")
        entries = IndexEntry.objects.filter(
            content_type_id__in=get_descendants_content_types_pks(articles.model)
        )
        matching = entries.alias(document=Document(F("title"), F("body"))).filter(document=query)
        keyed = matching.filter(object_id=Cast(OuterRef("pk"), CharField(max_length=50)))
        self.articles = articles.order_by()
        self.walked = articles.filter(Exists(keyed)).order_by(*NEWEST_FIRST)
        self.looked_up = articles.filter(
            pk__in=matching.annotate(page=Cast("object_id", IntegerField())).values("page")
        ).order_by(*NEWEST_FIRST)
        self.entries = entries
        self.matching = matching
        self.text = text
        self._count = None

    def count(self):
        # Named by the words (whatever the visible articles, the tree's generation is in the
        # key): hashing the query's SQL took longer than looking the count up.
        if self._count is None:
            words = hashlib.sha256(self.text.encode()).hexdigest()  # any text, a safe key
            self._count = cached_count(DeferredQuery(self.counted), name=f"search:{words}")
        return self._count

    def counted(self):
        """The matching entries, less those of articles no reader may see. Joining every match
        to its page was most of a new search's time (20 ms for a word in half the archive);
        the hidden articles are few, listed once (`hidden_keys`)."""
        return self.matching.exclude(object_id__in=hidden_keys(self.entries, self.articles))

    def __getitem__(self, page):
        matches = self.count()
        articles = cached_count(self.articles, name="visible-articles")
        walk = page.stop * articles * self.WALK_COST < matches * matches
        chosen = self.walked if walk else self.looked_up
        return list(chosen.values_list("pk", flat=True)[page])


def hidden_keys(entries, articles):
    """The keys of `entries` whose article is not among `articles`: drafts, unpublished pages,
    pages behind a login or password, and entries left by deleted pages.

    Kept until the page tree changes or an entry is added (a new draft is indexed as it is
    first saved); an entry only ever gets a higher id than those before it.
    """
    newest = IndexEntry.objects.aggregate(newest=Max("id"))["newest"]
    key = pagetree.cache_key("search-hidden", newest)
    hidden = pagetree.read(key)
    if hidden is None:
        keys = articles.annotate(key=Cast("pk", CharField(max_length=50))).values("key")
        hidden = list(entries.exclude(object_id__in=keys).values_list("object_id", flat=True))
        pagetree.keep(key, hidden)
    return hidden


def matched_texts(ids):
    """{pk: text} of the articles `ids`, to quote what a search matched: on PostgreSQL the text
    their index entry holds (standfirst, body, then bylines and terms) without reading their
    bodies; elsewhere their standfirst and body."""
    if connection.vendor != "postgresql":
        articles = ArticlePage.objects.only("standfirst", "body").in_bulk(ids)
        return {pk: article.plain_text() for pk, article in articles.items()}
    entries = IndexEntry.objects.filter(
        content_type_id__in=get_descendants_content_types_pks(ArticlePage),
        object_id__in=[str(pk) for pk in ids],
    )
    return {int(key): text for key, text in entries.values_list("object_id", "body_text")}


def excerpt(text, query):
    """About forty words of `text` around the first matched term, with the terms marked."""
    terms = [re.escape(term) for term in query_words(query) if len(term) > 1]
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
