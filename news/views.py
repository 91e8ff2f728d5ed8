"""Reader pages that are not Wagtail pages: taxonomy, archives, search, site feeds, robots.txt."""

import calendar
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from taggit.models import Tag

from news import pieces
from news.cards import result_cards
from news.feeds import ArticleFeed
from news.models import ArticlePage, Author, Region, Topic
from news.pagination import DeferredQuery, paginate
from news.search import NewestMatches, clean_query, excerpt, matched_texts, query_words

PAGE_SIZE = 20
# Archives before the web, or after this year, cannot hold anything.
FIRST_ARCHIVE_YEAR = 1990
TAXONOMIES = {
    "author": (Author, "article_authors__author"),
    "topic": (Topic, "topics"),
    "region": (Region, "regions"),
}


class TagListing:
    """A taggit tag, dressed like the snippets so one template and one feed serve all four."""

    def __init__(self, tag):
        self.tag = tag
        self.name = tag.name
        self.slug = tag.slug

    def get_absolute_url(self):
        return reverse("news:tag", args=[self.slug])


def _articles_of(kind, slug):
    if kind == "tag":
        owner = TagListing(get_object_or_404(Tag, slug=slug))
        return owner, ArticlePage.objects.filter(tagged_items__tag=owner.tag)
    model, lookup = TAXONOMIES[kind]
    owner = get_object_or_404(model, slug=slug)
    return owner, ArticlePage.objects.filter(**{lookup: owner})


@require_safe
def taxonomy(request, kind, slug):
    owner, articles = _articles_of(kind, slug)
    cards = DeferredQuery(articles.for_cards)
    page = paginate(request, cards, PAGE_SIZE, name=f"{kind}:{owner.slug}")
    return render(
        request,
        "news/taxonomy.html",
        {
            "kind": kind,
            "owner": owner,
            "articles": page,
            "pieces": pieces.for_listing(request, page.number),
            "feed_url": request.path + "feed/",
            "atom_url": request.path + "feed/atom/",
        },
    )


@require_safe
def taxonomy_feed(request, kind, slug, atom=False):
    owner, articles = _articles_of(kind, slug)
    return ArticleFeed.for_listing(owner, articles, atom=atom)(request)


@require_safe
def authors(request):
    return render(
        request,
        "news/authors.html",
        {
            "authors": Author.objects.select_related("photo").annotate(
                article_count=Count("article_links")
            )
        },
    )


@require_safe
def site_feed(request, atom=False):
    return ArticleFeed(
        title=settings.WAGTAIL_SITE_NAME,
        link="/",
        description="The latest appeals, analysis and news",
        articles=ArticlePage.objects.all(),
        atom=atom,
    )(request)


def _month_counts(articles):
    return (
        articles.visible()
        .annotate(month=TruncMonth("first_published_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )


@require_safe
def archive_index(request):
    months = list(_month_counts(ArticlePage.objects.all()))
    years = {}
    for row in months:
        years.setdefault(row["month"].year, []).append(row)
    return render(
        request, "news/archive_index.html", {"years": sorted(years.items(), reverse=True)}
    )


@require_safe
def archive(request, year, month=None):
    """Articles first published in a year or a month, newest first. Empty periods are 404s."""
    year = int(year)
    if not FIRST_ARCHIVE_YEAR <= year <= timezone.now().year or (
        month is not None and not 1 <= int(month) <= 12
    ):
        raise Http404("No such period")
    start = datetime(year, int(month or 1), 1, tzinfo=timezone.get_current_timezone())
    if month is None:
        end = start.replace(year=year + 1)
    else:
        end = start.replace(year=year + (start.month == 12), month=start.month % 12 + 1)

    def published_then():
        return ArticlePage.objects.filter(first_published_at__gte=start, first_published_at__lt=end)

    cards = DeferredQuery(lambda: published_then().for_cards())
    page = paginate(request, cards, PAGE_SIZE, name=f"archive:{year}:{month}")
    if not page.paginator.count:
        raise Http404("Nothing was published then")
    months = DeferredQuery(lambda: _month_counts(published_then())) if month is None else []
    return render(
        request,
        "news/archive.html",
        {
            "year": year,
            "month": int(month) if month else None,
            "month_name": calendar.month_name[int(month)] if month else "",
            "period_start": start,
            "months": months,
            "articles": page,
            "pieces": pieces.for_listing(request, page.number),
        },
    )


@require_safe
def search(request):
    """A page of matches, newest first. Kept for the next reader who asks the same until
    something is published (news/pieces.py): a campaign's name is searched over and over."""
    query = clean_query(request.GET.get("q", ""))
    context = {"query": query, "results": None}
    if query:
        number = request.GET.get("page", "")
        context["pieces"] = pieces.for_listing(
            request,
            number if number.isdigit() else 1,
            read=lambda: ({"results": search_results(request, query)}, set()),
            variant=query,
        )
    return render(request, "news/search.html", context)


def search_results(request, query):
    articles = ArticlePage.objects.visible()
    searched = query_words(query)
    if not searched:
        matches = []  # only punctuation, operators or emoji: no article can match
    elif connection.vendor == "postgresql":
        # PostgreSQL reads any text as plain words itself, and knows "3.5" and "e-mail".
        matches = NewestMatches(articles, query)
    else:
        # SQLite's full-text backend ranks each match with a lookup of its own: seconds on a
        # large archive. The newest matches come first, as on PostgreSQL.
        matches = articles.order_by("-first_published_at").search(
            " ".join(searched), operator="and", order_by_relevance=False
        )
    found = paginate(request, matches, PAGE_SIZE)
    # The search gives the page's matches; each result shows its kept card (headline, address,
    # byline) and the words it matched, quoted from its text.
    ids = [getattr(match, "pk", match) for match in found.object_list]
    cards = result_cards(ids, request)
    texts = matched_texts(ids)
    found.object_list = [
        (cards[pk], excerpt(texts.get(pk, ""), query)) for pk in ids if pk in cards
    ]
    return found


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
