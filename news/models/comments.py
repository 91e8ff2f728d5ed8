"""Readers' comments on articles and appeals: nothing is public until a moderator approves it."""

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from wagtail.log_actions import log

# Sent with `page_ids` whenever what readers see of some pages' comments may have changed:
# a status change, an edit, an erasure. The comment thread cache listens; so may a page cache.
comments_changed = Signal()


def announce_change(page_ids):
    """Send `comments_changed` now and again once the transaction commits.

    Now, so that this process (and a test inside a transaction) sees the change at once; after
    the commit, so that no other process can have cached the old state in between.
    """
    page_ids = sorted(set(page_ids))
    comments_changed.send(Comment, page_ids=page_ids)
    transaction.on_commit(lambda: comments_changed.send(Comment, page_ids=page_ids))


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    SPAM = "spam", "Spam"
    REJECTED = "rejected", "Rejected"


# The audit log action for a move to each status; registered in news/wagtail_hooks.py.
STATUS_ACTIONS = {
    CommentStatus.APPROVED: "news.comment.approve",
    CommentStatus.SPAM: "news.comment.spam",
    CommentStatus.REJECTED: "news.comment.reject",
}


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CommentStatus.APPROVED)

    def pending(self):
        return self.filter(status=CommentStatus.PENDING)

    def by_email(self, email):
        return self.filter(email__iexact=email.strip()) if email.strip() else self.none()


class Comment(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="comments")
    # A reply outlives a deleted parent as a comment of its own rather than vanishing with it.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    name = models.CharField(max_length=100, blank=True)
    # Blank only once erased at the commenter's request; the form requires it.
    email = models.EmailField(blank=True, help_text="Never shown to readers.")
    url = models.URLField("website", max_length=200, blank=True)
    body = models.TextField(help_text="Plain text: paragraphs and line breaks are kept.")
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    # Kept for abuse control only; `manage.py clear_comment_ips` empties them after the
    # retention period in the site's comment settings.
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    spam_score = models.FloatField(default=0)
    # Why it scored what it did, and anything a moderator must look at: "links: 4",
    # "blocklist: domain example.com", "sensitive: phone number".
    flags = models.JSONField(default=list, blank=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When moderators were emailed about it."
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the commenter's details were erased on request."
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["page", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["email"]),
        ]
        permissions = [
            ("erase_commenter", "Can export and erase what is stored about a commenter"),
        ]

    def __str__(self):
        # No name or email: this label is copied into the audit log, which erasure leaves alone.
        return f"Comment #{self.pk}"

    @property
    def excerpt(self):
        text = " ".join(self.body.split())
        return text if len(text) <= 120 else text[:119].rstrip() + "…"

    def set_status(self, new, by=None):
        """Move to `new` and record who did it in the audit log; the only way a status changes.

        Any decision can be revised (spam rescued, an approved comment taken down), but nothing
        goes back to pending: a moderator has seen it. Returns whether anything changed.
        """
        new = CommentStatus(new)
        if new == CommentStatus.PENDING:
            raise ValueError("A comment cannot go back to pending once moderated.")
        with transaction.atomic():
            current = (type(self).objects.select_for_update().values_list("status", flat=True)).get(
                pk=self.pk
            )
            self.status = current
            if current == new:
                return False
            self.status = new
            type(self).objects.filter(pk=self.pk).update(status=new)
            log(
                instance=self,
                action=STATUS_ACTIONS[new],
                user=by,
                data={"from": current, "to": new},
            )
            if CommentStatus.APPROVED in (current, new):
                announce_change([self.page_id])
        return True


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def approved_comment_saved(sender, instance, **kwargs):
    """An approved comment added, edited, erased or deleted changes what readers see. Others do
    not: a flood of spam must not empty the caches of the page it targets."""
    if instance.status == CommentStatus.APPROVED:
        announce_change([instance.page_id])
