"""Appeals: an article with a status, dated updates and its protest kit."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.search import index

from news.blocks import AppealUpdatesBlock
from news.protest.models import ProtestKit
from portal import pagecache, pagetree

from .articles import ArticlePage


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


class AppealPage(ProtestKit, RoutablePageMixin, ArticlePage):
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
        + ProtestKit.protest_panels
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
        errors.update(self.letter_errors())
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
        # Protests counted purge this page at most once a window (news/protest/views.py), so a
        # stored copy lives no longer than that: its counts are never older.
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
