"""Article cards rendered once and kept in the shared cache, for every listing that shows them.

A card (headline, standfirst, picture with its renditions, byline, comment count, appeal status)
is the same wherever it appears and for every reader. A listing of twenty cards spent most of
its time in the image tags and the queries for pictures and authors; now it reads the cards'
HTML in one cache round trip and renders (and queries for) only those it lacks.

A card's key names what it shows: the page tree's generation (any publish, unpublish or move),
the pictures' and the authors' generations, and the card's comment count and appeal status.
"""

from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from news.bodycache import pictures_generation
from news.models import ArticlePage, Author, Picture
from news.models.articles import bylines
from news.models.images import CARD_RENDITIONS
from portal import pagecache, pagetree

TEMPLATE = "components/article_card.html"
AUTHORS_GENERATION_KEY = "cards:authors"


@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
def authors_changed(**kwargs):
    """A renamed author changes the byline of every card that names them."""
    pagetree.new_generation(AUTHORS_GENERATION_KEY)


pagetree.watch(AUTHORS_GENERATION_KEY)


def authors_generation():
    return pagetree.generation(AUTHORS_GENERATION_KEY)


def card_key(article, variant, generations):
    status = getattr(article, "appeal_status", None) or ""
    count = getattr(article, "comment_count", 0)
    return f"card:{generations}:{article.pk}:{count}:{status}:{variant}"


def render_cards(articles, heading, request=None, template=TEMPLATE):
    """The cards of `articles` (from `for_cards()`), in order, as one piece of HTML.

    `template` draws each card: the article card, or another shape of it (the home page's lead).
    """
    articles = list(articles)
    # A page listing these cards is stale when one of them changes (a comment approved, say).
    pagecache.shows_pages(*articles)
    generations = f"{pagetree.generation()}:{pictures_generation()}:{authors_generation()}"
    variant = f"{template}:{heading}"
    keys = {article.pk: card_key(article, variant, generations) for article in articles}
    html = cache.get_many(list(keys.values()))
    missing = [article for article in articles if keys[article.pk] not in html]
    if missing:
        prefetch_related_objects(
            missing,
            Prefetch("lead_image", queryset=Picture.objects.prefetch_renditions(*CARD_RENDITIONS)),
            bylines(),
        )
        fresh = {
            keys[article.pk]: str(
                render_to_string(
                    template, {"article": article, "heading": heading, "request": request}
                )
            )
            for article in missing
        }
        cache.set_many(fresh, pagetree.TIMEOUT)
        html |= fresh
    # Each card was rendered by its escaping template.
    return mark_safe("\n".join(html[keys[article.pk]] for article in articles))  # noqa: S308


def result_cards(ids, request):
    """What a search result shows of each article in `ids` but the words it matched: its
    headline, address and byline, {pk: {"title", "url", "byline"}}.

    Kept like cards: a new search reads no article rows for the results it shares with searches
    before it (the newest articles, for most words), where it spent a third of its time.
    """
    generations = f"{pagetree.generation()}:{authors_generation()}"
    keys = {pk: f"result:{generations}:{pk}" for pk in ids}
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in found]
    if missing:
        articles = (
            ArticlePage.objects.only("title", "url_path", "first_published_at")
            .prefetch_related(bylines())
            .in_bulk(missing)
        )
        fresh = {
            keys[pk]: {
                "title": article.title,
                "url": article.get_url(request),
                "byline": str(render_to_string("components/byline.html", {"article": article})),
            }
            for pk, article in articles.items()
        }
        cache.set_many(fresh, pagetree.TIMEOUT)
        found |= fresh
    return {
        pk: {**found[key], "byline": mark_safe(found[key]["byline"])}  # noqa: S308 - escaped
        for pk, key in keys.items()
        if key in found
    }
