"""Every page type keeps the structure assistive technology relies on (WCAG 2.2 AA).

Checked in the HTML the server sends, so without a browser: one main landmark and one h1,
headings that never skip a level, a label for every form control, alt text and dimensions on
every picture, unique ids, a working skip link, and no JavaScript to depend on. tests/browser/test_accessibility.py checks
what only a browser can see (contrast as rendered, narrow screens, print, focus).
"""

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from wagtail.rich_text import RichText

from news.factories import (
    AppealPageFactory,
    ArticlePageFactory,
    PictureFactory,
    RegionFactory,
    SectionPageFactory,
    TopicFactory,
    figure,
)

pytestmark = pytest.mark.django_db

FORM_CONTROLS = {"input", "select", "textarea"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageStructure(HTMLParser):
    """What a screen reader would find on the page: landmarks, headings, controls, pictures."""

    def __init__(self, html):
        super().__init__()
        self.tags = []  # (tag, attrs, inside_label)
        self.headings = []
        self.labels_for = set()
        self.ids = []
        self.label_depth = 0
        self.lang = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.labels_for.add(attrs["for"])
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        self.tags.append((tag, attrs, self.label_depth > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1

    def all(self, tag):
        return [(attrs, in_label) for name, attrs, in_label in self.tags if name == tag]

    def unlabelled_controls(self):
        missing = []
        for tag, attrs, in_label in self.tags:
            if tag not in FORM_CONTROLS or attrs.get("type") in UNLABELLED_INPUT_TYPES:
                continue
            labelled = (
                in_label
                or attrs.get("id") in self.labels_for
                or attrs.get("aria-label")
                or attrs.get("aria-labelledby")
            )
            if not labelled:
                missing.append((tag, attrs))
        return missing


def assert_accessible_structure(html, url):
    page = PageStructure(html)
    assert page.lang == "en", url
    assert len(page.all("main")) == 1, f"{url}: one main landmark"
    assert page.headings.count(1) == 1, f"{url}: exactly one h1, found {page.headings}"
    assert page.headings[0] == 1, f"{url}: the h1 comes first, found {page.headings}"
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"{url}: heading skips from h{before} to h{after}"
    assert not page.unlabelled_controls(), f"{url}: unlabelled {page.unlabelled_controls()}"
    for attrs, _ in page.all("img"):
        assert "alt" in attrs, f"{url}: picture without alt: {attrs}"
        assert attrs.get("width") and attrs.get("height"), f"{url}: picture without size"
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicates, f"{url}: duplicate ids {duplicates}"
    for attrs, _ in page.all("script"):
        # Structured data, or our own small enhancement loaded after the page: never a script
        # the page needs to work, nor anyone else's.
        enhancement = attrs.get("src", "").startswith("/static/js/") and "defer" in attrs
        assert attrs.get("type") == "application/ld+json" or enhancement, (
            f"{url}: pages work without JavaScript, found {attrs}"
        )
    navs = [attrs.get("aria-label") for attrs, _ in page.all("nav")]
    assert all(navs) and len(set(navs)) == len(navs), f"{url}: navs need distinct labels {navs}"
    # The search page has its own search form besides the site's: a screen reader's list of
    # landmarks must tell the two apart.
    searches = [attrs.get("aria-label") for attrs, _ in page.all("form") if attrs.get("role")]
    assert all(searches) and len(set(searches)) == len(searches), (
        f"{url}: search landmarks need distinct labels {searches}"
    )
    return page


@pytest.fixture
def site(home, section, author):
    """One of everything a reader can reach, with the content that stresses the outline."""
    author.bio = "<p>Covers Central Asia.</p>"
    author.photo = PictureFactory(title="Portrait")
    author.save()
    topic, region = TopicFactory(name="Press freedom"), RegionFactory(name="Kazakhstan")
    appeals = SectionPageFactory(parent=home, title="Appeals", slug="appeals")
    appeal = AppealPageFactory(
        parent=appeals,
        title="Free the jailed journalist",
        first_published_at=datetime(2010, 4, 28, tzinfo=UTC),
        lead_image=PictureFactory(title="Picket"),
        lead_image_caption="The picket at the bank",
        authors=[author],
        topics=[topic],
        regions=[region],
        tags=["hunger strike"],
        updates=[
            (
                "update",
                {
                    "date": datetime(2010, 5, 1, tzinfo=UTC),
                    "text": RichText("<p>Still on strike.</p>"),
                },
            )
        ],
        body=[
            ("paragraph", RichText("<p>He was sentenced for reporting a strike.</p>")),
            ("heading", {"text": "Who to write to", "level": "h2"}),
            ("heading", {"text": "The prosecutor", "level": "h3"}),
            (
                "contact_details",
                {
                    "name": "Almaty Procuror",
                    "email": "a-very-long-address-for-the-procuror@prokuratura.example.kz",
                    "phone": "+7 727 271 65 79",
                    "website": "https://prokuratura.example.kz/contacts/office/almaty/",
                },
            ),
            ("quote", {"quote": "We will not be silenced.", "attribution": "Ainur"}),
            ("list", {"numbered": True, "items": ["Release him", "Drop the charges"]}),
            figure(PictureFactory(title="Court"), alt_text="The court building"),
            (
                "call_to_action",
                {
                    "heading": "Send a protest",
                    "button_label": "Write now",
                    "link_url": "https://example.org/",
                },
            ),
        ],
    )
    # As an import or an old revision may leave it: neither alt text nor marked decorative.
    unlabelled_picture = PictureFactory(title="Oil field")
    unlabelled_picture.contextual_alt_text, unlabelled_picture.decorative = None, False
    ArticlePageFactory(
        parent=section,
        title="Strike spreads to the oil fields",
        first_published_at=datetime(2010, 4, 12, tzinfo=UTC),
        lead_image=PictureFactory(),
        authors=[author],
        topics=[topic],
        body=[("image", {"image": unlabelled_picture, "caption": ""})],
    )
    return {"appeal": appeal, "topic": topic, "region": region}


def reader_urls(site, author):
    return [
        "/",
        "/analysis/",
        site["appeal"].url,
        "/analysis/strike-spreads-to-the-oil-fields/",
        site["topic"].get_absolute_url(),
        site["region"].get_absolute_url(),
        "/tags/hunger-strike/",
        author.get_absolute_url(),
        "/authors/",
        "/archive/",
        "/2010/",
        "/2010/04/",
        "/search/",
        "/search/?q=strike",
        "/search/?q=nothing+matches+this",
        "/analysis/?page=2",
    ]


def test_every_page_type_has_an_accessible_structure(client, site, author):
    for url in reader_urls(site, author):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_accessible_structure(response.content.decode(), url)


def test_the_skip_link_comes_first_and_leads_to_the_main_content(client, site):
    page = PageStructure(client.get("/").content.decode())
    first_link = page.all("a")[0][0]
    assert first_link["href"] == "#main" and "main" in page.ids
    main = page.all("main")[0][0]
    assert main["id"] == "main" and main["tabindex"] == "-1"  # focus follows the skip link


def test_a_body_picture_without_alt_text_falls_back_to_its_title(client, site):
    html = client.get("/analysis/strike-spreads-to-the-oil-fields/").content.decode()
    assert 'alt="Oil field"' in html


def test_error_pages_have_an_accessible_structure(client, site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_accessible_structure(response.content.decode(), "404")
    assert_accessible_structure(render_to_string("500.html"), "500")
