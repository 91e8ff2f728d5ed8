"""The page types an editor builds the site from."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager, Site
from wagtail.query import PageQuerySet
from wagtail.search import index

from news import bodycache, pieces
from news.blocks import AppealUpdatesBlock, ArticleBodyBlock
from news.letters import Letter, describe_placeholders, fill, unknown_placeholders
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
from .targets import AppealTarget, email_list, validate_email_list
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
    subpage_types = ["news.SectionPage", "news.StandardPage", "donations.DonatePage"]

    ARTICLES_PER_SECTION = 4

    @classmethod
    def make_for_site(cls, title, **fields):
        """The site's home page, published at the top of the tree, with the default site
        pointed at it: what a bare install (only `migrate` run) lacks. Wagtail's "Welcome"
        placeholder goes once nothing points at it."""
        root = Page.get_first_root_node()
        welcome = root.get_children().filter(content_type__model="page").first()
        home = cls(title=title, slug="portal-home", **fields)
        root.add_child(instance=home)
        site = {"root_page": home, "site_name": title}
        Site.objects.update_or_create(
            is_default_site=True, defaults=site, create_defaults={**site, "hostname": "localhost"}
        )
        if welcome is not None and welcome.specific_class is Page and not welcome.numchild:
            welcome.delete()
            home.slug = "home"
        home.save_revision().publish()
        return home

    def lead(self):
        """The lead story, as a card (news/cards.py draws it)."""
        if self.lead_story_id:
            chosen = ArticlePage.objects.for_cards().filter(pk=self.lead_story_id).first()
            if chosen:
                return chosen
        urgent = AppealPage.urgent_appeal()
        if urgent:
            pagecache.changes_at(urgent["expires_at"])  # then the newest article leads
            return ArticlePage.objects.for_cards().filter(pk=urgent["id"]).first()
        return ArticlePage.objects.for_cards().first()

    def section_listings(self, exclude=None):
        """Each section with its newest articles.

        Which articles those are is a few index lookups per section, cached until the page tree
        changes; the cards themselves are read in one query, whatever the size of the archive.
        """
        sections_key = pagetree.cache_key("home-section-pages", self.pk)
        sections = pagetree.read(sections_key)
        if sections is None:
            sections = list(SectionPage.objects.child_of(self).live().order_by("path"))
            pagetree.keep(sections_key, sections)
        key = pagetree.cache_key("home-sections", self.pk, getattr(exclude, "pk", None))
        ids = pagetree.read(key)
        if ids is None:
            candidates = ArticlePage.objects.visible().exclude(pk=getattr(exclude, "pk", None))
            ids = [
                pk
                for section in sections
                for pk in candidates.child_of(section)
                .order_by(*NEWEST_FIRST)
                .values_list("pk", flat=True)[: self.ARTICLES_PER_SECTION]
            ]
            pagetree.keep(key, ids)
        by_section = {section.path: [] for section in sections}
        for article in ArticlePage.objects.for_cards().filter(pk__in=ids):
            by_section[article.path[: -article.steplen]].append(article)
        return [(section, by_section[section.path]) for section in sections]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["pieces"] = pieces.for_listing(request, read=self.reading)
        return context

    def reading(self):
        """The lead and each section's newest, read only when the kept listing is stale."""
        lead = self.lead()
        context = {
            "lead": lead,
            "lead_cards": [lead] if lead else [],
            "sections": self.section_listings(exclude=lead),
        }
        return context, set()


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


class AppealStatus(models.TextChoices):
    URGENT = "urgent", "Urgent"
    ONGOING = "ongoing", "Ongoing"
    RESOLVED = "resolved", "Resolved"


class AppealOutcome(models.TextChoices):
    WON = "won", "Won"
    CLOSED = "closed", "Closed"


# How stale a stored appeal page's protest counts may be at the height of a campaign.
PROTEST_COUNTS_FRESH_WITHIN = 60
# How long the urgent banner's appeal is kept before it is looked up again, at most.
URGENT_APPEAL_SECONDS = 300


class AppealPage(RoutablePageMixin, ArticlePage):
    """An article asking readers to act now. An urgent, unexpired appeal raises the site banner.

    Its protest kit: the officials to write to (`targets`), the campaign's addresses that get a
    copy, and a model letter each official receives filled in with their own name and role.
    """

    status = models.CharField(
        max_length=20, choices=AppealStatus.choices, default=AppealStatus.URGENT, db_index=True
    )
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the appeal stops being urgent on its own: the site banner comes down then.",
    )
    outcome = models.CharField(
        max_length=20,
        choices=AppealOutcome.choices,
        blank=True,
        help_text="How a resolved appeal ended. Shown at the top of the page.",
    )
    outcome_note = models.TextField(
        max_length=600,
        blank=True,
        help_text="What happened, in a sentence or two: “Ainur was released on 13 May.”",
    )
    updates = StreamField(AppealUpdatesBlock(), blank=True, help_text="Shown newest first.")
    prisoner = models.CharField(
        "who the appeal is for",
        max_length=255,
        blank=True,
        help_text="The name the letter's {prisoner} stands for.",
    )
    copies_to = models.TextField(
        "send copies to",
        blank=True,
        validators=[validate_email_list],
        help_text="The campaign's addresses, one per line: every letter copies them in.",
    )
    letter_subject = models.CharField(max_length=255, blank=True)
    letter_body = models.TextField(
        blank=True,
        help_text="Placeholders: " + describe_placeholders() + ". End with a closing such as "
        "“Yours sincerely,”: the reader adds their name.",
    )

    content_panels = (
        ArticlePage.content_panels[:2]
        + [
            MultiFieldPanel(
                [
                    FieldPanel("status"),
                    FieldPanel("expires_at"),
                    FieldPanel("outcome"),
                    FieldPanel("outcome_note"),
                ],
                heading="Appeal status",
            ),
            FieldPanel("updates"),
        ]
        + ArticlePage.content_panels[2:]
        + [
            MultiFieldPanel(
                [
                    FieldPanel("prisoner"),
                    FieldPanel("copies_to"),
                    FieldPanel("letter_subject"),
                    FieldPanel("letter_body"),
                ],
                heading="Protest letter",
            ),
            InlinePanel("targets", label="Official", heading="Send protests to"),
        ]
    )
    search_fields = ArticlePage.search_fields + [
        index.SearchField("prisoner"),
        index.RelatedFields("targets", [index.SearchField("name"), index.SearchField("role")]),
    ]

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

    @property
    def is_resolved(self):
        return self.status == AppealStatus.RESOLVED

    def clean(self):
        super().clean()
        errors = {}
        if self.is_resolved and not self.outcome:
            errors["outcome"] = "Say how the appeal ended: won or closed."
        if self.outcome and not self.is_resolved:
            errors["outcome"] = (
                "Only a resolved appeal has an outcome: set the status to Resolved, "
                "or leave the outcome empty."
            )
        for field in ("letter_subject", "letter_body"):
            unknown = unknown_placeholders(getattr(self, field))
            if unknown:
                errors[field] = (
                    "The letter cannot fill in "
                    + ", ".join(f"{{{name}}}" for name in unknown)
                    + ". Use only "
                    + describe_placeholders()
                    + ", and write anything else out in full."
                )
        if bool(self.letter_subject.strip()) != bool(self.letter_body.strip()):
            missing = "letter_body" if self.letter_subject.strip() else "letter_subject"
            errors.setdefault(missing, "A letter needs both a subject and a body.")
        uses_prisoner = "{prisoner}" in self.letter_subject + self.letter_body
        if uses_prisoner and not self.prisoner.strip():
            errors["prisoner"] = "The letter uses {prisoner}: give the name it stands for."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def urgent_appeal(cls):
        """The newest urgent, unexpired appeal as a small dict, or None; cached until it changes.

        Every page shows the banner, so this is read on every uncached request. The entry goes
        with the page tree's generation and never outlives the appeal's expiry.
        """
        key = pagetree.cache_key("urgent-appeal")
        cached = pagetree.read(key, lifetime=URGENT_APPEAL_SECONDS)
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
            pagetree.keep(key, {}, URGENT_APPEAL_SECONDS)
            return None
        value = {
            "id": appeal.pk,
            "title": appeal.title,
            "url": appeal.url,
            "standfirst": appeal.standfirst,
            "expires_at": appeal.expires_at,
        }
        timeout = URGENT_APPEAL_SECONDS
        if appeal.expires_at:
            timeout = max(1, min(timeout, int((appeal.expires_at - now).total_seconds())))
        pagetree.keep(key, value, timeout)
        return value

    def page_cache_tags(self):
        """An appeal may be the urgent banner on every page."""
        return {*super().page_cache_tags(), pagecache.SITE}

    def appeal_box(self):
        """The body's first appeal box, to offer again once a reader has acted."""
        return next((block for block in self.body if block.block_type == "appeal_box"), None)

    def dated_updates(self):
        return sorted(self.updates, key=lambda update: update.value["date"], reverse=True)

    def structured_data(self, terms):
        data = super().structured_data(terms)
        data["genre"] = "Urgent appeal" if self.is_urgent else "Appeal"
        return data

    def copy_addresses(self):
        return email_list(self.copies_to)

    @property
    def has_letter(self):
        return bool(self.letter_subject.strip() and self.letter_body.strip())

    def letter_to(self, target):
        values = {
            "target_name": target.name,
            "target_role": target.role,
            "prisoner": self.prisoner,
        }
        return Letter(
            to=target.email_addresses,
            cc=self.copy_addresses(),
            subject=fill(self.letter_subject, values),
            body=fill(self.letter_body, values),
        )

    def protest_targets(self, from_database=True):
        """The targets in order with their tallies, in one query; a preview's come from the form."""
        if not from_database:
            return list(self.targets.all())
        return list(
            AppealTarget.objects.filter(page=self).select_related("tally").order_by("sort_order")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        targets = self.protest_targets(from_database=not getattr(request, "is_preview", False))
        copies = self.copy_addresses()
        context["protest_targets"] = [(target, self.letter_to(target)) for target in targets]
        context["protests_sent"] = sum(target.protests_sent for target in targets)
        context["copies"] = copies
        context["all_addresses"] = list(
            dict.fromkeys([a for target in targets for a in target.email_addresses] + copies)
        )
        context["letters_url"] = self.route_url("letters")
        context["updates_feeds"] = self.updates_feeds()
        # Protests counted purge this page at most once a window (news/protests.py), so a stored
        # copy lives no longer than that: its counts are never older.
        pagecache.changes_at(timezone.now() + timedelta(seconds=PROTEST_COUNTS_FRESH_WITHIN))
        return context

    def route_url(self, name):
        # A preview of a page not yet in the tree has no URL: its links stay relative.
        return (self.url or "") + self.reverse_subpage(name)

    def updates_feeds(self):
        return {"rss": self.route_url("updates_feed"), "atom": self.route_url("updates_atom")}

    def get_cached_paths(self):
        return ["/", "/letter/", "/feed/", "/feed/atom/"]

    @path("letter/", name="letters")
    @path("letter/<int:target_id>/", name="letter")
    def letters(self, request, target_id=None):
        """The model letter for each target, one per printed page, to sign and post or fax."""
        targets = self.protest_targets()
        if target_id is not None:
            targets = [target for target in targets if target.pk == target_id]
        if not targets or not self.has_letter:
            raise Http404("This appeal has no letter to print")
        return TemplateResponse(
            request,
            "news/appeal_letters.html",
            {
                "page": self,
                "letters": [(target, self.letter_to(target)) for target in targets],
                "single": target_id is not None,
            },
        )

    @path("feed/", name="updates_feed")
    def rss_feed(self, request):
        from news.feeds import AppealUpdatesFeed

        return AppealUpdatesFeed(self)(request)

    @path("feed/atom/", name="updates_atom")
    def atom_feed(self, request):
        from news.feeds import AppealUpdatesFeed

        return AppealUpdatesFeed(self, atom=True)(request)


class StandardPage(Commentable, TreePage):
    """A page outside the news flow: About, Contact, how to give by post. Pages can nest.
    Closed to comments unless an editor opens it (or it came from WordPress open)."""

    body = StreamField(ArticleBodyBlock(), blank=True)
    comments_open = models.BooleanField(
        default=False,
        help_text="Readers may comment, until the site's comment settings close it by age.",
    )

    content_panels = TreePage.content_panels + [FieldPanel("body")]
    settings_panels = Commentable.comment_panels + TreePage.settings_panels
    search_fields = TreePage.search_fields + [index.SearchField("body")]

    parent_page_types = ["news.HomePage", "news.StandardPage"]
    subpage_types = ["news.StandardPage"]

    def breadcrumbs(self):
        """This page and the standard pages above it, from the top."""
        above = StandardPage.objects.ancestor_of(self).order_by("depth").only("title", "url_path")
        return [{"title": page.title, "url": page.url} for page in [*above, self]]
