"""The import's memory of a WordPress site: which portal object each WordPress id became."""

import hashlib
import json

from django.contrib.contenttypes.models import ContentType

from news.models import WordPressImportRecord

Kind = WordPressImportRecord.Kind


def digest(data):
    """A fingerprint of what the import would write; equal fingerprints mean nothing changed."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


class Records:
    """Records of one WordPress site."""

    def __init__(self, site):
        self.site = site

    def for_kind(self, kind):
        return WordPressImportRecord.objects.filter(site=self.site, kind=kind)

    def get(self, kind, wp_id):
        return (
            WordPressImportRecord.objects.filter(site=self.site, kind=kind, wp_id=str(wp_id))
            .select_related("content_type")
            .first()
        )

    def target(self, record, queryset=None):
        """The portal object a record points to, or None if someone has deleted it since."""
        if record is None:
            return None
        model = record.content_type.model_class()
        queryset = queryset if queryset is not None else model._default_manager
        return queryset.filter(pk=record.object_id).first()

    def save(self, record, kind, wp_id, obj, data_digest, **extra):
        if record is None:
            record = WordPressImportRecord(site=self.site, kind=kind, wp_id=str(wp_id))
        record.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        record.object_id = obj.pk
        record.digest = data_digest
        for name, value in extra.items():
            setattr(record, name, value)
        record.save()
        return record


class RecentIds(dict):
    """WordPress ids resolved lately, so a term on every post costs one lookup, not thousands.

    Bounded: it starts afresh when full, so memory does not grow with the export.
    """

    LIMIT = 20_000

    def __setitem__(self, key, value):
        if len(self) >= self.LIMIT:
            self.clear()
        super().__setitem__(key, value)
