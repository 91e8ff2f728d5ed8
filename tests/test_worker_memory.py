"""What a gunicorn worker loads before serving readers (bench/README.md, "Memory").

Each library here cost workers megabytes when loaded at start, though a reader never needs it.
"""

import hashlib
import inspect
import json
import os
import subprocess
import sys

import pytest
from django.apps import apps
from wagtail.contrib.redirects.apps import WagtailRedirectsAppConfig
from wagtail.documents.apps import WagtailDocsAppConfig
from wagtail.images.apps import WagtailImagesAppConfig
from wagtail.snippets.apps import WagtailSnippetsAppConfig

from portal import wagtail_apps

from .test_settings import GOOD, NOT_IN_PRODUCTION, ROOT, S3

# What portal/wsgi.py leaves loaded, with production's settings; a worker loads it at start.
LOADED_BY_A_WORKER = """
import json, sys
import portal.wsgi
print(json.dumps(sorted(name for name, module in sys.modules.items() if module is not None)))
"""
# The v3 API (ninja and its schemas), HEIF codecs, and the payment and S3 clients, which are
# loaded where they are used: a payment, a webhook, an upload.
NOT_AT_START = ("ninja", "pillow_heif", "stripe", "boto3", "botocore", "storages")


def test_a_worker_starts_without_libraries_readers_never_need():
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in GOOD and k not in S3 and k not in NOT_IN_PRODUCTION
    }
    environment.update(GOOD, DJANGO_SETTINGS_MODULE="portal.settings.production")
    result = subprocess.run(
        [sys.executable, "-c", LOADED_BY_A_WORKER],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = {name.split(".")[0] for name in json.loads(result.stdout)}
    # The same worker has loaded what a page view needs, so the list above means something.
    assert {"wagtail", "news", "donations", "PIL", "willow"} <= loaded
    assert sorted(loaded & set(NOT_AT_START)) == []


# Wagtail's ready() of each app that portal/wagtail_apps.py repeats without the v3 API, by the
# SHA-256 of its source. A new Wagtail that changes one must be read and followed there.
WAGTAIL_READY = [
    (WagtailImagesAppConfig, "52e409385bb1ad6269ea4d3e46918062ec1b167f9667b89fc6581a4d79c31aa2"),
    (WagtailDocsAppConfig, "4cdf87a46dbf81efa9910450b8a0756c0474db373c840e42180c24936737ac6d"),
    (WagtailSnippetsAppConfig, "1ac35b5ed40349560ef6772c940e99518fb6b96c9700e505fade4d7f289785e2"),
    (WagtailRedirectsAppConfig, "19d1a78049d84e479ad274b23b38dd533bfe9d897661912593ec0b2c293881e9"),
]


@pytest.mark.parametrize(("config", "digest"), WAGTAIL_READY, ids=lambda c: getattr(c, "name", ""))
def test_wagtail_apps_still_do_what_the_portal_repeats(config, digest):
    source = inspect.getsource(config.ready)
    assert hashlib.sha256(source.encode()).hexdigest() == digest, (
        f"Wagtail changed {config.__name__}.ready(): follow it in portal/wagtail_apps.py "
        "(leaving out only the v3 API), then update the digest here."
    )
    installed = apps.get_app_config(config.label)
    assert isinstance(installed, config)
    assert type(installed).__module__ == wagtail_apps.__name__
