from django.contrib.sitemaps import Sitemap as DjangoSitemap
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from news.models import Author, Region, Topic


class TaxonomySitemap(DjangoSitemap):
    """Author, topic and region pages, which live outside the page tree."""

    def items(self):
        return [*Author.objects.all(), *Topic.objects.all(), *Region.objects.all()]


SITEMAPS = {"pages": PageSitemap, "taxonomy": TaxonomySitemap}
