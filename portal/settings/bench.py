"""Benchmarks (`make bench`, bench/run.py): production's shape on one machine.

DEBUG off, cached templates, persistent connections; no TLS to redirect to, and a bare view
beside the site (bench/urls.py) that measures Django's own floor. bench/run.py chooses the
database and media folder through DATABASE_URL and MEDIA_ROOT.
"""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-key-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
DATABASES["default"].update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)  # noqa: F405
# Pages are measured, not static files: serve CSS from the app folders without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected, so WhiteNoise has no folder to look for
