"""WordPress post HTML -> the portal's body blocks (news.blocks.ArticleBodyBlock).

Both editors are read. Classic-editor text gets WordPress's own paragraph rules (wpautop: a blank
line starts a paragraph, a single newline is a line break) after its core shortcodes ([caption],
[gallery], [embed]) are expanded; block-editor markup (`<!-- wp:paragraph -->`...) is already
HTML, so its comments are dropped and only the classic text between blocks gets wpautop.

The HTML then becomes blocks: paragraphs, headings, lists, quotes, images with captions and
embeds. Whatever has no block of its own (tables, code, definition lists, unknown elements) is
kept as paragraphs of rich text, never dropped. Rich text is rebuilt from an allow-list (bold,
italic, superscript, subscript, line breaks, links with http, https, mailto or tel addresses),
so scripts, styles, event handlers, inline styles and `javascript:` links cannot survive.
"""

import html
import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from wagtail.embeds.finders import get_finders

# --- wpautop, ported from WordPress (wp-includes/formatting.php) ---------------------------------

AUTOP_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map"
    r"|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup"
    r"|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_TAGS_AND_COMMENTS = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def autop(text):
    """WordPress's wpautop: double line breaks become paragraphs, single ones <br />."""
    if not text.strip():
        return ""
    text += "\n"
    pre_tags = {}
    if "<pre" in text:
        parts = text.split("</pre>")
        last = parts.pop()
        text = ""
        for number, part in enumerate(parts):
            start = part.find("<pre")
            if start == -1:
                text += part
                continue
            placeholder = f"<pre wp-pre-tag-{number}></pre>"
            pre_tags[placeholder] = part[start:] + "</pre>"
            text += part[:start] + placeholder
        text += last
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{AUTOP_BLOCKS}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{AUTOP_BLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TAGS_AND_COMMENTS.sub(lambda m: m.group(0).replace("\n", " <!-- wpnl --> "), text)
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part]
    text = "".join("<p>" + part.strip("\n") + "</p>\n" for part in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{AUTOP_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{AUTOP_BLOCKS}[^>]*>)", r"\1", text)
    text = re.sub(rf"(</?{AUTOP_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(
        r"<(script|style|svg|math).*?</\1>",
        lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"),
        text,
        flags=re.S,
    )
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(rf"(</?{AUTOP_BLOCKS}[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for placeholder, original in pre_tags.items():
        text = text.replace(placeholder, original)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


# --- shortcodes and auto-embeds ------------------------------------------------------------------

_SHORTCODE_ATTRS = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
)
_CAPTION = re.compile(r"\[(wp_caption|caption)([^\]]*)\](.*?)\[/\1\]", re.S)
_CAPTION_MEDIA = re.compile(r"^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$", re.S)
_GALLERY = re.compile(r"\[gallery([^\]]*)\]")
_EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.S)
_MEDIA = re.compile(r"\[(audio|video)([^\]]*)\](?:(.*?)\[/\1\])?", re.S)
_YOUTUBE = re.compile(r"\[youtube[=\s]+([^\]\s]+)[^\]]*\]")
_LONE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)


def shortcode_attrs(text):
    attrs = {}
    for match in _SHORTCODE_ATTRS.finditer(text):
        key = match.group(1) or match.group(3) or match.group(5)
        value = match.group(2) if match.group(1) else match.group(4) or match.group(6) or ""
        attrs[key.lower()] = value
    return attrs


def _embed_figure(url):
    escaped = html.escape(url)
    return (
        f'<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">{escaped}</div>'
        "</figure>"
    )


def _caption(match):
    attrs = shortcode_attrs(match.group(2))
    media = _CAPTION_MEDIA.match(match.group(3))
    if not media:
        return match.group(3)
    caption = attrs.get("caption") or media.group(2).strip()
    return f"<figure>{media.group(1)}<figcaption>{caption}</figcaption></figure>"


def _gallery(match):
    attrs = shortcode_attrs(match.group(1))
    ids = [part.strip() for part in (attrs.get("ids") or attrs.get("include") or "").split(",")]
    ids = [part for part in ids if part.isdigit()]
    if not ids:
        # The gallery of the post's own attachments, as WordPress shows it.
        return '<figure class="wp-block-gallery" data-attached="1"></figure>'
    images = "".join(f'<figure><img class="wp-image-{wp_id}" src=""></figure>' for wp_id in ids)
    return f'<figure class="wp-block-gallery">{images}</figure>'


def _media(match):
    attrs = shortcode_attrs(match.group(2))
    src = attrs.get("src") or next(
        (attrs[key] for key in ("mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv") if key in attrs),
        "",
    )
    if not src:
        return ""
    name = html.escape(src.rstrip("/").rsplit("/", 1)[-1])
    return f'<p><a href="{html.escape(src)}">{name}</a></p>'


def expand_shortcodes(text):
    """WordPress's core shortcodes as the HTML they stand for; others stay as written."""
    if "[" not in text:
        return text
    text = _CAPTION.sub(_caption, text)
    text = _GALLERY.sub(_gallery, text)
    text = _EMBED.sub(lambda m: _embed_figure(m.group(1).strip()), text)
    text = _YOUTUBE.sub(lambda m: _embed_figure(m.group(1)), text)
    return _MEDIA.sub(_media, text)


def embeddable(url):
    """Whether the body's embed block can show this address (a known oEmbed provider)."""
    return any(finder.accept(url) for finder in get_finders())


def auto_embed(text):
    """A known provider's address alone on a line is an embed, as WordPress shows it."""
    if "http" not in text:
        return text
    return _LONE_URL.sub(
        lambda m: f"\n\n{_embed_figure(m.group(1))}\n\n" if embeddable(m.group(1)) else m.group(0),
        text,
    )


def classic_html(text):
    # WordPress's order: auto-embeds, then paragraphs, then shortcodes.
    return expand_shortcodes(autop(auto_embed(text)))


_BLOCK_COMMENT = re.compile(
    r"<!--\s+(/)?wp:(?:[a-z][a-z0-9_-]*/)?[a-z][a-z0-9_-]*\s+(?:\{.*?\}\s+)?(/)?-->", re.S
)


def editor_html(content):
    """A post's content as plain HTML, whichever editor wrote it."""
    if "<!-- wp:" not in content:
        return classic_html(content)
    parts = []
    depth = 0
    position = 0
    for match in _BLOCK_COMMENT.finditer(content):
        text = content[position : match.start()]
        # Text outside any block is classic content (a "freeform" block) and gets wpautop.
        parts.append(classic_html(text) if depth == 0 else expand_shortcodes(text))
        closer, void = match.groups()
        if closer:
            depth = max(0, depth - 1)
        elif not void:
            depth += 1
        position = match.end()
    parts.append(classic_html(content[position:]))
    return "".join(parts)


# --- plain text ----------------------------------------------------------------------------------

_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(text):
    """Text safe for any database: no NUL, no lone UTF-16 halves (HTML reads both as U+FFFD)."""
    return _SURROGATES.sub("\ufffd", text.replace("\x00", ""))


def collapse(text):
    return " ".join(text.split())


def html_to_text(markup):
    """Markup (a title, a term name, an excerpt) as one line of plain text."""
    if "<" not in markup and "&" not in markup:
        return clean_text(collapse(markup))
    soup = BeautifulSoup(markup, "html.parser")
    for dropped in soup.find_all(DROPPED):
        dropped.decompose()
    return clean_text(collapse(soup.get_text(" ")))


_PARAGRAPH_ENDS = frozenset("p div blockquote li ul ol pre h1 h2 h3 h4 h5 h6 table tr".split())


def comment_text(markup):
    """A comment's HTML as the plain text comments are kept in: paragraphs and line breaks
    stay, a link keeps its address beside its words (the comment shows addresses as links)."""
    if "<" not in markup and "&" not in markup:
        text = markup
    else:
        soup = BeautifulSoup(markup, "html.parser")
        for dropped in soup.find_all(DROPPED):
            dropped.decompose()
        for br in soup.find_all("br"):
            br.replace_with("\n")
        for link in soup.find_all("a"):
            href = safe_href(link.get("href"))
            words = link.get_text()
            if href and href.startswith(("http://", "https://")) and href != words.strip():
                link.replace_with(f"{words} ({href})")
        for block in soup.find_all(_PARAGRAPH_ENDS):
            block.append("\n\n")
        text = soup.get_text()
    lines = [" ".join(line.split()) for line in clean_text(text).replace("\r", "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def first_sentences(text, limit=300):
    """The opening sentence or two of a text, at most `limit` characters, for a standfirst."""
    text = collapse(text)
    if len(text) <= limit:
        return text
    chosen = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if chosen and len(chosen) + len(sentence) + 1 > limit:
            break
        chosen = f"{chosen} {sentence}".strip()
        if len(chosen) >= limit // 2:
            break
    if len(chosen) > limit:
        chosen = chosen[: limit - 1].rsplit(" ", 1)[0] + "…"
    return chosen


# --- HTML -> blocks ------------------------------------------------------------------------------

# Never kept, contents included: active content, forms, metadata, drawings.
DROPPED = [
    "script",
    "style",
    "noscript",
    "template",
    "object",
    "embed",
    "applet",
    "param",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "head",
    "title",
    "meta",
    "link",
    "base",
    "svg",
    "math",
    "canvas",
    "frame",
    "frameset",
    "map",
    "area",
    "source",
    "track",
    "dialog",
]
DROPPED_SET = frozenset(DROPPED)
INLINE_TAGS = {"strong": "b", "b": "b", "em": "i", "i": "i", "sup": "sup", "sub": "sub"}
CONTAINERS = frozenset(
    "div section article aside header footer main nav center details hgroup fieldset body html "
    "dl tbody thead tfoot menu".split()
)
TEXT_BLOCKS = frozenset("p dt dd address caption figcaption legend summary".split())
HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h3", "h5": "h3", "h6": "h3"}
BLOCK_LEVEL = (
    CONTAINERS
    | TEXT_BLOCKS
    | frozenset(HEADINGS)
    | frozenset("ul ol li blockquote figure table pre hr iframe video audio".split())
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")


def safe_href(href):
    """The address if a reader may follow it: http(s), mailto, tel or relative; else None."""
    if not href:
        return None
    href = re.sub(r"[\x00-\x1f\x7f]", "", href).strip()
    # Browsers ignore whitespace and control characters inside a scheme: "java\tscript:".
    compact = re.sub(r"\s", "", href)
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", compact)
    if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
        return None
    return href or None


def canonical_video_url(src):
    """An embedded player's address as the page address oEmbed providers know."""
    parts = urlsplit(src if not src.startswith("//") else "https:" + src)
    host = parts.netloc.lower()
    if host.endswith(("youtube.com", "youtube-nocookie.com")) and parts.path.startswith("/embed/"):
        return f"https://www.youtube.com/watch?v={parts.path.split('/')[2]}"
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return f"https://vimeo.com/{parts.path.split('/')[2]}"
    return src


def _escape(text):
    return html.escape(clean_text(str(text)), quote=False)


def _file_name(url):
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or url


class BodyBuilder:
    """Turns one post's HTML into raw StreamField data for ArticleBodyBlock.

    `library` answers the questions only the importer can: which imported picture an <img>
    shows, and where a link should now point (see importer.ContentLinks).
    """

    def __init__(self, library):
        self.library = library
        self.blocks = []
        self.pending = []

    def build(self, content):
        soup = BeautifulSoup(editor_html(content), "html.parser")
        self.walk(soup)
        self.flush()
        return self.blocks

    # Blocks

    def add(self, block_type, value):
        self.flush()
        self.blocks.append((block_type, value))

    def flush(self):
        markup = "".join(self.pending).strip()
        self.pending = []
        markup = re.sub(r"^(?:<br/>\s*)+|(?:\s*<br/>)+$", "", markup).strip()
        if markup and _TAGS_AND_COMMENTS.sub("", markup).strip():
            self.blocks.append(("paragraph", f"<p>{markup}</p>"))

    def walk(self, node):
        for child in node.children:
            if isinstance(child, Tag):
                self.element(child)
            elif type(child) is NavigableString:
                self.pending.append(_escape(child))

    def element(self, tag):
        name = tag.name
        if name in DROPPED_SET or name == "hr":
            self.flush()
        elif name in CONTAINERS or name == "li":
            self.flush()
            self.walk(tag)
            self.flush()
        elif name in TEXT_BLOCKS:
            self.flush()
            self.text_block(tag)
            self.flush()
        elif name in HEADINGS:
            self.heading(tag)
        elif name in ("ul", "ol"):
            self.item_list(tag)
        elif name == "blockquote":
            self.quote(tag)
        elif name == "figure":
            self.figure(tag)
        elif name == "table":
            self.table(tag)
        elif name == "pre":
            lines = [_escape(line) for line in clean_text(tag.get_text()).split("\n")]
            self.flush()
            self.pending.append("<br/>".join(lines))
            self.flush()
        elif name == "img":
            self.image(tag)
        elif name == "iframe":
            self.iframe(tag)
        elif name in ("video", "audio"):
            self.media_link(tag)
        elif name == "br":
            self.pending.append("<br/>")
        elif self.lone_image(tag):
            self.image(tag.find("img"))
        else:
            self.pending.append(self.inline_node(tag))

    def text_block(self, tag):
        """A paragraph; pictures and block elements inside it become blocks of their own."""
        for child in tag.children:
            if isinstance(child, Tag) and (child.name in BLOCK_LEVEL or child.name == "img"):
                self.element(child)
            elif isinstance(child, Tag) and self.lone_image(child):
                self.image(child.find("img"))
            else:
                self.pending.append(self.inline_node(child))

    @staticmethod
    def lone_image(tag):
        """A link or span around a picture and nothing else: the picture stands alone."""
        if tag.name not in ("a", "span") or not tag.find("img"):
            return False
        return not tag.get_text().strip() and len(tag.find_all("img")) == 1

    def heading(self, tag):
        text = clean_text(collapse(tag.get_text(" ")))
        if not text:
            return
        if len(text) > 255:
            self.add("paragraph", f"<p><b>{_escape(text)}</b></p>")
        else:
            self.add("heading", {"text": text, "level": HEADINGS[tag.name]})

    def item_list(self, tag):
        if tag.find(["img", "figure"]):
            # A gallery laid out as a list: its pictures are what matters.
            self.flush()
            self.walk(tag)
            self.flush()
            return
        items = tag.find_all("li", recursive=False)
        texts = [clean_text(collapse(item.get_text(" "))) for item in items]
        simple = not tag.find(["a", "ul", "ol"]) and all(len(text) <= 1000 for text in texts)
        if simple:
            texts = [text for text in texts if text]
            if texts:
                self.add("list", {"numbered": tag.name == "ol", "items": texts})
            return
        # Links or nesting need rich text to survive.
        self.add("paragraph", self.rich_list(tag))

    def rich_list(self, tag):
        items = "".join(
            f"<li>{self.inline(item)}</li>" for item in tag.find_all("li", recursive=False)
        )
        return f"<{tag.name}>{items}</{tag.name}>"

    def quote(self, tag):
        if "twitter-tweet" in tag.get("class", []) or "instagram-media" in tag.get("class", []):
            links = [a.get("href", "") for a in tag.find_all("a")]
            post = next((url for url in reversed(links) if embeddable(url)), None)
            if post:
                self.add("embed", post)
                return
        attribution = ""
        for cite in tag.find_all(["cite", "footer"]):
            attribution = attribution or clean_text(collapse(cite.get_text(" ")))
            cite.decompose()
        paragraphs = [
            clean_text(collapse(part.get_text(" "))) for part in tag.find_all(["p", "li"]) or [tag]
        ]
        text = "\n\n".join(part for part in paragraphs if part)
        if text:
            self.add("quote", {"quote": text, "attribution": attribution[:255]})

    def figure(self, tag):
        wrapper = tag.find(class_="wp-block-embed__wrapper")
        classes = tag.get("class", [])
        if wrapper is not None or "wp-block-embed" in classes:
            url = clean_text((wrapper or tag).get_text()).strip().split()[0:1]
            self.embed(url[0] if url else "")
            caption = tag.find("figcaption")
            if caption is not None:
                self.flush()
                self.text_block(caption)
                self.flush()
            return
        if tag.get("data-attached"):
            for picture in self.library.attached_pictures():
                self.add("image", self.figure_value(picture, "", ""))
            return
        images = tag.find_all("img")
        if len(images) == 1 and not tag.find(["figure", "table", "blockquote"]):
            caption = tag.find("figcaption")
            caption_text = clean_text(collapse(caption.get_text(" "))) if caption else ""
            self.image(images[0], caption_text)
            return
        # A gallery, a table or a quote in a figure: each part on its own.
        self.flush()
        self.walk(tag)
        self.flush()

    def table(self, tag):
        self.flush()
        caption = tag.find("caption")
        if caption is not None:
            self.text_block(caption)
            self.flush()
        for row in tag.find_all("tr"):
            cells = [self.inline(cell) for cell in row.find_all(["td", "th"], recursive=False)]
            self.pending.append(" | ".join(cell.strip() for cell in cells if cell.strip()))
            self.flush()

    def image(self, img, caption=""):
        src = img.get("src", "")
        match = _WP_IMAGE_CLASS.search(" ".join(img.get("class", [])))
        picture = self.library.picture(match.group(1) if match else None, src)
        alt = clean_text(collapse(img.get("alt", "")))
        if picture is not None:
            self.add("image", self.figure_value(picture, alt, caption))
            return
        # Not among the imported pictures: keep a link to it rather than lose it silently.
        href = safe_href(src)
        self.library.note(f"picture not imported: {src or 'no address'}")
        label = alt or caption or (_file_name(src) if href else "")
        if href and label:
            self.add("paragraph", f"<p>{self.link_markup(href, _escape(label))}</p>")
        elif caption:
            self.add("paragraph", f"<p>{_escape(caption)}</p>")

    @staticmethod
    def figure_value(picture, alt, caption):
        return {
            "image": {"image": picture, "alt_text": alt, "decorative": not alt},
            "caption": caption[:500],
        }

    def embed(self, url):
        href = safe_href(url)
        if href and embeddable(href):
            self.add("embed", href)
        elif href:
            self.library.note(f"embed kept as a link: {href}")
            self.add("paragraph", f"<p>{self.link_markup(href, _escape(href))}</p>")

    def iframe(self, tag):
        src = tag.get("src", "")
        if src.startswith("//"):
            src = "https:" + src
        self.embed(canonical_video_url(src))

    def media_link(self, tag):
        source = tag.find("source")
        src = tag.get("src") or (source.get("src") if source else "")
        href = safe_href(src)
        if href:
            self.add("paragraph", f"<p>{self.link_markup(href, _escape(_file_name(href)))}</p>")

    # Rich text

    def inline(self, node):
        """A node's content as allowed rich text: everything else is unwrapped or dropped."""
        return "".join(self.inline_node(child) for child in node.children)

    def inline_node(self, node):
        if not isinstance(node, Tag):
            return _escape(node) if type(node) is NavigableString else ""
        name = node.name
        if name in DROPPED_SET or name in ("hr", "iframe", "video", "audio"):
            return ""
        if name == "br":
            return "<br/>"
        if name in INLINE_TAGS:
            inner = self.inline(node)
            return f"<{INLINE_TAGS[name]}>{inner}</{INLINE_TAGS[name]}>" if inner.strip() else inner
        if name == "a":
            inner = self.inline(node)
            href = safe_href(node.get("href"))
            return self.link_markup(href, inner) if href and inner.strip() else inner
        if name == "img":
            return _escape(collapse(node.get("alt", "")))
        if name in ("ul", "ol"):
            return self.rich_list(node)
        if name in BLOCK_LEVEL:
            return self.inline(node) + " "
        return self.inline(node)

    def link_markup(self, href, inner):
        kind, target = self.library.link(href)
        if kind == "document":
            return f'<a linktype="document" id="{int(target)}">{inner}</a>'
        return f'<a href="{html.escape(target, quote=True)}">{inner}</a>'
