"""Production settings for the app processes tests/deploy/test_two_machines.py starts.

Everything as production has it (DEBUG off, the database task queue, Redis, S3 media) except
what a local test cannot have: TLS in front, and static files collected beforehand.
"""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import CACHES, DATABASES, STORAGES

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
# One Redis for every run on the machine: keys named after this run's own database.
CACHES["default"]["KEY_PREFIX"] = DATABASES["default"]["NAME"]
