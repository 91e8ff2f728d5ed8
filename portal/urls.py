from django.conf import settings
from django.urls import URLPattern, include, path
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from news import views as news_views
from news.sitemaps import SITEMAPS

# Wagtail's document views answer each reader after a collection's password or login check, and
# with media in a bucket the answer is a redirect to an address signed for a minute: no cache,
# ours or the front one, may keep one reader's answer for the next.
document_urls = [
    URLPattern(route.pattern, never_cache(route.callback), route.default_args, route.name)
    for route in wagtaildocs_urls.urlpatterns
]

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(document_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", news_views.robots_txt, name="robots_txt"),
    path("donations/", include("donations.urls")),
    path("", include("news.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree answers everything else, so it comes last.
urlpatterns.append(path("", include(wagtail_urls)))
