"""WordPress post HTML becomes body blocks: paragraphs as WordPress shows them, nothing unsafe."""

import pytest

from news.wordpress.content import BodyBuilder, autop, first_sentences, html_to_text, safe_href


class Library:
    """What the importer would answer: picture 7 is attachment 19 (or any 'picket' file)."""

    def __init__(self):
        self.notes = []

    def picture(self, wp_id, url):
        return 7 if wp_id == "19" or "picket" in (url or "") else None

    def attached_pictures(self):
        return [3, 4]

    def link(self, href):
        if href.endswith(".pdf"):
            return ("document", 5)
        return ("url", href)

    def note(self, message):
        self.notes.append(message)


def blocks(content, library=None):
    return BodyBuilder(library or Library()).build(content)


def all_markup(result):
    return " ".join(str(value) for _, value in result)


# wpautop


def test_autop_makes_paragraphs_of_blank_lines_and_breaks_of_single_newlines():
    assert autop("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n<p>Three</p>\n"


def test_autop_leaves_block_elements_and_preformatted_text_alone():
    html = autop("Intro\n\n<ul>\n<li>a</li>\n</ul>\n\n<pre>x\n\ny</pre>")
    assert "<p><ul>" not in html
    assert "<pre>x\n\ny</pre>" in html
    assert "<p>Intro</p>" in html


def test_classic_text_becomes_one_paragraph_block_per_paragraph():
    assert blocks("First line\nsecond line\n\nNext paragraph") == [
        ("paragraph", "<p>First line<br/>\nsecond line</p>"),
        ("paragraph", "<p>Next paragraph</p>"),
    ]


def test_headings_lists_and_quotes_become_their_own_blocks():
    result = blocks(
        "<h1>Top</h1><h2>Second</h2><h4>Deep</h4>"
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
        "<blockquote><p>Workers of the world</p><cite>Marx</cite></blockquote>"
    )
    assert result == [
        ("heading", {"text": "Top", "level": "h2"}),
        ("heading", {"text": "Second", "level": "h2"}),
        ("heading", {"text": "Deep", "level": "h3"}),
        ("list", {"numbered": False, "items": ["one", "two"]}),
        ("list", {"numbered": True, "items": ["first"]}),
        ("quote", {"quote": "Workers of the world", "attribution": "Marx"}),
    ]


def test_a_list_with_links_stays_rich_text_so_the_links_survive():
    result = blocks('<ul><li><a href="https://example.org/a">A report</a></li></ul>')
    assert result == [
        ("paragraph", '<ul><li><a href="https://example.org/a">A report</a></li></ul>')
    ]


def test_inline_formatting_keeps_bold_italic_links_and_sub_sup():
    [(kind, markup)] = blocks(
        "<p><strong>Bold</strong> <em>it</em> H<sub>2</sub>O x<sup>2</sup> "
        '<a href="https://example.org/?a=1&amp;b=2" title="t">link</a></p>'
    )
    assert kind == "paragraph"
    assert markup == (
        "<p><b>Bold</b> <i>it</i> H<sub>2</sub>O x<sup>2</sup> "
        '<a href="https://example.org/?a=1&amp;b=2">link</a></p>'
    )


def test_unknown_markup_is_kept_as_text_not_dropped():
    result = blocks(
        '<div class="box"><span style="color:red">Kept</span> <font>words</font></div>'
        "<table><caption>Prices</caption><tr><th>Bread</th><td>1.20</td></tr></table>"
        "<dl><dt>Term</dt><dd>Meaning</dd></dl>"
    )
    assert result == [
        ("paragraph", "<p>Kept words</p>"),
        ("paragraph", "<p>Prices</p>"),
        ("paragraph", "<p>Bread | 1.20</p>"),
        ("paragraph", "<p>Term</p>"),
        ("paragraph", "<p>Meaning</p>"),
    ]


def test_code_keeps_its_lines():
    assert blocks("<pre><code>a = 1\nb = 2</code></pre>") == [
        ("paragraph", "<p>a = 1<br/>b = 2</p>")
    ]


# Safety


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
    ],
)
def test_dangerous_links_lose_their_address(href):
    markup = all_markup(blocks(f'<p><a href="{href}">click</a></p>'))
    assert "href" not in markup
    assert "click" in markup


def test_scripts_styles_event_handlers_and_inline_styles_never_survive():
    result = blocks(
        '<p onclick="steal()" style="x">Hello <img src=x onerror=alert(1) alt=\'\'>'
        "<script>alert(1)</script></p><style>body{}</style>"
        "<script type='text/javascript'>document.cookie</script>"
        '<svg onload="alert(1)"><circle/></svg><iframe srcdoc="<script>x</script>"></iframe>'
        '<form action="/x"><input name="a"></form><object data="x.swf"></object>'
        '<p><a href="https://ok.example" onmouseover="x()" style="x">ok</a></p>'
    )
    markup = all_markup(result).lower()
    for forbidden in ("script", "onclick", "onerror", "onload", "onmouseover", "style", "svg"):
        assert forbidden not in markup
    assert "cookie" not in markup
    assert ("paragraph", '<p><a href="https://ok.example">ok</a></p>') in result


def test_text_that_looks_like_markup_stays_escaped():
    [(_, markup)] = blocks("<p>1 &lt; 2 &amp;&amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>")
    assert markup == "<p>1 &lt; 2 &amp;&amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_safe_href_allows_web_mail_phone_and_relative_addresses():
    for href in (
        "https://a.org",
        "http://a.org",
        "mailto:a@b.org",
        "tel:+44",
        "/x",
        "#top",
        "?p=1",
    ):
        assert safe_href(href) == href
    assert safe_href("ftp://a.org") is None


# Pictures, embeds, shortcodes


def test_a_picture_alone_becomes_an_image_block_with_its_caption():
    library = Library()
    result = blocks(
        '[caption id="attachment_19" align="alignnone" width="300"]'
        '<a href="/wp-content/uploads/2019/05/picket.jpg"><img class="size-medium wp-image-19" '
        'src="https://old.example.org/wp-content/uploads/2019/05/picket-300x200.jpg" '
        'alt="Strikers at the gate" /></a> The picket on day three[/caption]',
        library,
    )
    assert result == [
        (
            "image",
            {
                "image": {"image": 7, "alt_text": "Strikers at the gate", "decorative": False},
                "caption": "The picket on day three",
            },
        )
    ]


def test_a_picture_in_a_paragraph_splits_it():
    result = blocks('Before <img src="https://old.example.org/picket.jpg" alt=""> after')
    assert [kind for kind, _ in result] == ["paragraph", "image", "paragraph"]
    assert result[1][1]["image"]["decorative"] is True


def test_a_picture_that_was_not_imported_is_kept_as_a_link_and_reported():
    library = Library()
    result = blocks('<p><img src="https://elsewhere.example/cat.jpg" alt="A cat"></p>', library)
    assert result == [("paragraph", '<p><a href="https://elsewhere.example/cat.jpg">A cat</a></p>')]
    assert library.notes == ["picture not imported: https://elsewhere.example/cat.jpg"]


def test_gallery_shortcode_becomes_image_blocks():
    result = blocks('[gallery ids="19,19"]')
    assert [kind for kind, _ in result] == ["image", "image"]
    # Without ids, WordPress shows the post's own attachments.
    assert [value["image"]["image"] for _, value in blocks("[gallery]")] == [3, 4]


def test_embeds_from_known_providers_become_embed_blocks():
    result = blocks(
        "Watch this:\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
        '<iframe src="https://player.vimeo.com/video/76979871"></iframe>'
        "[embed]https://www.youtube.com/watch?v=abc[/embed]"
    )
    assert result == [
        ("paragraph", "<p>Watch this:</p>"),
        ("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("embed", "https://vimeo.com/76979871"),
        ("embed", "https://www.youtube.com/watch?v=abc"),
    ]


def test_an_unknown_iframe_becomes_a_link():
    library = Library()
    result = blocks('<iframe src="https://maps.example/embed?x=1"></iframe>', library)
    assert result == [
        (
            "paragraph",
            '<p><a href="https://maps.example/embed?x=1">https://maps.example/embed?x=1</a></p>',
        )
    ]
    assert library.notes == ["embed kept as a link: https://maps.example/embed?x=1"]


def test_links_to_uploaded_documents_point_to_the_imported_document():
    [(_, markup)] = blocks(
        '<p>Read <a href="https://old.example.org/letter.pdf">the letter</a></p>'
    )
    assert markup == '<p>Read <a linktype="document" id="5">the letter</a></p>'


# Block editor


def test_block_editor_markup_becomes_blocks():
    content = """<!-- wp:paragraph -->
<p>Intro with <strong>bold</strong>.</p>
<!-- /wp:paragraph -->

<!-- wp:heading {"level":3} -->
<h3 class="wp-block-heading">Section</h3>
<!-- /wp:heading -->

<!-- wp:list -->
<ul class="wp-block-list"><!-- wp:list-item -->
<li>One</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Two</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>Quoted</p>
<!-- /wp:paragraph --><cite>Someone</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:image {"id":19,"sizeSlug":"large"} -->
<figure class="wp-block-image size-large"><img src="https://old.example.org/x-1024x683.jpg" alt="" class="wp-image-19"/><figcaption class="wp-element-caption">Caption</figcaption></figure>
<!-- /wp:image -->

<!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"video","providerNameSlug":"youtube"} -->
<figure class="wp-block-embed is-type-video is-provider-youtube"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=dQw4w9WgXcQ
</div></figure>
<!-- /wp:embed -->

<!-- wp:separator -->
<hr class="wp-block-separator"/>
<!-- /wp:separator -->

<!-- wp:latest-posts /-->

<!-- wp:gallery {"linkTo":"none"} -->
<figure class="wp-block-gallery has-nested-images"><!-- wp:image {"id":19} -->
<figure class="wp-block-image"><img src="a.jpg" class="wp-image-19"/></figure>
<!-- /wp:image --></figure>
<!-- /wp:gallery -->"""
    assert blocks(content) == [
        ("paragraph", "<p>Intro with <b>bold</b>.</p>"),
        ("heading", {"text": "Section", "level": "h3"}),
        ("list", {"numbered": False, "items": ["One", "Two"]}),
        ("quote", {"quote": "Quoted", "attribution": "Someone"}),
        (
            "image",
            {"image": {"image": 7, "alt_text": "", "decorative": True}, "caption": "Caption"},
        ),
        ("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("image", {"image": {"image": 7, "alt_text": "", "decorative": True}, "caption": ""}),
    ]


def test_classic_text_between_blocks_gets_paragraphs():
    content = (
        "Loose text\nwith a break\n\n<!-- wp:paragraph -->\n<p>Block</p>\n<!-- /wp:paragraph -->"
    )
    assert blocks(content) == [
        ("paragraph", "<p>Loose text<br/>\nwith a break</p>"),
        ("paragraph", "<p>Block</p>"),
    ]


# Plain text


def test_html_to_text_unescapes_and_strips_tags():
    assert html_to_text("News &amp; <em>Views</em>") == "News & Views"
    assert html_to_text("Broken \ud800 half") == "Broken \ufffd half"


def test_first_sentences_stay_short():
    text = "One short sentence. " * 40
    summary = first_sentences(text, limit=100)
    assert summary.startswith("One short sentence.")
    assert len(summary) <= 100
