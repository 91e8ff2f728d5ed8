"""WordPress uploads -> the portal's pictures and documents.

An attachment names its file by a path under `wp-content/uploads` (`2019/05/picket.jpg`); the
operator passes a copy of that folder as `--media-dir`. Content refers to the same files by
address, often a resized copy (`picket-300x200.jpg`) or a WordPress.com host, so every address
is reduced to that uploads path before it is looked up.
"""

import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.utils.file import hash_filelike
from willow.image import Image as WillowImage

from news.models import Picture, WordPressImportRecord

from .content import html_to_text
from .records import Kind, RecentIds, digest

_SIZED = re.compile(r"-\d+x\d+(\.\w+)$")
_SCALED = re.compile(r"-scaled(\.\w+)$")
_CREDIT = re.compile(r's:6:"credit";s:\d+:"(.*?)";')


def upload_path(value):
    """The path under wp-content/uploads that a URL or stored file path points to, or ''."""
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value if not value.startswith("//") else "https:" + value)
    path = unquote(parts.path)
    for marker in ("/wp-content/uploads/", "/files/"):
        if marker in path:
            return path.rsplit(marker, 1)[1]
    if parts.netloc.endswith(".files.wordpress.com"):
        return path.lstrip("/")
    if not parts.scheme and not parts.netloc and not path.startswith("/"):
        return path  # already relative, as _wp_attached_file usually is
    return ""


def path_variants(path):
    """The original file's path for a resized or scaled copy, most specific first."""
    variants = [path]
    unsized = _SIZED.sub(r"\1", path)
    if unsized != path:
        variants.append(unsized)
    variants.append(_SCALED.sub(r"\1", unsized))
    variants.append(re.sub(r"(\.\w+)$", r"-scaled\1", variants[-1]))
    return list(dict.fromkeys(variants))


def attachment_path(post):
    """Where an attachment's file lives under uploads, from the best source that says."""
    for value in (post.meta.get("_wp_attached_file", ""), post.attachment_url, post.guid):
        path = upload_path(value)
        if path:
            return path
    return ""


def attachment_credit(post):
    """The photographer's credit WordPress keeps in the attachment's serialized metadata."""
    match = _CREDIT.search(post.meta.get("_wp_attachment_metadata", ""))
    return match.group(1) if match else ""


def find_file(media_dir, relative):
    """The file in the copy of uploads, never outside it: the path comes from the export."""
    if not media_dir or not relative:
        return None
    root = Path(media_dir).resolve()
    for candidate in (root / relative, root / "uploads" / relative):
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            continue
        if resolved.is_relative_to(root) and resolved.is_file():
            return resolved
    return None


def file_kind(path):
    extension = Path(path).suffix.lower().lstrip(".")
    if extension in settings.WAGTAILIMAGES_EXTENSIONS:
        return "picture"
    if extension in settings.WAGTAILDOCS_EXTENSIONS:
        return "document"
    return None


def readable_image(path):
    """Whether the file is a picture Wagtail can read, checked before anything is stored."""
    try:
        with path.open("rb") as handle:
            width, height = WillowImage.open(handle).get_size()
    except Exception:  # noqa: BLE001 - Willow and Pillow raise many types for a damaged file
        return False
    return width > 0 and height > 0


def file_hash(path):
    with path.open("rb") as handle:
        return hash_filelike(handle)


def store_picture(picture, path):
    with path.open("rb") as handle:
        picture.file.save(path.name, File(handle), save=False)
    picture._set_image_file_metadata()
    picture.file.close()


def store_document(document, path):
    with path.open("rb") as handle:
        document.file.save(path.name, File(handle), save=False)
    document._set_document_file_metadata()
    document.file.close()


def media_models():
    return Picture, get_document_model()


@contextmanager
def scratch_storage():
    """Files saved inside go to a temporary folder, deleted after: a dry run writes nothing."""
    fields = [model._meta.get_field("file") for model in media_models()]
    saved = [field.storage for field in fields]
    with tempfile.TemporaryDirectory(prefix="wordpress-dry-run-") as folder:
        scratch = FileSystemStorage(location=folder, base_url=settings.MEDIA_URL)
        for field in fields:
            field.storage = scratch
        try:
            yield
        finally:
            for field, storage in zip(fields, saved, strict=True):
                field.storage = storage


class MediaLibrary:
    """Attachments in, and the answers content conversion needs about them."""

    def __init__(self, run, media_dir):
        self.run = run
        self.media_dir = Path(media_dir) if media_dir else None
        self.found = RecentIds()

    def forget(self):
        self.found.clear()

    def import_attachment(self, post):
        report = self.run.report
        relative = attachment_path(post)
        title = (html_to_text(post.title) or Path(relative).name or f"Attachment {post.id}")[:255]
        if self.media_dir is None:
            report.count("attachment", "skipped")
            self.run.attachments_without_media_dir += 1
            return
        kind = file_kind(relative)
        if kind is None:
            report.count("attachment", "skipped")
            report.note("attachment", post.id, title, f"not a picture or document: {relative}")
            return
        path = find_file(self.media_dir, relative)
        if path is None:
            report.count("attachment", "skipped")
            report.note("attachment", post.id, title, f"file missing from --media-dir: {relative}")
            return
        stat = path.stat()
        data = {
            "kind": kind,
            "title": title,
            "alt": html_to_text(post.meta.get("_wp_attachment_image_alt", ""))[:255],
            "credit": html_to_text(attachment_credit(post))[:255],
            "path": relative,
            "size": stat.st_size,
            "mtime": stat.st_mtime_ns,
        }
        records = self.run.records
        record = records.get(Kind.ATTACHMENT, post.id)
        item = records.target(record)
        if item is not None and record.digest == digest(data):
            report.count("attachment", "skipped")
        else:
            if kind == "picture" and not readable_image(path):
                report.count("attachment", "failed")
                report.note("attachment", post.id, title, f"not a readable picture: {relative}")
                return
            outcome = "updated" if item is not None else "created"
            item = self.save_item(item, kind, data, path)
            records.save(
                record,
                Kind.ATTACHMENT,
                post.id,
                item,
                digest(data),
                upload_path=relative,
                wp_parent=post.parent,
            )
            report.count("attachment", outcome)
        self.run.redirects.point(self.run.redirects.post_paths(post), url=self.public_url(item))

    def save_item(self, item, kind, data, path):
        _, Document = media_models()
        if item is None:
            item = Picture() if kind == "picture" else Document()
        item.title = data["title"]
        if kind == "picture":
            item.description = data["alt"]
            item.credit = data["credit"]
        if item.pk is None or item.file_hash != file_hash(path):
            old_name = item.file.name if item.pk else ""
            (store_picture if kind == "picture" else store_document)(item, path)
            if old_name and old_name != item.file.name:
                storage = item.file.storage
                transaction.on_commit(lambda: storage.delete(old_name))
                if kind == "picture":
                    item.renditions.all().delete()
        item.save()
        return item

    @staticmethod
    def public_url(item):
        """Where readers fetch the file: pictures from storage, documents through Wagtail."""
        url = item.file.url if isinstance(item, Picture) else item.url
        return url if "://" in url else settings.BASE_URL + url

    def record_for(self, wp_id, url):
        key = (wp_id, url)
        if key in self.found:
            return self.found[key]
        records = WordPressImportRecord.objects.filter(
            site=self.run.records.site, kind=Kind.ATTACHMENT
        )
        found = None
        if wp_id:
            found = records.filter(wp_id=wp_id).values_list("content_type", "object_id").first()
        path = upload_path(url) if url and self.may_hold_uploads(url) else ""
        if found is None and path:
            variants = path_variants(path)
            rows = {
                upload: (content_type, object_id)
                for upload, content_type, object_id in records.filter(
                    upload_path__in=variants
                ).values_list("upload_path", "content_type", "object_id")
            }
            found = next((rows[variant] for variant in variants if variant in rows), None)
        self.found[key] = found
        return found

    def host(self, url):
        return urlsplit(url if not url.startswith("//") else "https:" + url).netloc.lower()

    def is_ours(self, url):
        """An address on the old site itself (or a relative one)."""
        host = self.host(url)
        return not host or host in self.run.hosts

    def may_hold_uploads(self, url):
        """The old site, or the hosts WordPress.com and Jetpack serve a site's uploads from."""
        return self.is_ours(url) or self.host(url).endswith((".wordpress.com", ".wp.com"))

    def picture(self, wp_id, url):
        found = self.record_for(wp_id, url)
        if found and found[0] == self.content_type(Picture).pk:
            return found[1]
        return None

    def attached_pictures(self, post_id):
        picture_type = self.content_type(Picture)
        return list(
            WordPressImportRecord.objects.filter(
                site=self.run.records.site,
                kind=Kind.ATTACHMENT,
                wp_parent=str(post_id),
                content_type=picture_type,
            )
            .order_by("wp_id")
            .values_list("object_id", flat=True)
        )

    def link(self, href):
        """Where a link in content should now point: an imported file, this site, or as it was."""
        if self.may_hold_uploads(href) and upload_path(href):
            found = self.record_for(None, href)
            if found:
                content_type, object_id = found
                if content_type != self.content_type(Picture).pk:
                    return ("document", object_id)
                picture = Picture.objects.filter(pk=object_id).first()
                if picture is not None:
                    return ("url", picture.file.url)
        parts = urlsplit(href)
        if parts.netloc and self.is_ours(href):
            # The same site under its new software: keep the path, and let redirects do the rest.
            relative = parts.path or "/"
            relative += f"?{parts.query}" if parts.query else ""
            relative += f"#{parts.fragment}" if parts.fragment else ""
            return ("url", relative)
        return ("url", href)

    @staticmethod
    def content_type(model):
        return ContentType.objects.get_for_model(model)
