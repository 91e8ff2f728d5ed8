import json

from django import template
from django.utils.safestring import mark_safe

from portal import pagecache

register = template.Library()

# The characters that could close the script element or open a comment inside it.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """Structured data for a `<script type="application/ld+json">`, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - <, > and & are escaped by the translation table


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced, e.g. for pagination links."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def shows_page(page):
    """This response prints `page` (a card, a related link): purge it when that page changes."""
    pagecache.shows_pages(page)
    return ""
