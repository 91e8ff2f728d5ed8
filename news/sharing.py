"""Plain share links: each service's own sharing address. No scripts, buttons or trackers from
them reach our pages; a reader's click is the first they hear of it."""

from functools import partial
from urllib.parse import quote, urlencode

from news.protest.letters import mailto

query = partial(urlencode, quote_via=quote)


def share_links(url, title):
    """(service, link) pairs that share a page's address and title."""
    text = f"{title} {url}"
    return [
        ("Email", mailto([], subject=title, body=url)),
        ("Mastodon", "https://mastodon.social/share?" + query({"text": text})),
        ("Bluesky", "https://bsky.app/intent/compose?" + query({"text": text})),
        ("Telegram", "https://t.me/share/url?" + query({"url": url, "text": title})),
        ("WhatsApp", "https://wa.me/?" + query({"text": text})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + query({"u": url})),
        ("X", "https://x.com/intent/tweet?" + query({"text": title, "url": url})),
    ]
