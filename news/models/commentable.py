"""What makes a page take readers' comments: articles and appeals always may, standard pages
(About, a WordPress page brought over with its discussion) when an editor opens them."""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.cache import patch_cache_control
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from news.comments import thread
from portal import pagecache


class Commentable(models.Model):
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

    comment_panels = [
        MultiFieldPanel(
            [FieldPanel("comments_open"), FieldPanel("comments_sensitive")], heading="Comments"
        )
    ]

    class Meta:
        abstract = True

    def accepts_comments(self, settings):
        """Open to comments: switched on here, and not closed by age (the site's setting)."""
        if not self.comments_open:
            return False
        days = settings.close_after_days
        if days and self.first_published_at:
            closes_at = self.first_published_at + timedelta(days=days)
            pagecache.changes_at(closes_at)
            return timezone.now() < closes_at
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
        pagecache.shows_pages(self)  # its thread: a comment approved or erased purges it
        return context
