"""Background work for comments: telling moderators that comments wait."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from news.models import Comment, CommentStatus


def moderator_emails():
    users = get_user_model().objects.with_perm(
        "news.change_comment", is_active=True, include_superusers=True
    )
    return sorted({user.email for user in users if user.email})


@task()
def notify_moderators(comment_ids):
    """Email moderators about those of these comments that still wait and were not announced.

    Takes ids, not comments; safe to run twice or at once: each comment is announced once,
    and a failed send leaves them unannounced for the next run. Returns how many it announced.
    """
    recipients = moderator_emails()
    if not recipients:
        return 0
    with transaction.atomic():
        waiting = list(
            Comment.objects.select_for_update(of=("self",))
            .filter(pk__in=comment_ids, status=CommentStatus.PENDING, notified_at__isnull=True)
            .select_related("page")
            .order_by("created_at", "pk")
        )
        if not waiting:
            return 0
        Comment.objects.filter(pk__in=[c.pk for c in waiting]).update(notified_at=timezone.now())
        context = {
            "comments": waiting,
            "pending_total": Comment.objects.pending().count(),
            "queue_url": settings.WAGTAILADMIN_BASE_URL
            + reverse("news_comment:list")
            + "?status=pending",
        }
        if len(waiting) == 1:
            subject = f"A comment on “{waiting[0].page.title}” is waiting for moderation"
        else:
            subject = f"{len(waiting)} comments are waiting for moderation"
        send_mail(
            subject,
            render_to_string("news/emails/comments_waiting.txt", context),
            None,
            recipients,
            html_message=render_to_string("news/emails/comments_waiting.html", context),
        )
    return len(waiting)
