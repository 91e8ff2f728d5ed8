"""The production settings refuse to start half-configured, and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "SECRET_KEY": "k3H9x!q2Lz7@pW4r#Vb8nM1c$Tt6yJ0sD5fG&hA-uE=iO+oP_lK*jN(mB)vC%xZ",
    "ALLOWED_HOSTS": "news.example.org",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
S3 = {
    "AWS_STORAGE_BUCKET_NAME": "portal-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
    "AWS_S3_CUSTOM_DOMAIN": "media.news.example.org",
    "AWS_S3_REGION_NAME": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "not-a-secret",
}
MEDIA_STORAGE = (
    "from django.core.files.storage import storages; s = storages['default']; "
    "print(type(s).__name__, getattr(s, 'file_overwrite', '-'), s.url('images/a.png'), "
    "s.url('documents/a.pdf'))"
)


# Set by tests/browser/conftest.py in a worker that ran browser tests; a real deploy has neither.
NOT_IN_PRODUCTION = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD and k not in S3 and k not in NOT_IN_PRODUCTION
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="portal.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", sorted(GOOD))
def test_production_refuses_to_start_without_each_secret(missing):
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "Production settings need these environment variables" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = manage("check", **{**GOOD, "SECRET_KEY": "changeme"})
    assert result.returncode != 0 and "SECRET_KEY is too weak" in result.stderr


def test_production_refuses_debug():
    result = manage("check", **GOOD, DEBUG="true")
    assert result.returncode != 0 and "DEBUG must not be on" in result.stderr


def test_production_refuses_the_offline_test_gateway():
    result = manage("check", **GOOD, PAYMENTS_TEST_GATEWAY="true")
    assert result.returncode != 0
    assert "PAYMENTS_TEST_GATEWAY must not be on in production" in result.stderr


def test_deploy_check_is_clean_with_secrets_set():
    result = manage("check", "--deploy", **GOOD)
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_seed_demo_refuses_production_settings():
    result = manage("seed_demo", **GOOD)
    assert result.returncode != 0 and "refuses to run with production settings" in result.stderr


def test_media_go_to_the_bucket_when_one_is_named():
    result = manage("shell", "--no-imports", "-c", MEDIA_STORAGE, **GOOD, **S3)
    assert result.returncode == 0, result.stderr
    # Two uploads named a.png stay two files; pictures' addresses are plain, for pages cached
    # whole; a document's is signed for a minute, by the bucket itself rather than the CDN.
    kind, overwrites, picture, document = result.stdout.split()
    assert [kind, overwrites, picture] == [
        "MediaStorage",
        "False",
        "https://media.news.example.org/images/a.png",
    ]
    assert document.startswith("https://s3.example.org/portal-media/documents/a.pdf?")
    assert "X-Amz-Expires=60&" in document and "X-Amz-Signature=" in document


def test_media_stay_on_disk_without_a_bucket():
    result = manage("shell", "--no-imports", "-c", MEDIA_STORAGE, **GOOD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "FileSystemStorage",
        "-",
        "/media/images/a.png",
        "/media/documents/a.pdf",
    ]


def test_workers_keep_their_database_connection_between_requests():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; "
        "print(connection.settings_dict['CONN_MAX_AGE'], connection.settings_dict['CONN_HEALTH_CHECKS'])",
        **GOOD,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True"]
