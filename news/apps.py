from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News"

    def ready(self):
        from . import cards, search  # noqa: F401 - connect the card cache and re-indexing
