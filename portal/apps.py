import sys

from django.apps import AppConfig
from django.conf import settings

# Willow, Wagtail's image library, registers pillow-heif's HEIF opener with Pillow whenever it is
# installed (Wagtail requires it): libheif, its codecs and libstdc++ in every process, 4.7 MiB of
# each worker. The site accepts no HEIF upload, so Willow is told it is absent, unless
# WAGTAILIMAGES_EXTENSIONS says otherwise. This must run before Willow is first imported, which
# is why "portal" comes first in INSTALLED_APPS.
if not {"heic", "heif"} & set(settings.WAGTAILIMAGES_EXTENSIONS):
    sys.modules.setdefault("pillow_heif", None)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from . import pagetree, purges  # noqa: F401 - connect the page tree's change signals
