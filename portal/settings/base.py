"""Settings shared by every environment.

Every environment variable the portal reads is read here, at the top, and listed in
`.env.example`. The environment modules (dev, test, production) only choose among them.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="")
# None when unset, so that dev.py can default it on and production.py can refuse it.
DEBUG_FROM_ENV = env.bool("DEBUG", default=None)
DEBUG = bool(DEBUG_FROM_ENV)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
DATABASE_URL = env.str("DATABASE_URL", default="")
DATABASES = {
    "default": env.db_url_config(DATABASE_URL or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
REDIS_URL = env.str("REDIS_URL", default="")
# Without Redis, the folder of the cache every process on this machine shares.
CACHE_DIR = env.path("CACHE_DIR", default=VAR_DIR / "cache")
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Portal <newsroom@localhost>")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_PRODUCT_ID = env.str("STRIPE_PRODUCT_ID", default="portal-donation")
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=10.0)
PAYPAL_RECEIVER_EMAIL = env.str("PAYPAL_RECEIVER_EMAIL", default="")
PAYPAL_TEST = env.bool("PAYPAL_TEST", default=False)
PAYPAL_IPN_POSTBACK_URL = env.str("PAYPAL_IPN_POSTBACK_URL", default="")
# IPNs one address may post per minute before the rest are answered 429 (PayPal sends them
# again later): well above what PayPal's few sending addresses post on a busy day.
PAYPAL_IPNS_PER_IP = env.int("PAYPAL_IPNS_PER_IP", default=600)
# None means "decide from the environment": on in dev without provider keys, off otherwise.
PAYMENTS_TEST_GATEWAY = env.bool("PAYMENTS_TEST_GATEWAY", default=None)
AKISMET_API_KEY = env.str("AKISMET_API_KEY", default="")
# How many reverse proxies in front of the app append to X-Forwarded-For; 0 trusts only the
# connection's own address. Comment rate limits and abuse control need the reader's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
DONATIONS_CHECKOUTS_PER_IP = env.int("DONATIONS_CHECKOUTS_PER_IP", default=10)
DONATIONS_CHECKOUTS_PER_EMAIL = env.int("DONATIONS_CHECKOUTS_PER_EMAIL", default=5)
DONATIONS_CHECKOUT_WINDOW = env.int("DONATIONS_CHECKOUT_WINDOW", default=60 * 60)
DONATIONS_FAILURE_THRESHOLD = env.int("DONATIONS_FAILURE_THRESHOLD", default=20)
DONATIONS_FAILURE_WINDOW = env.int("DONATIONS_FAILURE_WINDOW", default=15 * 60)
DONATIONS_PAUSE_SECONDS = env.int("DONATIONS_PAUSE_SECONDS", default=30 * 60)
DONATIONS_ALERT_EMAILS = env.list("DONATIONS_ALERT_EMAILS", default=[])
DONATIONS_MANAGE_LINK_DAYS = env.int("DONATIONS_MANAGE_LINK_DAYS", default=30)
DONATIONS_FEE_PERCENT = env.str("DONATIONS_FEE_PERCENT", default="2.9")
# Whole pages for anonymous readers (portal/pagecache.py): 0 switches the page cache off. Both
# lifetimes together stay under a day, the age at which a cached comment form goes stale.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=6 * 60 * 60)
FRONT_CACHE_SECONDS = env.int("FRONT_CACHE_SECONDS", default=10 * 60)
# Purges for the front cache: nginx's cache_purge module, Cloudflare, CloudFront (any or none).
FRONT_CACHE_PURGE_URL = env.str("FRONT_CACHE_PURGE_URL", default="")
CLOUDFLARE_API_TOKEN = env.str("CLOUDFLARE_API_TOKEN", default="")
CLOUDFLARE_ZONE_ID = env.str("CLOUDFLARE_ZONE_ID", default="")
CLOUDFRONT_DISTRIBUTION_ID = env.str("CLOUDFRONT_DISTRIBUTION_ID", default="")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media on S3-compatible storage when a bucket is named (several app hosts must all see every
# upload and rendition); MEDIA_ROOT on this machine's disk otherwise. Empty means unset: boto3
# then finds credentials its own way (instance roles, ~/.aws).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))

# Application definition

INSTALLED_APPS = [
    "portal",
    "news",
    "donations",
    "wagtail.contrib.frontend_cache",
    "portal.wagtail_apps.RedirectsConfig",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "portal.wagtail_apps.SnippetsConfig",
    "portal.wagtail_apps.DocumentsConfig",
    "portal.wagtail_apps.ImagesConfig",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "news.wordpress.middleware.WordPressLinksMiddleware",
    "portal.pagetree.PageRoutingMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.site",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static and media files

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
if AWS_STORAGE_BUCKET_NAME:
    # Pictures public, documents private and handed out by signed addresses (portal/media.py).
    MEDIA_STORAGE = {
        "BACKEND": "portal.media.MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN,
            "region_name": AWS_S3_REGION_NAME,
            "access_key": AWS_ACCESS_KEY_ID,
            "secret_key": AWS_SECRET_ACCESS_KEY,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Cache: Redis when several machines must share it (rate limits, page cache, page-tree
# generations), else files every process on this machine shares (portal/machinecache.py).

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "portal.machinecache.MachineCache",
            "LOCATION": str(CACHE_DIR),
            # A writer holds one shard at a time: four let the server and a command write at once.
            "SHARDS": 4,
            # How long a process waits for another's write before a read counts as a miss.
            "DATABASE_TIMEOUT": 0.25,
            # The least recently stored entries go first beyond this; pages are re-rendered.
            "OPTIONS": {"size_limit": 512 * 1024 * 1024},
        }
    }

# Each process's copies of what the shared cache holds under page-tree generations
# (portal/pagetree.py): they save most of a page's reads of it, over the network or from files.
PAGETREE_COPIES_BYTES = 4 * 1024 * 1024

# Browsers cannot be purged: they ask again each time (from the page or front cache), so that a
# reader who comes back after a comment is approved or a protest counted sees it.
PAGE_CACHE_BROWSER_SECONDS = 0
WAGTAILFRONTENDCACHE = {}
if FRONT_CACHE_PURGE_URL:
    WAGTAILFRONTENDCACHE["nginx"] = {
        "BACKEND": "portal.purges.NginxPurgeBackend",
        "LOCATION": FRONT_CACHE_PURGE_URL,
    }
if CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID:
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": CLOUDFLARE_API_TOKEN,
        "ZONEID": CLOUDFLARE_ZONE_ID,
    }
if CLOUDFRONT_DISTRIBUTION_ID:
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": CLOUDFRONT_DISTRIBUTION_ID,
    }

# Email

EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG["EMAIL_HOST"] or "localhost"
EMAIL_PORT = EMAIL_CONFIG["EMAIL_PORT"] or 25
EMAIL_HOST_USER = EMAIL_CONFIG["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = EMAIL_CONFIG["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
# Only for EMAIL_URL=filemail:////absolute/folder: each message written to a file (staging, tests).
EMAIL_FILE_PATH = EMAIL_CONFIG.get("EMAIL_FILE_PATH")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks: run at once on one machine; production.py switches to the database queue.

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Wagtail

WAGTAIL_SITE_NAME = "The Campaigning Portal"
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILIMAGES_IMAGE_MODEL = "news.Picture"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from Gravatar: each admin page would send every editor's (hashed, easily reversed)
# email address to an outside service. Staff get the admin's own picture or the one they upload.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = False
TAGGIT_CASE_INSENSITIVE = True
# The page editor of a long article with many blocks posts more fields than Django's default.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Donations (see README, "Donations"). Providers are built by name, at call time, from here.

PAYMENT_PROVIDERS = {
    "stripe": "donations.providers.stripe.StripeProvider",
    "paypal": "donations.providers.paypal.PayPalProvider",
    "test": "donations.providers.test_gateway.TestGateway",
}
STRIPE_PRODUCT_NAME = "Donation"
# (connect, read) seconds: a slow Stripe must not hold a donor, or a worker, for long.
STRIPE_TIMEOUTS = (min(3.0, STRIPE_TIMEOUT), STRIPE_TIMEOUT)
# One retry, safe because every create call carries an idempotency key.
STRIPE_MAX_NETWORK_RETRIES = 1
# PayPal IPNs: (connect, read) seconds for the postback, which django-paypal would let hang;
# then how often an IPN PayPal could not vouch for is asked about again: after 1 minute,
# doubling up to 6 hours, 12 tries in all (about a day).
PAYPAL_POSTBACK_TIMEOUTS = (3.0, 10.0)
PAYPAL_IPN_RETRY_FIRST = 60
PAYPAL_IPN_RETRY_MAX = 6 * 60 * 60
PAYPAL_IPN_TRIES = 12
PAYPAL_IPN_WINDOW = 60  # seconds in which PAYPAL_IPNS_PER_IP are counted
# The fixed part of the provider's fee per payment, for "cover the fees" (with the percent).
DONATIONS_FEE_FIXED = {"GBP": "0.20", "EUR": "0.25", "USD": "0.30", "JPY": "40"}
DONATIONS_MANAGE_LINK_MAX_AGE = DONATIONS_MANAGE_LINK_DAYS * 24 * 60 * 60
# How long an event naming a gift we do not have yet is answered 500 (so the provider sends
# it again after the event it depends on) before it is accepted as not ours.
DONATIONS_WEBHOOK_WAIT = 60 * 60

# `seed_demo` makes an admin account with a published password: never in production.
DEMO_CONTENT_ALLOWED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "news": {"level": "INFO"},
        "donations": {"level": "INFO"},
        "portal": {"level": "INFO"},
    },
}
