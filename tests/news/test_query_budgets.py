"""Pages cost a fixed number of queries, however much they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.rich_text import RichText

from news.factories import (
    AppealPageFactory,
    ArticlePageFactory,
    AuthorFactory,
    CommentFactory,
    PictureFactory,
    RegionFactory,
    SectionPageFactory,
    TopicFactory,
    figure,
)
from news.models import AppealTarget, ArticlePage, ProtestTally

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_pages")]
ARTICLE_BUDGET = 11


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def rich_article(parent, n, factory=ArticlePageFactory, **extra):
    """An article with n authors, topics, regions, tags, body pictures, related articles, and
    n readers' comments with a reply each; an appeal also has n officials to write to, each
    with protests counted."""
    topics = [TopicFactory() for _ in range(n)]
    if factory is AppealPageFactory:
        extra |= {
            "targets": [
                {
                    "name": f"Official {i}",
                    "emails": f"o{i}@example.org",
                    "phone": "+7 727 271 65 79",
                }
                for i in range(n)
            ],
            "copies_to": "copies@example.org",
            "prisoner": "Ainur Kurmanov",
            "letter_subject": "Free {prisoner}",
            "letter_body": "To {target_name}, {target_role}: free {prisoner}.",
        }
    article = factory(
        parent=parent,
        authors=[AuthorFactory(photo=PictureFactory()) for _ in range(n)],
        topics=topics,
        regions=[RegionFactory() for _ in range(n)],
        tags=[f"tag {i}" for i in range(n)],
        lead_image=PictureFactory(),
        body=[("paragraph", RichText("<p>Text</p>"))]
        + [figure(PictureFactory(), "alt") for _ in range(n)],
        **extra,
    )
    for _ in range(n):
        ArticlePageFactory(parent=parent, topics=topics[:1], lead_image=PictureFactory())
        CommentFactory(page=article, parent=CommentFactory(page=article))
    for target in AppealTarget.objects.filter(page=article):
        ProtestTally.objects.create(target=target, sent=target.pk)
    return article


@pytest.mark.parametrize("factory", [ArticlePageFactory, AppealPageFactory])
def test_article_query_count_does_not_grow_with_content(client, section, factory):
    small = rich_article(section, 1, factory)
    large = rich_article(section, 6, factory)
    for article in (small, large):
        queries(client, article.url)  # first view: renditions generated, routes cached
    cold_small, warm_small = queries(client, small.url), queries(client, small.url)
    assert queries(client, large.url) == warm_small
    assert cold_small <= ARTICLE_BUDGET and warm_small <= ARTICLE_BUDGET


@pytest.mark.parametrize("factory", [ArticlePageFactory, AppealPageFactory])
def test_first_view_after_publishing_stays_within_budget(client, section, factory):
    article = rich_article(section, 4, factory)
    queries(client, article.url)
    article.save_revision().publish()  # a new page-tree generation: routes and chrome looked up again
    assert queries(client, article.url) <= ARTICLE_BUDGET


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/analysis/",
        "/2020/",
        "/2020/01/",
        "/topics/{topic}/",
        "/tags/a/",
        "/archive/",
        "/authors/",
        "/search/?q=story",
        "/feed/",
        "/analysis/feed/atom/",
    ],
)
def test_listings_cost_the_same_for_five_or_twenty_items(client, home, url):
    section = SectionPageFactory(parent=home, title="Analysis", slug="analysis")
    topic = TopicFactory(name="Strikes")
    start = timezone.now().replace(year=2020, month=1, day=1)

    def add(count):
        for _ in range(count):
            n = ArticlePage.objects.count()
            story = ArticlePageFactory(
                parent=section,
                title=f"Story {n}",
                first_published_at=start + timedelta(hours=n),
                authors=[AuthorFactory(), AuthorFactory()],
                topics=[topic],
                tags=["a", "b"],
                lead_image=PictureFactory(),
            )
            CommentFactory.create_batch(2, page=story)  # cards show the count

    url = url.format(topic=topic.slug)
    add(5)
    queries(client, url)
    few = queries(client, url)
    add(15)
    queries(client, url)
    assert queries(client, url) == few


def test_a_search_reads_a_page_of_matches_and_what_they_show(client, section, is_postgres):
    """The matches on the page and the text they matched; the headlines and authors of results
    no search has shown since the last publish; and, once per publish, how many there are for
    each query (on PostgreSQL, less the hidden articles, listed again when an entry is added)."""
    for n in range(30):
        ArticlePageFactory(
            parent=section, title=f"Strike {n}", authors=[AuthorFactory(), AuthorFactory()]
        )
    queries(client, "/search/?q=warm")  # routes, the site's chrome, the hidden articles
    assert queries(client, "/search/?q=strike") <= 6
    assert queries(client, "/search/?q=nothing-matches-this") <= 2
    if is_postgres:  # Wagtail's SQLite search counts its matches on every page
        assert queries(client, "/search/?q=strike&page=2") == 4
        # The same articles found by other words: their headlines and authors are kept.
        assert queries(client, "/search/?q=strikes") == 4
