"""How comments behave on a site: Settings → Comments in the admin."""

from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting


class NotifyMode(models.TextChoices):
    AT_ONCE = "at_once", "At once, one email per comment"
    DIGEST = "digest", "Once a day, one digest"


class CommentSettings(BaseSiteSetting):
    reply_depth = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="How deep replies nest. 1 means no replies; deeper replies show at the "
        "deepest level.",
    )
    close_after_days = models.PositiveIntegerField(
        default=0,
        help_text="Close comments this many days after an article is first published. "
        "0 means never.",
    )
    trust_returning_commenters = models.BooleanField(
        default=False,
        help_text="Publish at once a comment from an email address that already has an "
        "approved comment, unless anything flags it. Anyone can type someone else's address: "
        "leave it off where impersonation matters.",
    )
    notify = models.CharField(
        "email moderators",
        max_length=10,
        choices=NotifyMode.choices,
        default=NotifyMode.AT_ONCE,
        help_text="The digest needs `manage.py comment_digest` run daily.",
    )
    ip_retention_days = models.PositiveIntegerField(
        "keep IP addresses for (days)",
        default=30,
        validators=[MinValueValidator(1)],
        help_text="`manage.py clear_comment_ips`, run daily, clears older ones.",
    )
    min_fill_seconds = models.PositiveSmallIntegerField(
        "minimum seconds to write a comment",
        default=3,
        validators=[MaxValueValidator(30)],
        help_text="A comment sent sooner after the page was served counts as spam.",
    )
    ip_hourly_limit = models.PositiveSmallIntegerField(
        "comments per IP address per hour",
        default=10,
        validators=[MinValueValidator(1)],
        help_text="Households, offices and universities share an address: keep it generous.",
    )
    email_hourly_limit = models.PositiveSmallIntegerField(
        "comments per email address per hour", default=5, validators=[MinValueValidator(1)]
    )
    link_limit = models.PositiveSmallIntegerField(
        "links allowed",
        default=2,
        help_text="More links than this in one comment count towards spam.",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("reply_depth"),
                FieldPanel("close_after_days"),
                FieldPanel("trust_returning_commenters"),
                FieldPanel("notify"),
            ],
            heading="Discussion",
        ),
        MultiFieldPanel(
            [
                FieldPanel("min_fill_seconds"),
                FieldPanel("ip_hourly_limit"),
                FieldPanel("email_hourly_limit"),
                FieldPanel("link_limit"),
            ],
            heading="Spam and abuse",
        ),
        MultiFieldPanel([FieldPanel("ip_retention_days")], heading="Privacy"),
    ]

    class Meta:
        verbose_name = "comment settings"
        verbose_name_plural = "comment settings"

    @classmethod
    def for_site_cached(cls, site):
        """This site's settings from the shared cache: article pages read them on every view."""
        if site is None:
            return cls()
        key = cache_key(site.pk)
        found = cache.get(key)
        if found is None:
            found = cls.for_site(site)
            cache.set(key, found, None)
        return found


def cache_key(site_id):
    return f"comment-settings:{site_id}"


@receiver(post_save, sender=CommentSettings)
@receiver(post_delete, sender=CommentSettings)
def settings_changed(sender, instance, **kwargs):
    cache.delete(cache_key(instance.site_id))
