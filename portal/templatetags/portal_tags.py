import json

from django import template
from django.http import QueryDict
from django.utils.safestring import mark_safe

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
    """A pagination link's query string: the search's words (as cleaned) and `changes`.

    Nothing else a reader put in the address travels: a kept listing (news/pieces.py) gives
    the next reader the same links, which must not carry someone else's parameters.
    """
    query = QueryDict(mutable=True)
    if context.get("query"):
        query["q"] = context["query"]
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()
