from django.conf import settings


def site(request):
    """What every template may show about the site itself."""
    return {"site_name": settings.WAGTAIL_SITE_NAME}
