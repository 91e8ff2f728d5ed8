"""The page types an editor builds the site from."""

from datetime import timedelta

from django.core.cache import cache
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, Length, RowNumber, Substr
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from news.blocks import AppealUpdatesBlock, ArticleBodyBlock
from news.comments import thread
from news.pagination import paginate
from portal import pagetree
from portal.pagetree import TreePage

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


class ArticlePageQuerySet(PageQuerySet):
    def visible(self):
        """Live, and not inside a section an editor has put behind a login or password."""
        restricted = PageViewRestriction.objects.alias(
            prefix=Substr(OuterRef("path"), 1, Length("page__path"))
        ).filter(prefix=F("page__path"))
        return self.live().filter(~Exists(restricted))

    def for_listing(self):
        """Everything an article card shows, in a fixed number of queries for any page size."""
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
            .prefetch_related(
                Prefetch(
                    "lead_image", queryset=Picture.objects.prefetch_renditions(*CARD_RENDITIONS)
                ),
                Prefetch(
                    "article_authors",
                    queryset=ArticlePageAuthor.objects.select_related("author").order_by(
                        "sort_order"
                    ),
                ),
            )
            .order_by("-first_published_at", "-pk")
        )

    def for_feed(self):
        return self.for_listing().prefetch_related("topics", "tagged_items__tag")


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)


class HomePage(TreePage):
    lead_story = models.ForeignKey(
        "news.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty to lead with the urgent appeal, or else the newest article.",
    )
    tagline = models.CharField(max_length=255, blank=True)

    content_panels = TreePage.content_panels + [FieldPanel("tagline"), FieldPanel("lead_story")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.SectionPage", "news.StandardPage"]

    ARTICLES_PER_SECTION = 4

    def lead(self):
        if self.lead_story_id:
            chosen = ArticlePage.objects.for_listing().filter(pk=self.lead_story_id).first()
            if chosen:
                return chosen
        urgent = AppealPage.urgent_appeal()
        if urgent:
            return ArticlePage.objects.for_listing().filter(pk=urgent["id"]).first()
        return ArticlePage.objects.for_listing().first()

    def section_listings(self, exclude=None):
        """Each section with its newest articles, in one query for all sections' articles."""
        sections = list(SectionPage.objects.child_of(self).live().order_by("path"))
        if not sections:
            return []
        prefix_length = len(sections[0].path)
        rank = Window(
            RowNumber(),
            partition_by=[Substr("path", 1, prefix_length)],
            order_by=[F("first_published_at").desc(), F("pk").desc()],
        )
        articles = (
            ArticlePage.objects.for_listing()
            .filter(depth=self.depth + 2, path__startswith=self.path)
            .exclude(pk=getattr(exclude, "pk", None))
            .annotate(rank=rank)
            .filter(rank__lte=self.ARTICLES_PER_SECTION)
        )
        by_section = {section.path: [] for section in sections}
        for article in articles:
            by_section[article.path[:prefix_length]].append(article)
        return [(section, by_section[section.path]) for section in sections]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lead"] = lead = self.lead()
        context["sections"] = self.section_listings(exclude=lead)
        return context


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
        sections = cache.get(key)
        if sections is None:
            sections = {
                section.path: {
                    "title": section.title,
                    "url": section.url,
                    "in_menu": section.show_in_menus,
                }
                for section in cls.objects.live().order_by("path")
            }
            cache.set(key, sections, pagetree.TIMEOUT)
        return sections

    def breadcrumbs(self):
        return [{"title": self.title, "url": self.url}]

    def articles(self):
        return ArticlePage.objects.child_of(self)

    @path("")
    def listing(self, request):
        page = paginate(request, self.articles().for_listing(), LISTING_PAGE_SIZE)
        return self.render(request, context_overrides={"articles": page})

    @path("feed/")
    def rss_feed(self, request):
        from news.feeds import ArticleFeed

        return ArticleFeed.for_section(self)(request)

    @path("feed/atom/")
    def atom_feed(self, request):
        from news.feeds import ArticleFeed

        return ArticleFeed.for_section(self, atom=True)(request)


class ArticlePage(TreePage):
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
    comments_open = models.BooleanField(
        default=True,
        help_text="Readers may comment, until the site's comment settings close it by age.",
    )
    comments_sensitive = models.BooleanField(
        "sensitive mode",
        default=False,
        help_text="Hold every comment that carries a phone number, an email address or a street "
        "address for a moderator, whoever sent it. On by default for appeals.",
    )

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
        MultiFieldPanel(
            [FieldPanel("comments_open"), FieldPanel("comments_sensitive")], heading="Comments"
        ),
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
        ids = cache.get(key)
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
            cache.set(key, [article.pk for article in related], pagetree.TIMEOUT)
            return related
        by_id = cards.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def body_pictures(self):
        return [
            child.value["image"]
            for child in self.body
            if child.block_type == "image" and child.value["image"]
        ]

    def load_pictures(self, related):
        """Every picture the page shows, and their renditions, in three queries at most."""
        wanted = {article.lead_image_id for article in [self, *related] if article.lead_image_id}
        pictures = Picture.objects.in_bulk(wanted)
        for article in [self, *related]:
            if article.lead_image_id in pictures:
                article.lead_image = pictures[article.lead_image_id]
        shown = [*pictures.values(), *self.body_pictures()]
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

    def accepts_comments(self, settings, now=None):
        """Open to comments: switched on here, and not closed by age (the site's setting)."""
        if not self.comments_open:
            return False
        days = settings.close_after_days
        if days and self.first_published_at:
            now = now or timezone.now()
            return now < self.first_published_at + timedelta(days=days)
        return True

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if thread.shows_own_comments(request):
            # It shows this reader's own pending comments: no shared cache may keep it.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context(self, request, *args, comment_form=None, comment_message="", **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["comments"] = thread.CommentThread(
            self, request, form=comment_form, message=comment_message
        )
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
        context["related"] = related = self.related() if live else []
        self.load_pictures(related)
        context["terms"] = terms = self.terms(from_database=live)
        context["structured_data"] = self.structured_data(terms)
        return context

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


class AppealStatus(models.TextChoices):
    URGENT = "urgent", "Urgent"
    ONGOING = "ongoing", "Ongoing"
    RESOLVED = "resolved", "Resolved"


class AppealPage(ArticlePage):
    """An article asking readers to act now. An urgent, unexpired appeal raises the site banner."""

    status = models.CharField(
        max_length=20, choices=AppealStatus.choices, default=AppealStatus.URGENT, db_index=True
    )
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the appeal stops being urgent on its own: the site banner comes down then.",
    )
    updates = StreamField(AppealUpdatesBlock(), blank=True, help_text="Shown newest first.")

    content_panels = (
        ArticlePage.content_panels[:2]
        + [
            MultiFieldPanel(
                [FieldPanel("status"), FieldPanel("expires_at")], heading="Appeal status"
            ),
            FieldPanel("updates"),
        ]
        + ArticlePage.content_panels[2:]
    )

    parent_page_types = ["news.SectionPage"]
    subpage_types = []

    def __init__(self, *args, **kwargs):
        # A new appeal starts in sensitive mode: its readers may name people at risk. Rows
        # loaded from the database come positionally and keep what they hold.
        if not args:
            kwargs.setdefault("comments_sensitive", True)
        super().__init__(*args, **kwargs)

    @property
    def is_urgent(self):
        return self.status == AppealStatus.URGENT and not (
            self.expires_at and self.expires_at <= timezone.now()
        )

    @classmethod
    def urgent_appeal(cls):
        """The newest urgent, unexpired appeal as a small dict, or None; cached until it changes.

        Every page shows the banner, so this is read on every uncached request. The entry goes
        with the page tree's generation and never outlives the appeal's expiry.
        """
        key = pagetree.cache_key("urgent-appeal")
        cached = cache.get(key)
        now = timezone.now()
        if cached is not None and (
            cached == {} or not cached["expires_at"] or cached["expires_at"] > now
        ):
            return cached or None
        appeal = (
            cls.objects.visible()
            .filter(status=AppealStatus.URGENT)
            .exclude(expires_at__lte=now)
            .order_by("-first_published_at")
            .only("id", "title", "url_path", "expires_at", "standfirst")
            .first()
        )
        if appeal is None:
            cache.set(key, {}, 300)
            return None
        value = {
            "id": appeal.pk,
            "title": appeal.title,
            "url": appeal.url,
            "standfirst": appeal.standfirst,
            "expires_at": appeal.expires_at,
        }
        timeout = 300
        if appeal.expires_at:
            timeout = max(1, min(timeout, int((appeal.expires_at - now).total_seconds())))
        cache.set(key, value, timeout)
        return value

    def dated_updates(self):
        return sorted(self.updates, key=lambda update: update.value["date"], reverse=True)

    def structured_data(self, terms):
        data = super().structured_data(terms)
        data["genre"] = "Urgent appeal" if self.is_urgent else "Appeal"
        return data


class StandardPage(TreePage):
    """A page outside the news flow: About, Contact, how to give by post. Pages can nest."""

    body = StreamField(ArticleBodyBlock(), blank=True)

    content_panels = TreePage.content_panels + [FieldPanel("body")]
    search_fields = TreePage.search_fields + [index.SearchField("body")]

    parent_page_types = ["news.HomePage", "news.StandardPage"]
    subpage_types = ["news.StandardPage"]

    def breadcrumbs(self):
        """This page and the standard pages above it, from the top."""
        above = StandardPage.objects.ancestor_of(self).order_by("depth").only("title", "url_path")
        return [{"title": page.title, "url": page.url} for page in [*above, self]]
