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


class KeptNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        def render(reading):
            with context.push(reading):
                return self.nodelist.render(context)

        pieces = context.get("pieces")
        if pieces is None:  # a page that keeps nothing: rendered every time
            return self.nodelist.render(context)
        return pieces.render(self.name, render)


@register.tag
def kept(parser, token):
    """`{% kept "header" %}...{% endkept %}`: a piece of the page kept as HTML (news/pieces.py).

    What is inside may read what the page's pieces read (an article's `related`, `terms` and
    `structured_data`), which comes from the database only when the piece is rendered. Blocks
    inside it may be overridden as usual.
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Usage: {% kept "name" %}...{% endkept %}')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(bits[1][1:-1], nodelist)
