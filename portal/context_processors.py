import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse


def site(request):
    """What every template may show about the site itself, and the addresses on every page."""
    return {"site_name": settings.WAGTAIL_SITE_NAME, "links": links(get_script_prefix())}


@functools.cache
def links(script_prefix):
    """Addresses every page carries, worked out once per process rather than on every page:
    they change only with the code (or a test's settings)."""
    return {
        "feed": reverse("news:feed"),
        "feed_atom": reverse("news:feed_atom"),
        "search": reverse("news:search"),
        "archive": reverse("news:archive_index"),
        "authors": reverse("news:authors"),
        "stylesheet": static("css/portal.css"),
        "print_stylesheet": static("css/print.css"),
    }


@receiver(setting_changed)
def forget_links(**kwargs):
    links.cache_clear()
