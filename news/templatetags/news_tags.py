from django import template

from news.cards import TEMPLATE as CARD_TEMPLATE
from news.cards import render_cards
from news.comments.text import comment_html as render_comment_text
from news.models import AppealPage, SectionPage
from portal import pagecache

register = template.Library()


@register.filter
def comment_html(text):
    """A reader's plain-text comment as paragraphs, line breaks and nofollow links."""
    return render_comment_text(text)


@register.simple_tag(takes_context=True)
def article_cards(context, articles, heading="h2", template=CARD_TEMPLATE):
    """The cards of a listing, from the cache of rendered cards (news/cards.py)."""
    return render_cards(articles, heading, context.get("request"), template)


@register.inclusion_tag("components/urgent_banner.html")
def urgent_banner():
    appeal = AppealPage.urgent_appeal()
    if appeal:
        pagecache.changes_at(appeal["expires_at"])
    return {"appeal": appeal}


@register.inclusion_tag("components/site_navigation.html", takes_context=True)
def site_navigation(context):
    sections = [section for section in SectionPage.directory().values() if section["in_menu"]]
    return {"sections": sections, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's own address: the page's URL, plus `?page=N` past the first page."""
    request = context["request"]
    page_number = request.GET.get("page", "")
    url = request.build_absolute_uri(request.path)
    if page_number.isdigit() and page_number != "1":
        url += f"?page={page_number}"
    return url
