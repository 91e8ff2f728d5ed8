"""WordPress comments -> the portal's comments, threads and history kept.

A comment's WordPress status is carried over as it is (approved, held for moderation -> pending,
spam, trash -> rejected): importing history is not a moderation decision, so it neither writes
moderation log entries nor emails moderators about comments that were held years ago. What keeps
the site consistent still happens: the page's cached thread is dropped and the reference index
learns of each comment.
"""

import ipaddress
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from wagtail.models import ReferenceIndex

from news.models import Comment, CommentStatus, WordPressImportRecord
from news.models.comments import announce_change

from .content import comment_text, html_to_text
from .records import Kind, digest

STATUSES = {
    "1": CommentStatus.APPROVED,
    "approve": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "hold": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.REJECTED,
    "post-trashed": CommentStatus.REJECTED,
}
PINGS = ("pingback", "trackback")
NAME_MAX = Comment._meta.get_field("name").max_length
URL_MAX = Comment._meta.get_field("url").max_length
web_address = URLValidator(schemes=["http", "https"])


def email_or_blank(value):
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def url_or_blank(value):
    value = value.strip()
    try:
        web_address(value)
    except ValidationError:
        return ""
    return value if len(value) <= URL_MAX else ""


def ip_or_none(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


class Comments:
    def __init__(self, run):
        self.run = run
        self.skipped = Counter()

    def import_comments(self, post, page):
        """Import a post's comments, once its page exists; counted comment by comment."""
        report = self.run.report
        wanted = [
            comment
            for comment in post.comments
            if comment.id.isdigit()
            and (self.run.options.with_pingbacks or comment.type not in PINGS)
        ]
        pings = sum(comment.type in PINGS for comment in post.comments if comment.id.isdigit())
        if pings and not self.run.options.with_pingbacks:
            report.count("comment", "skipped", pings)
            self.skipped["pings"] += pings
        unnumbered = sum(not comment.id.isdigit() for comment in post.comments)
        if unnumbered:
            report.count("comment", "failed", unnumbered)
            report.note(
                "comment", "", html_to_text(post.title), f"{unnumbered} comments without an id"
            )
        if not wanted:
            return
        records = {
            record.wp_id: record
            for record in self.run.records.for_kind(Kind.COMMENT).filter(
                wp_id__in=[comment.id for comment in wanted]
            )
        }
        existing = Comment.objects.in_bulk(record.object_id for record in records.values())
        desired = {comment.id: self.desired(comment, post, page) for comment in wanted}
        created, changed = [], []
        for comment in wanted:
            data = desired[comment.id]
            record = records.get(comment.id)
            current = existing.get(record.object_id) if record else None
            if current is not None and record.digest == digest(data):
                report.count("comment", "skipped")
            elif current is not None:
                changed.append((comment, self.apply(current, data)))
            else:
                created.append((comment, self.apply(Comment(), data)))
        Comment.objects.bulk_create([new for _, new in created])
        for _, comment in changed:
            comment.save()
        self.link_replies(created + changed, desired, existing, records)
        self.remember(created, changed, desired, records)
        self.index_references([comment for _, comment in created])
        for _, comment in changed:
            ReferenceIndex.create_or_update_for_object(comment)
        report.count("comment", "created", len(created))
        report.count("comment", "updated", len(changed))
        if any(comment.status == CommentStatus.APPROVED for _, comment in created + changed):
            announce_change([page.pk])

    def desired(self, comment, post, page):
        status = STATUSES.get(comment.approved.strip().lower())
        if status is None:
            self.skipped["unknown status"] += 1
            status = CommentStatus.PENDING
        name = html_to_text(comment.author)[:NAME_MAX] or "Anonymous"
        created_at = comment.date or post.date or timezone.now()
        return {
            "page": page.pk,
            "parent": comment.parent if comment.parent != "0" else "",
            "name": name,
            "email": email_or_blank(comment.email),
            "url": url_or_blank(comment.url),
            "ip_address": ip_or_none(comment.ip),
            "created_at": created_at,
            "body": comment_text(comment.content),
            "status": status,
        }

    @staticmethod
    def apply(comment, data):
        comment.page_id = data["page"]
        for name in ("name", "email", "url", "ip_address", "created_at", "body", "status"):
            setattr(comment, name, data[name])
        # Held years ago, not just now: no email to the moderators for these.
        comment.notified_at = comment.notified_at or timezone.now()
        return comment

    def link_replies(self, written, desired, existing, records):
        """Point replies at their parents, which may come later in the file or an earlier run."""
        by_wp_id = {
            wp_id: existing[r.object_id].pk
            for wp_id, r in records.items()
            if r.object_id in existing
        }
        by_wp_id.update({wp_comment.id: comment.pk for wp_comment, comment in written})
        missing = {
            desired[wp_comment.id]["parent"]
            for wp_comment, _ in written
            if desired[wp_comment.id]["parent"] not in by_wp_id
        } - {""}
        if missing:
            by_wp_id.update(
                self.run.records.for_kind(Kind.COMMENT)
                .filter(wp_id__in=missing)
                .values_list("wp_id", "object_id")
            )
        relinked = []
        for wp_comment, comment in written:
            parent = by_wp_id.get(desired[wp_comment.id]["parent"])
            if parent != comment.pk and comment.parent_id != parent:
                comment.parent_id = parent
                relinked.append(comment)
        Comment.objects.bulk_update(relinked, ["parent"])

    def index_references(self, comments):
        """Record new comments' references (their page and parent) in Wagtail's reference index.

        Exactly the rows `ReferenceIndex.create_or_update_for_object` writes, in one insert for a
        post's comments instead of two queries for each (it first reads what a new comment
        cannot have yet). tests/news/test_wordpress_comments.py holds it to Wagtail's own.
        """
        content_type = self.run.media.content_type(Comment)
        ReferenceIndex.objects.bulk_create(
            [
                ReferenceIndex(
                    content_type=content_type,
                    base_content_type=content_type,
                    object_id=comment.pk,
                    to_content_type_id=to_content_type,
                    to_object_id=to_object_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                )
                for comment in comments
                for to_content_type, to_object_id, model_path, content_path in set(
                    ReferenceIndex._extract_references_from_object(comment)
                )
            ],
            ignore_conflicts=True,
        )

    def remember(self, created, changed, desired, records):
        site = self.run.records.site
        content_type = self.run.media.content_type(Comment)
        WordPressImportRecord.objects.bulk_create(
            WordPressImportRecord(
                site=site,
                kind=Kind.COMMENT,
                wp_id=wp_comment.id,
                wp_parent=desired[wp_comment.id]["parent"],
                content_type=content_type,
                object_id=comment.pk,
                digest=digest(desired[wp_comment.id]),
            )
            for wp_comment, comment in created
        )
        for wp_comment, comment in changed:
            self.run.records.save(
                records[wp_comment.id],
                Kind.COMMENT,
                wp_comment.id,
                comment,
                digest(desired[wp_comment.id]),
                wp_parent=desired[wp_comment.id]["parent"],
            )

    def closing_notes(self):
        note = self.run.report.note
        if self.skipped["pings"]:
            note(
                "comment",
                "",
                "",
                f"{self.skipped['pings']} pingbacks and trackbacks skipped "
                "(--with-pingbacks imports them)",
            )
        if self.skipped["unknown status"]:
            note(
                "comment",
                "",
                "",
                f"{self.skipped['unknown status']} comments with an unknown status "
                "imported as pending",
            )
