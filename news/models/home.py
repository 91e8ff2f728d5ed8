"""The home page: the lead story, then each section's newest articles."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page, Site

from news import pieces
from portal import pagecache, pagetree
from portal.pagetree import TreePage

from .appeals import AppealPage
from .articles import NEWEST_FIRST, ArticlePage, SectionPage


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
