"""Articles and the sections that list them, newest first: the news flow."""

from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from news import bodycache, pieces
from news.blocks import ArticleBodyBlock
from news.pagination import DeferredQuery, paginate
from portal import pagecache, pagetree
from portal.pagetree import TreePage

from .commentable import Commentable
from .comments import Comment, CommentStatus
from .images import (
    BODY_RENDITIONS,
    CARD_RENDITIONS,
    LEAD_RENDITIONS,
    PORTRAIT_RENDITIONS,
    SOCIAL_RENDITION,
    Picture,
    Rendition,
)
from .taxonomy import Region, Topic

LISTING_PAGE_SIZE = 20
# Newest first; the path breaks ties, so the database walks one index (migration 0003) and
# stops after a page of rows instead of sorting the whole archive.
NEWEST_FIRST = ("-first_published_at", "-path")


def bylines():
    """Each article's authors in the editor's order, for its byline: one query for them all."""
    return Prefetch(
        "article_authors",
        queryset=ArticlePageAuthor.objects.select_related("author").order_by("sort_order"),
    )


class ArticlePageQuerySet(PageQuerySet):
    def visible(self):
        """Live, and not inside a section an editor has put behind a login or password."""
        hidden = Q()
        for restricted in pagetree.restricted_paths():
            hidden |= Q(path__startswith=restricted)
        return self.live().exclude(hidden) if hidden else self.live()

    def for_cards(self):
        """What a listing needs to find its cards (news/cards.py): the newest visible articles,
        with the comment count and appeal status a card's key names."""
        approved_comments = (
            Comment.objects.filter(page=OuterRef("pk"), status=CommentStatus.APPROVED)
            .order_by()
            .values("page")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            self.visible()
            .annotate(
                appeal_status=F("appealpage__status"),
                comment_count=Coalesce(Subquery(approved_comments), 0),
            )
            .order_by(*NEWEST_FIRST)
        )

    def for_listing(self):
        """Everything an article card shows, in a fixed number of queries for any page size."""
        return self.for_cards().prefetch_related(
            Prefetch("lead_image", queryset=Picture.objects.prefetch_renditions(*CARD_RENDITIONS)),
            bylines(),
        )

    def for_feed(self):
        return self.for_listing().prefetch_related("topics", "tagged_items__tag")


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


class SectionPage(RoutablePageMixin, TreePage):
    """A listing of articles: Analysis, Appeals, News..."""

    intro = models.TextField(blank=True, max_length=1000)

    content_panels = TreePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.ArticlePage", "news.AppealPage"]

    @classmethod
    def directory(cls):
        """Every live section as {path: {title, url, in_menu}}, cached until the tree changes.

        Navigation and breadcrumbs read it on every page; it changes only with the page tree.
        """
        key = pagetree.cache_key("sections")
        sections = pagetree.read(key)
        if sections is None:
            sections = {
                section.path: {
                    "title": section.title,
                    "url": section.url,
                    "in_menu": section.show_in_menus,
                }
                for section in cls.objects.live().order_by("path")
            }
            pagetree.keep(key, sections)
        return sections

    def breadcrumbs(self):
        # The directory's address, kept until the tree changes: working it out is a site lookup.
        listed = self.directory().get(self.path)
        return [{"title": self.title, "url": listed["url"] if listed else self.url}]

    def articles(self):
        return ArticlePage.objects.child_of(self)

    @path("")
    def listing(self, request):
        articles = DeferredQuery(lambda: self.articles().for_cards())
        page = paginate(request, articles, LISTING_PAGE_SIZE, name=f"section:{self.pk}")
        listing = {"articles": page, "pieces": pieces.for_listing(request, page.number)}
        return self.render(request, context_overrides=listing)

    def get_cached_paths(self):
        return ["/", "/feed/", "/feed/atom/"]

    @path("feed/")
    def rss_feed(self, request):
        from news.feeds import ArticleFeed

        return ArticleFeed.for_section(self)(request)

    @path("feed/atom/")
    def atom_feed(self, request):
        from news.feeds import ArticleFeed

        return ArticleFeed.for_section(self, atom=True)(request)


def topic_tag(url):
    """The page cache's tag for a topic, by its page's address (which `terms()` gives)."""
    return f"topic:{url}"


class ArticlePage(Commentable, TreePage):
    standfirst = models.TextField(
        max_length=600,
        help_text="One or two sentences under the headline: what and why it matters.",
    )
    lead_image = models.ForeignKey(
        "news.Picture", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_caption = models.CharField(max_length=500, blank=True)
    topics = ParentalManyToManyField("news.Topic", blank=True, related_name="articles")
    regions = ParentalManyToManyField("news.Region", blank=True, related_name="articles")
    tags = ClusterTaggableManager(through="news.ArticleTag", blank=True)
    body = StreamField(ArticleBodyBlock())

    objects = ArticlePageManager()

    content_panels = TreePage.content_panels + [
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_caption")], heading="Lead image"
        ),
        InlinePanel("article_authors", label="Author", heading="Authors"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("topics"), FieldPanel("regions"), FieldPanel("tags")],
            heading="Classification",
        ),
        InlinePanel(
            "related_articles",
            label="Related article",
            heading="Related articles",
            help_text="Leave empty to show articles that share a topic.",
        ),
    ]
    settings_panels = [
        FieldPanel(
            "first_published_at",
            heading="First published",
            help_text="Leave empty to use the moment it is first published. "
            "Drives the archives and feeds; imported articles keep their original date.",
        ),
        *Commentable.comment_panels,
    ] + TreePage.settings_panels

    search_fields = TreePage.search_fields + [
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.RelatedFields(
            "article_authors", [index.RelatedFields("author", [index.SearchField("name")])]
        ),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.RelatedFields("regions", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("first_published_at"),
    ]

    parent_page_types = ["news.SectionPage"]
    subpage_types = []

    RELATED_COUNT = 3

    @cached_property
    def authors(self):
        return [link.author for link in self.article_authors.all()]

    def description(self):
        return self.search_description or self.standfirst

    def breadcrumbs(self):
        section = SectionPage.directory().get(self.path[: -self.steplen])
        return [section, {"title": self.title, "url": self.url}] if section else []

    def plain_text(self):
        """The standfirst and body as plain text, for search excerpts."""
        body = self.body.stream_block.get_searchable_content(self.body)
        return " ".join([self.standfirst, *body])

    def terms(self, from_database=True):
        """Topics, regions and tags as (kind, name, url), in one query for all three.

        A preview reads the editor's unsaved choices from memory instead.
        """
        if not from_database:
            return (
                [("topic", t.name, t.get_absolute_url()) for t in self.topics.all()]
                + [("region", r.name, r.get_absolute_url()) for r in self.regions.all()]
                + [("tag", t.name, f"/tags/{t.slug}/") for t in self.tags.all()]
            )

        def part(queryset, kind):
            return (
                queryset.annotate(kind=Value(kind)).values_list("kind", "name", "slug").order_by()
            )

        rows = (
            part(Topic.objects.filter(articles=self), "topic")
            .union(
                part(Region.objects.filter(articles=self), "region"),
                part(Tag.objects.filter(news_articletag_items__content_object=self), "tag"),
                all=True,
            )
            .order_by("kind", "name")
        )
        return [(kind, name, f"/{kind}s/{slug}/") for kind, name, slug in rows]

    def related(self):
        """Hand-picked related articles first, then the newest sharing the most topics.

        Their ids are cached with the page tree (they change only when something is
        published); the cards themselves are read in one query.
        """
        key = pagetree.cache_key("related", self.pk, self.latest_revision_id)
        ids = pagetree.read(key)
        cards = (
            ArticlePage.objects.visible()
            .exclude(pk=self.pk)
            .annotate(appeal_status=F("appealpage__status"))
        )
        if ids is None:
            tagging = ArticlePage.topics.through.objects
            my_topics = tagging.filter(articlepage=self.pk).values("topic")
            picked = RelatedArticle.objects.filter(page=self.pk)
            related = list(
                cards.filter(
                    Q(pk__in=picked.values("article"))
                    | Q(pk__in=tagging.filter(topic__in=my_topics).values("articlepage"))
                )
                .annotate(
                    picked_order=Subquery(
                        picked.filter(article=OuterRef("pk")).values("sort_order")[:1]
                    ),
                    shared_topics=Subquery(
                        tagging.filter(articlepage=OuterRef("pk"), topic__in=my_topics)
                        .order_by()
                        .values("articlepage")
                        .annotate(count=Count("pk"))
                        .values("count")
                    ),
                )
                .order_by(
                    F("picked_order").asc(nulls_last=True),
                    F("shared_topics").desc(nulls_last=True),
                    "-first_published_at",
                )[: self.RELATED_COUNT]
            )
            pagetree.keep(key, [article.pk for article in related])
            return related
        by_id = cards.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def body_pictures(self):
        return [
            child.value["image"]
            for child in self.body
            if child.block_type == "image" and child.value["image"]
        ]

    def load_pictures(self, related, body_rendered=False):
        """Every picture the page shows, and their renditions, in three queries at most.

        A body already rendered (news/bodycache.py) needs neither its pictures nor renditions.
        """
        wanted = {article.lead_image_id for article in [self, *related] if article.lead_image_id}
        pictures = Picture.objects.in_bulk(wanted)
        for article in [self, *related]:
            if article.lead_image_id in pictures:
                article.lead_image = pictures[article.lead_image_id]
        shown = list(pictures.values())
        if not body_rendered:
            shown += self.body_pictures()
        shown += [author.photo for author in self.authors if author.photo]
        specs = (
            *LEAD_RENDITIONS,
            *BODY_RENDITIONS,
            *PORTRAIT_RENDITIONS,
            SOCIAL_RENDITION,
            *CARD_RENDITIONS,
        )
        models.prefetch_related_objects(
            shown, Prefetch("renditions", queryset=Rendition.objects.filter(filter_spec__in=specs))
        )

    def page_cache_tags(self):
        """What publishing this article makes stale: its page, the listings, the related lists
        of articles on its topics (which it joins or leaves)."""
        slugs = Topic.objects.filter(articles=self).values_list("slug", flat=True)
        return {
            f"page:{self.pk}",
            pagecache.LISTINGS,
            *(topic_tag(reverse("news:topic", args=[slug])) for slug in slugs),
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        pagecache.shows_one_page()
        context["pieces"] = pieces.for_article(self, request)
        return context

    def reading(self, request):
        """What the article's kept pieces show (news/pieces.py), and the page cache's tags for it.

        Read only when a piece must be rendered: the first view after a publish or a purge.
        """
        live = not getattr(request, "is_preview", False)
        if live:
            models.prefetch_related_objects(
                [self],
                Prefetch(
                    "article_authors",
                    queryset=ArticlePageAuthor.objects.select_related("author__photo").order_by(
                        "sort_order"
                    ),
                ),
            )
        related = self.related() if live else []
        body_rendered = (
            bodycache.cacheable(self, {"request": request})
            and bodycache.cached_parts(self) is not None
        )
        self.load_pictures(related, body_rendered)
        terms = self.terms(from_database=live)
        # Not its own page's tag: the pieces show no comments, and a publish changes their keys.
        # Its related list changes when an article on one of its topics is published.
        tags = {f"page:{article.pk}" for article in related} | {
            topic_tag(url) for kind, _, url in terms if kind == "topic"
        }
        reading = {
            "related": related,
            "terms": terms,
            "structured_data": self.structured_data(terms),
        }
        return reading, tags

    def structured_data(self, terms):
        """schema.org NewsArticle, for search engines and link previews."""
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title[:110],
            "description": self.standfirst,
            "mainEntityOfPage": self.full_url,
            "author": [
                {"@type": "Person", "name": author.name, "url": author.get_absolute_url()}
                for author in self.authors
            ],
            "keywords": [name for kind, name, url in terms if kind == "topic"],
        }
        if self.first_published_at:
            data["datePublished"] = self.first_published_at.isoformat()
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        return data


class ArticlePageAuthor(Orderable):
    page = ParentalKey("news.ArticlePage", on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(
        "news.Author", on_delete=models.CASCADE, related_name="article_links"
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        unique_together = [("page", "author")]


class RelatedArticle(Orderable):
    page = ParentalKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="related_articles"
    )
    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]
