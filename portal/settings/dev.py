"""One machine, for development and the demo: `make run`."""

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DEBUG_FROM_ENV, MEDIA_STORAGE, SECRET_KEY

DEBUG = DEBUG_FROM_ENV is not False
SECRET_KEY = SECRET_KEY or "dev-only-key-not-secret"  # noqa: S105
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
# Serve static files from the app folders without `collectstatic`.
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
