"""Standard pages: About, Contact, anything outside the news flow."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from news.blocks import ArticleBodyBlock
from portal.pagetree import TreePage

from .commentable import Commentable


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
