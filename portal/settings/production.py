"""Production: several app processes behind a proxy, PostgreSQL, Redis, a task worker.

Refuses to start without its secrets rather than run with a guessable key or an open host list.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    DATABASE_URL,
    DEBUG_FROM_ENV,
    PAYMENTS_TEST_GATEWAY,
    REDIS_URL,
    SECRET_KEY,
)

_missing = [
    name
    for name, value in (
        ("SECRET_KEY", SECRET_KEY),
        ("ALLOWED_HOSTS", ALLOWED_HOSTS),
        ("DATABASE_URL", DATABASE_URL),
        # gunicorn runs several worker processes even on one host (deploy/gunicorn.conf.py):
        # with a cache each kept to itself, a publish would reach one worker's routes and rate
        # limits would count per worker.
        ("REDIS_URL", REDIS_URL),
    )
    if not value
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use 50 or more random characters, "
        'for example from `python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )
if DEBUG_FROM_ENV:
    raise ImproperlyConfigured("DEBUG must not be on in production.")
if PAYMENTS_TEST_GATEWAY:
    raise ImproperlyConfigured(
        "PAYMENTS_TEST_GATEWAY must not be on in production: it records gifts nobody paid."
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
DEMO_CONTENT_ALLOWED = False
# Each worker keeps its connection between requests (a new one costs milliseconds). Django reads
# both per database: as settings of their own they would do nothing.
DATABASES["default"].update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)  # noqa: F405

# Background work (receipts, notifications, Wagtail's search and reference indexes) waits in the
# database for `manage.py db_worker`; several workers on several hosts each take a task once.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
