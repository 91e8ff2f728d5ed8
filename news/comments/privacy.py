"""Everything stored about a commenter, found by email address: to export, or to erase.

A comment's audit log entries name the comment by number and record status changes; they
hold no name, email or IP address, so erasing the comment's fields erases the person.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from news.models import Comment, CommentSettings

EXPORT_FIELDS = (
    "id",
    "name",
    "email",
    "url",
    "body",
    "status",
    "ip_address",
    "user_agent",
    "created_at",
    "spam_score",
    "flags",
    "notified_at",
    "erased_at",
)


def export(email):
    """A JSON-ready account of every comment stored under this email address."""
    comments = Comment.objects.by_email(email).select_related("page").order_by("created_at", "pk")
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                **{
                    name: value.isoformat() if hasattr(value, "isoformat") else value
                    for name in EXPORT_FIELDS
                    for value in [getattr(comment, name)]
                },
                "parent_id": comment.parent_id,
                "page": {"id": comment.page_id, "title": comment.page.title},
            }
            for comment in comments
        ],
    }


def erase(email, *, remove_text=False, by=None):
    """Remove the name, email, website, IP address and browser of every comment under this
    email address, and their text too if asked. Returns how many comments were erased.

    What the comments said stays, unless removed, so that replies keep their sense.
    """
    now = timezone.now()
    with transaction.atomic():
        comments = list(Comment.objects.by_email(email).select_for_update())
        for comment in comments:
            comment.name = comment.email = comment.url = comment.user_agent = ""
            comment.ip_address = None
            comment.erased_at = now
            # Flags can quote the text (a blocked word); they go with it.
            if remove_text:
                comment.body = ""
                comment.flags = []
            comment.save(
                update_fields=[
                    "name",
                    "email",
                    "url",
                    "user_agent",
                    "ip_address",
                    "erased_at",
                    "body",
                    "flags",
                ]
            )
            log(
                instance=comment,
                action="news.comment.erase",
                user=by,
                data={"text_removed": remove_text},
            )
    return len(comments)


def clear_old_ip_addresses(now=None):
    """Clear IP addresses and browser strings older than the retention setting. Returns how many
    comments it cleared."""
    site = Site.objects.filter(is_default_site=True).first()
    days = CommentSettings.for_site_cached(site).ip_retention_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(ip_address__isnull=True, user_agent="")
        .update(ip_address=None, user_agent="")
    )
