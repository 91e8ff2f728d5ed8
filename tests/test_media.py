"""Documents are handed out only through Wagtail's checks, and no cache keeps the answer."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection

MINUTES = b"Minutes of the legal team's meeting with the prisoner's family."

Document = get_document_model()

pytestmark = pytest.mark.django_db


def document(collection=None):
    return Document.objects.create(
        title="Minutes",
        file=ContentFile(MINUTES, name="minutes.txt"),
        collection=collection or Collection.get_first_root_node(),
    )


def never_cached(response):
    cache_control = response.get("Cache-Control", "")
    return "no-store" in cache_control and "private" in cache_control


def test_a_document_is_never_cached(client):
    # One host, no bucket: the app sends the file itself, after Wagtail's checks.
    response = client.get(document().url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINUTES
    assert never_cached(response)
