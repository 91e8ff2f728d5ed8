"""WordPress's plain links (`/?p=123`, `/?page_id=7`) lead to the imported page.

They are a query string on the home page, which exists, so Wagtail's redirect middleware (which
looks only at 404s) never sees them. This looks them up first, and only for requests that carry
one of WordPress's id parameters, so other requests pay nothing.
"""

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

WORDPRESS_ID_PARAMETERS = ("p", "page_id", "attachment_id")


class WordPressLinksMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.GET:
            redirect = self.redirect_for(request)
            if redirect is not None:
                return redirect
        return self.get_response(request)

    @staticmethod
    def redirect_for(request):
        for name in WORDPRESS_ID_PARAMETERS:
            value = request.GET.get(name, "")
            if not value.isdigit():
                continue
            path = Redirect.normalise_path(f"{request.path}?{name}={value}", decode_unicode=False)
            redirect = get_redirect(request, path)
            if redirect is not None and redirect.link:
                response_class = (
                    HttpResponsePermanentRedirect if redirect.is_permanent else HttpResponseRedirect
                )
                return response_class(redirect.link)
        return None
