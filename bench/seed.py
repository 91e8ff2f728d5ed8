"""Seed the benchmark database: the demo site, then thousands of articles written in bulk.

Publishing 10,000 pages one at a time through Wagtail takes most of an hour (a tree insert,
a revision and a search-index update each). Here each table is written in bulk, as treebeard
and Wagtail leave it: materialised paths, depths, child counts and url_paths, live pages with
their dates, authors, topics, regions and tags; then the search index and every picture's
renditions. `Page.find_problems()` checks the tree afterwards. Like an import, the pages start
without revision history; the editor's first save gives them one. Then readers' comments, ten
per article on average but unevenly spread (a few articles draw hundreds), most approved.
"""

import random
from datetime import UTC, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.text import slugify
from faker import Faker
from taggit.models import Tag
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backend

from news.factories import PictureFactory
from news.models import (
    ArticlePage,
    ArticlePageAuthor,
    ArticleTag,
    Author,
    Comment,
    CommentStatus,
    Picture,
    Region,
    SectionPage,
    Topic,
)
from news.models.images import (
    BODY_RENDITIONS,
    CARD_RENDITIONS,
    LEAD_RENDITIONS,
    PORTRAIT_RENDITIONS,
    SOCIAL_RENDITION,
)
from portal.management.commands.seed_demo import HEADLINES

SEED = 10_000
COMMENTS_PER_ARTICLE = 10
# What moderation leaves behind on a real site: most comments approved, some held or junk.
COMMENT_STATUSES = [CommentStatus.APPROVED] * 17 + [
    CommentStatus.PENDING,
    CommentStatus.SPAM,
    CommentStatus.REJECTED,
]
PICTURES = 24
BATCH = 500
YEARS = (2005, 2025)
TAGS = ["strikes", "solidarity", "courts", "police", "oil", "youth", "housing", "elections"]


def seed(count, log):
    """Migrate, then add `count` articles and their comments unless they are there already.
    False if reused."""
    call_command("migrate", verbosity=0, interactive=False)
    existing = ArticlePage.objects.exclude(slug__startswith="kazakhstan-ainur").count()
    if existing >= count:
        log(f"Reusing the {existing} articles already seeded.")
        return add_comments(count * COMMENTS_PER_ARTICLE, log)
    if existing:
        raise SystemExit(
            f"The bench database holds {existing} articles, not {count}: "
            "delete var/bench/ (or use a fresh BENCH_DATABASE_URL) and run again."
        )
    log("Demo site...")
    call_command("seed_demo", articles=0, verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    log(f"{count} articles...")
    with transaction.atomic():
        add_articles(count)
    problems = Page.find_problems()
    if any(problems):
        raise SystemExit(f"The seeded page tree is inconsistent: {problems}")
    log("Search index...")
    index_articles()
    add_comments(count * COMMENTS_PER_ARTICLE, log)
    return True


def analyze():
    if connection.vendor == "postgresql":
        # Production's autovacuum would gather statistics soon; without them PostgreSQL plans
        # a freshly loaded table as if it were empty (a section's listing took 14 s). It would
        # vacuum too: the seed leaves a dead copy of every search index entry and 4 MB of
        # unmerged GIN entries that each search read (2 ms), and no page marked all-visible.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def add_comments(count, log):
    """`count` readers' comments in bulk, unless there are that many already. False if reused.

    Articles draw comments unevenly, as on a real site: a long tail with a few hundred on the
    most discussed. A third are replies to an earlier comment on the same article.
    """
    if Comment.objects.count() >= count:
        analyze()
        return False
    log(f"{count} comments...")
    rng = random.Random(SEED)  # noqa: S311 - benchmark content, not security
    text = Text(rng)
    articles = list(ArticlePage.objects.order_by("pk").values_list("pk", "first_published_at"))
    weights = [1 / (rank + 1) ** 0.5 for rank in range(len(articles))]
    rng.shuffle(weights)
    per_article = {}
    for pk, published in rng.choices(articles, weights=weights, k=count):
        per_article.setdefault((pk, published), 0)
        per_article[(pk, published)] += 1
    with transaction.atomic():
        batch = []
        for (pk, published), number in per_article.items():
            when = published
            for n in range(number):
                when += timedelta(minutes=rng.randint(1, 600))
                name = rng.choice(text.names)
                batch.append(
                    Comment(
                        page_id=pk,
                        name=name,
                        email=f"{slugify(name)}.{n}@example.org",
                        body=rng.choice(text.sentences),
                        status=rng.choice(COMMENT_STATUSES),
                        created_at=when,
                    )
                )
            if len(batch) >= 5 * BATCH:
                save_comments(batch, rng)
                batch = []
        save_comments(batch, rng)
    analyze()
    return True


def save_comments(comments, rng):
    """Write a batch, then make a third of each article's later comments replies."""
    Comment.objects.bulk_create(comments, batch_size=BATCH)
    replies, earlier = [], {}
    for comment in comments:
        before = earlier.setdefault(comment.page_id, [])
        if before and rng.random() < 1 / 3:
            comment.parent_id = rng.choice(before).pk
            replies.append(comment)
        before.append(comment)
    Comment.objects.bulk_update(replies, ["parent"], batch_size=BATCH)


def index_articles():
    """Index the articles in chunks, their relations prefetched.

    `update_index` would index every page twice (as a page, then as an article), updating
    the second time row by row, and look up each article's topics and regions one at a time.
    """
    backend = get_search_backend()
    articles = (
        ArticlePage.get_indexed_objects()
        .prefetch_related("topics", "regions", "article_authors__author")
        .order_by("pk")
    )
    ids = list(articles.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        backend.add_bulk(ArticlePage, list(articles.filter(pk__in=ids[start : start + BATCH])))


def pictures_with_renditions():
    """A pool of pictures, each with every rendition the templates ask for already made."""
    for n in range(Picture.objects.count(), PICTURES):
        PictureFactory(title=f"Bench picture {n + 1}")
    pictures = list(Picture.objects.order_by("pk")[:PICTURES])
    specs = {
        *CARD_RENDITIONS,
        *LEAD_RENDITIONS,
        *BODY_RENDITIONS,
        *PORTRAIT_RENDITIONS,
        SOCIAL_RENDITION,
    }
    for picture in pictures:
        picture.get_renditions(*specs)
    return pictures


class Text:
    """Generated text drawn from pools: writing 60,000 fresh paragraphs would take minutes."""

    def __init__(self, rng):
        fake = Faker("en_GB")
        fake.seed_instance(SEED)
        self.rng = rng
        self.paragraphs = [f"<p>{fake.paragraph(nb_sentences=6)}</p>" for _ in range(400)]
        self.sentences = [fake.sentence(nb_words=20) for _ in range(400)]
        self.names = [fake.name() for _ in range(100)]

    def standfirst(self):
        return self.rng.choice(self.sentences)

    def body(self):
        def paragraph():
            return ("paragraph", RichText(self.rng.choice(self.paragraphs)))

        quote = {
            "quote": self.rng.choice(self.sentences),
            "attribution": self.rng.choice(self.names),
        }
        heading = {"text": " ".join(self.rng.choice(self.sentences).split()[:5]), "level": "h2"}
        return [
            paragraph(),
            paragraph(),
            ("heading", heading),
            paragraph(),
            ("quote", quote),
            paragraph(),
        ]


def add_articles(count):
    rng = random.Random(SEED)  # noqa: S311 - benchmark content, not security
    text = Text(rng)
    sections = list(SectionPage.objects.filter(slug__in=["analysis", "news"]).order_by("path"))
    authors, topics = list(Author.objects.all()), list(Topic.objects.all())
    regions = list(Region.objects.all())
    tags = [Tag.objects.get_or_create(name=name, defaults={"slug": name})[0] for name in TAGS]
    pictures = pictures_with_renditions()
    article_type = ContentType.objects.get_for_model(ArticlePage)
    first, last = (datetime(year, 1, 1, tzinfo=UTC).timestamp() for year in YEARS)
    children = {section.pk: section.numchild for section in sections}

    pages, details = [], []
    for n in range(count):
        section, region = sections[n % len(sections)], regions[n % len(regions)]
        title = HEADLINES[n % len(HEADLINES)].format(region=region.name) + f" (no. {n + 1})"
        slug = slugify(title)[:80]
        children[section.pk] += 1
        published = datetime.fromtimestamp(rng.uniform(first, last), tz=UTC)
        pages.append(
            Page(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=article_type,
                path=Page._get_path(section.path, section.depth + 1, children[section.pk]),
                depth=section.depth + 1,
                numchild=0,
                url_path=f"{section.url_path}{slug}/",
                locale_id=section.locale_id,
                live=True,
                first_published_at=published,
                last_published_at=published,
            )
        )
        details.append(
            {
                "standfirst": text.standfirst(),
                "body": text.body(),
                "lead_image": rng.choice(pictures),
                "authors": rng.sample(authors, rng.choice([1, 1, 2])),
                "topics": rng.sample(topics, 2),
                "region": region,
                "tags": rng.sample(tags, 2),
            }
        )
    Page.objects.bulk_create(pages, batch_size=BATCH)
    for section in sections:
        Page.objects.filter(pk=section.pk).update(numchild=children[section.pk])

    # The article rows beside their page rows: Django cannot bulk-create across the two tables.
    for page, detail in zip(pages, details, strict=True):
        ArticlePage(
            page_ptr_id=page.pk,
            standfirst=detail["standfirst"],
            body=detail["body"],
            lead_image=detail["lead_image"],
        ).save_base(raw=True, force_insert=True)

    topic_links, region_links = ArticlePage.topics.through, ArticlePage.regions.through
    ArticlePageAuthor.objects.bulk_create(
        [
            ArticlePageAuthor(page_id=page.pk, author=author, sort_order=order)
            for page, detail in zip(pages, details, strict=True)
            for order, author in enumerate(detail["authors"])
        ],
        batch_size=BATCH,
    )
    topic_links.objects.bulk_create(
        [
            topic_links(articlepage_id=page.pk, topic=topic)
            for page, detail in zip(pages, details, strict=True)
            for topic in detail["topics"]
        ],
        batch_size=BATCH,
    )
    region_links.objects.bulk_create(
        [
            region_links(articlepage_id=page.pk, region=detail["region"])
            for page, detail in zip(pages, details, strict=True)
        ],
        batch_size=BATCH,
    )
    ArticleTag.objects.bulk_create(
        [
            ArticleTag(content_object_id=page.pk, tag=tag)
            for page, detail in zip(pages, details, strict=True)
            for tag in detail["tags"]
        ],
        batch_size=BATCH,
    )
