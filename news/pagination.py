from django.core.paginator import Paginator


def paginate(request, items, per_page):
    """The requested page of `items`. A missing, malformed or out-of-range `?page=` shows the
    nearest real page rather than an error: readers follow old and hand-edited links."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
