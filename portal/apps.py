from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from . import pagetree, purges  # noqa: F401 - connect the page tree's change signals
