"""Media in a bucket: pictures on plain lasting addresses, documents only through Wagtail's checks.

The bucket is moto's S3 server on a local port, with the policy the README has operators apply
(deploy/bucket-policy.json), so what a reader's browser would fetch from it is fetched for real.
"""

import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from news.factories import PictureFactory
from portal.models import User

POLICY = Path(__file__).resolve().parent.parent / "deploy" / "bucket-policy.json"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
CDN = "media.news.example.org"
MINUTES = b"Minutes of the legal team's meeting with the prisoner's family."

Document = get_document_model()

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield "http://{}:{}".format(*server.get_host_and_port())
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    """A bucket set up as the README says, and the portal's media in it, as production has it
    with AWS_STORAGE_BUCKET_NAME set."""
    name = f"portal-media-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=name)
    client.put_bucket_policy(Bucket=name, Policy=POLICY.read_text().replace("BUCKET", name))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "portal.media.MediaStorage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
            },
        },
    }
    return f"{s3_server}/{name}/"


@pytest.fixture
def behind_a_cdn(bucket, settings):
    """Pictures served by a CDN named in AWS_S3_CUSTOM_DOMAIN."""
    settings.STORAGES["default"]["OPTIONS"]["custom_domain"] = CDN
    return bucket


def document(collection=None):
    return Document.objects.create(
        title="Minutes",
        file=ContentFile(MINUTES, name="minutes.txt"),
        collection=collection or Collection.get_first_root_node(),
    )


def private_collection(restriction_type, **restriction):
    collection = Collection.get_first_root_node().add_child(name="Legal team")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=restriction_type, **restriction
    )
    return collection


def expiry_seconds(address):
    return int(parse_qs(urlsplit(address).query)["X-Amz-Expires"][0])


def without_signature(address):
    return urlsplit(address)._replace(query="").geturl()


def reveals_no_file_address(response, bucket):
    """Neither a redirect nor the page shown points into the bucket."""
    shown = response.get("Location", "") + response.content.decode()
    return bucket not in shown and "X-Amz-" not in shown


def never_cached(response):
    cache_control = response.get("Cache-Control", "")
    return "no-store" in cache_control and "private" in cache_control


def test_a_picture_has_a_plain_lasting_address_anyone_can_read(bucket):
    picture = PictureFactory()
    rendition = picture.get_rendition("fill-400x300")

    for address in (rendition.url, picture.file.url):
        assert address.startswith(bucket)
        assert not urlsplit(address).query  # nothing to expire inside a cached page
        served = requests.get(address, timeout=10)
        assert served.status_code == 200
        assert served.headers["Cache-Control"] == "public, max-age=86400"


def test_a_document_is_handed_out_by_an_address_that_expires(bucket, client):
    minutes = document()

    response = client.get(minutes.url)

    assert response.status_code == 302
    address = response["Location"]
    assert address.startswith(bucket)
    assert 0 < expiry_seconds(address) <= 60
    served = requests.get(address, timeout=10)
    assert served.status_code == 200 and served.content == MINUTES
    # No shared cache may keep the file either.
    assert served.headers["Cache-Control"] == "private"
    # The bucket itself refuses the document to anyone without a signature.
    assert requests.get(without_signature(address), timeout=10).status_code == 403
    assert never_cached(response)


def test_a_document_is_signed_by_the_bucket_even_when_a_cdn_serves_pictures(behind_a_cdn, client):
    bucket = behind_a_cdn
    assert PictureFactory().file.url.startswith(f"https://{CDN}/original_images/")

    address = client.get(document().url)["Location"]

    assert address.startswith(bucket) and CDN not in address
    assert expiry_seconds(address) <= 60
    assert requests.get(address, timeout=10).content == MINUTES


def test_a_password_protected_document_reveals_no_address_before_the_password(bucket, client):
    collection = private_collection("password", password="picket-line")
    restriction = collection.get_view_restrictions().get()
    minutes = document(collection)

    asked = client.get(minutes.url)
    assert asked.status_code == 200
    assert b"password" in asked.content.lower()
    assert reveals_no_file_address(asked, bucket)

    client.post(
        reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk]),
        {"password": "picket-line", "return_url": minutes.url},
    )
    passed = client.get(minutes.url)
    assert passed.status_code == 302
    assert passed["Location"].startswith(bucket)
    assert expiry_seconds(passed["Location"]) <= 60
    assert never_cached(passed)

    # The next reader, without the password, is asked for it, not sent the first one's address.
    stranger = Client().get(minutes.url)
    assert stranger.status_code == 200
    assert reveals_no_file_address(stranger, bucket)


def test_a_document_for_logged_in_readers_reveals_no_address_to_others(bucket, client):
    minutes = document(private_collection("login"))
    member = User.objects.create_user("member", "member@example.org", "member-password")

    anonymous = client.get(minutes.url)
    assert anonymous.status_code == 302
    assert reveals_no_file_address(anonymous, bucket)
    assert never_cached(anonymous)

    client.force_login(member)
    signed_in = client.get(minutes.url)
    assert signed_in["Location"].startswith(bucket)
    assert never_cached(signed_in)

    stranger = Client().get(minutes.url)
    assert stranger.status_code == 302
    assert reveals_no_file_address(stranger, bucket)


def test_a_document_on_disk_is_never_cached_either(client):
    # One host, no bucket: the app sends the file itself, after the same checks.
    response = client.get(document().url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINUTES
    assert never_cached(response)
