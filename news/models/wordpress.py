"""What `import_wordpress` made of each thing it read from a WordPress export."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class WordPressImportRecord(models.Model):
    """One author, term, attachment, post, page or comment of one WordPress site, and its copy here.

    Kept apart from the content models so that they carry no WordPress columns. A second import
    of the same site finds each thing here by its WordPress id and updates it in place; the digest
    of what was written last tells it when nothing changed.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author"
        CATEGORY = "category"
        TAG = "tag"
        ATTACHMENT = "attachment"
        POST = "post"
        PAGE = "page"
        COMMENT = "comment"

    site = models.CharField(
        max_length=255, help_text="The WordPress site's address (its base_blog_url)."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    wp_id = models.CharField(
        max_length=255,
        help_text="Post, attachment and comment id; author login; category or tag slug.",
    )
    wp_parent = models.CharField(
        max_length=255,
        blank=True,
        help_text="The parent's WordPress id: a page's parent page, an attachment's post.",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    upload_path = models.CharField(
        max_length=500,
        blank=True,
        help_text="An attachment's path under wp-content/uploads, to find it from links.",
    )
    digest = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wp_id"], name="unique_wordpress_record"
            )
        ]
        indexes = [
            models.Index(fields=["site", "kind", "upload_path"], name="wordpress_upload_path"),
            models.Index(fields=["content_type", "object_id"], name="wordpress_target"),
        ]

    def __str__(self):
        return f"{self.site} {self.kind} {self.wp_id}"
