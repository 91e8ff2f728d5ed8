"""RSS 2.0 and Atom feeds: the whole site, each section, topic, region, author and tag, and
each appeal with its updates.

Items carry the full article, not a teaser: many readers of a campaigning site read it in a
feed reader, and appeals must reach them whole.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.dateformat import format as date_format
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator

FEED_LENGTH = 20
# Links and images in rendered bodies are site-relative; feed readers need them absolute.
SITE_RELATIVE = re.compile(r'(\s(?:href|src|srcset)=")/(?!/)')


class RssWithContent(Rss201rev2Feed):
    def rss_attributes(self):
        return super().rss_attributes() | {
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/"
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class AtomWithContent(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class ArticleFeed(Feed):
    """The newest articles of a listing. Built per request from a title and a queryset."""

    def __init__(self, title, link, description, articles, atom=False):
        super().__init__()
        self.title = title
        self.link = link
        self.description = self.subtitle = description
        self.articles = articles
        self.feed_type = AtomWithContent if atom else RssWithContent

    def __call__(self, request, *args, **kwargs):
        self.base_url = request.build_absolute_uri("/")
        return super().__call__(request, *args, **kwargs)

    @classmethod
    def for_listing(cls, owner, articles, atom=False):
        """A feed for a section, topic, region, author or tag: anything with a name and a URL."""
        name = getattr(owner, "title", None) or owner.name
        link = owner.url if hasattr(owner, "url") else owner.get_absolute_url()
        return cls(
            title=f"{name} · {settings.WAGTAIL_SITE_NAME}",
            link=link,
            description=f"The latest from {name}",
            articles=articles,
            atom=atom,
        )

    @classmethod
    def for_section(cls, section, atom=False):
        return cls.for_listing(section, section.articles(), atom=atom)

    def items(self):
        return self.articles.for_feed()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return item.url

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.authors) or None

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()] + [
            tagged.tag.name for tagged in item.tagged_items.all()
        ]

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_extra_kwargs(self, item):
        content = SITE_RELATIVE.sub(lambda match: match[1] + self.base_url, str(item.body))
        return {"content": content}


@dataclass
class Entry:
    """One item of an appeal's feed: the appeal itself, or one of its updates."""

    title: str
    link: str
    description: str
    content: str
    pubdate: datetime
    updateddate: datetime | None = None


class AppealUpdatesFeed(Feed):
    """One appeal, then its dated updates, newest first: readers follow a case without the whole
    site, and one who subscribes before the first update still has the appeal itself."""

    def __init__(self, appeal, atom=False):
        super().__init__()
        self.appeal = appeal
        self.title = f"{appeal.title}: updates · {settings.WAGTAIL_SITE_NAME}"
        self.link = appeal.url
        self.description = self.subtitle = appeal.standfirst
        self.feed_type = AtomWithContent if atom else RssWithContent

    def __call__(self, request, *args, **kwargs):
        self.base_url = request.build_absolute_uri("/")
        return super().__call__(request, *args, **kwargs)

    def absolute(self, html):
        return SITE_RELATIVE.sub(lambda match: match[1] + self.base_url, html)

    def items(self):
        appeal = self.appeal
        content = str(appeal.body)
        if appeal.targets.exists():
            content += f'<p><a href="{escape(appeal.url)}#act">Send your protest</a></p>'
        entries = [
            Entry(
                title=appeal.title,
                link=appeal.url,
                description=appeal.standfirst,
                content=self.absolute(content),
                pubdate=appeal.first_published_at,
                updateddate=appeal.last_published_at,
            )
        ]
        for update in appeal.dated_updates()[: FEED_LENGTH - 1]:
            text = str(update.value["text"])
            entries.append(
                Entry(
                    title=f"{date_format(update.value['date'], 'j F Y')}: "
                    + Truncator(strip_tags(text)).words(12),
                    link=f"{appeal.url}#update-{update.id}",
                    description=strip_tags(text),
                    content=self.absolute(text),
                    pubdate=update.value["date"],
                )
            )
        return entries

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_pubdate(self, item):
        return item.pubdate

    def item_updateddate(self, item):
        return item.updateddate

    def item_extra_kwargs(self, item):
        return {"content": item.content}
