"""The site's URLs plus the floor: a bare Django view that answers as many bytes as a page.

Served only with portal.settings.bench. It passes through the same middleware as the pages, so
a page's cost over the floor is what the portal itself adds to Django.
"""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns


def floor(request, size):
    response = HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")
    # Built every time, as a bare view is: the page cache must not answer for it.
    response["Cache-Control"] = "private"
    return response


urlpatterns = [path("bench/floor/<int:size>/", floor), *site_urlpatterns]
