from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText

from donations.models import DonatePage
from news.factories import (
    AppealPageFactory,
    ArticlePageFactory,
    PictureFactory,
    SectionPageFactory,
    TopicFactory,
    figure,
)
from news.models import AppealPage, ArticlePage, HomePage, SectionPage, StandardPage

pytestmark = pytest.mark.django_db


def test_page_types_sit_where_editors_expect_them():
    assert HomePage.allowed_parent_page_models() == [Page]
    assert set(HomePage.allowed_subpage_models()) == {SectionPage, StandardPage, DonatePage}
    assert DonatePage.allowed_subpage_models() == []
    assert StandardPage.allowed_parent_page_models() == [HomePage, StandardPage]
    assert SectionPage.allowed_parent_page_models() == [HomePage]
    assert set(SectionPage.allowed_subpage_models()) == {ArticlePage, AppealPage}
    assert ArticlePage.allowed_parent_page_models() == [SectionPage]
    assert AppealPage.allowed_parent_page_models() == [SectionPage]
    assert ArticlePage.allowed_subpage_models() == []


def test_only_one_home_page(home):
    assert not HomePage.can_create_at(Page.get_first_root_node())


def test_article_renders_headline_standfirst_byline_and_body(client, article, author):
    article.body = [("paragraph", RichText("<p>The strike entered its third week.</p>"))]
    article.save()
    response = client.get(article.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="article__title">Oil workers strike</h1>' in html
    assert article.standfirst in html
    assert f'href="{author.get_absolute_url()}">Mariam Tulegenova</a>' in html
    assert "The strike entered its third week." in html


def test_authors_keep_the_editors_order(section):
    from news.factories import AuthorFactory

    first, second, third = (AuthorFactory(name=n) for n in ("Zoe Zed", "Adam Ant", "Mia Moe"))
    article = ArticlePageFactory(parent=section, authors=[first, second, third])
    assert [a.name for a in ArticlePage.objects.get(pk=article.pk).authors] == [
        "Zoe Zed",
        "Adam Ant",
        "Mia Moe",
    ]


def test_lead_image_shows_caption_credit_and_sized_renditions(client, section):
    picture = PictureFactory(title="Picket", credit="Photo: A. Reporter")
    article = ArticlePageFactory(
        parent=section, lead_image=picture, lead_image_caption="The picket"
    )
    html = client.get(article.url).content.decode()
    assert "The picket" in html and "Photo: A. Reporter" in html
    assert 'srcset="' in html and 'width="' in html and 'height="' in html


def test_every_body_block_renders(client, section):
    picture = PictureFactory(title="Body picture", credit="Photo: Archive")
    article = ArticlePageFactory(
        parent=section,
        body=[
            ("paragraph", RichText("<p>Opening paragraph.</p>")),
            ("heading", {"text": "What happened", "level": "h2"}),
            figure(picture, alt_text="A crowd", caption="Crowd outside"),
            ("quote", {"quote": "We will not be silenced.", "attribution": "A striker"}),
            ("list", {"numbered": True, "items": ["First demand", "Second demand"]}),
            (
                "call_to_action",
                {
                    "heading": "Act now",
                    "text": "",
                    "button_label": "Sign",
                    "page": None,
                    "link_url": "https://example.org/sign",
                },
            ),
            (
                "contact_details",
                {
                    "name": "The Procuror",
                    "role": "",
                    "email": "p@example.kz",
                    "phone": "+7 727 271 65 79",
                    "fax": "",
                    "address": "",
                    "website": "",
                    "note": "",
                },
            ),
        ],
    )
    html = client.get(article.url).content.decode()
    assert "<h2>What happened</h2>" in html
    assert 'alt="A crowd"' in html and "Crowd outside" in html and "Photo: Archive" in html
    assert "We will not be silenced." in html and "A striker" in html
    assert "<ol>" in html and "<li>Second demand</li>" in html
    assert 'href="https://example.org/sign"' in html
    assert 'href="mailto:p@example.kz"' in html and 'href="tel:+77272716579"' in html


def test_related_articles_hand_picked_first_then_shared_topics(client, section):
    labour, housing = TopicFactory(name="Labour"), TopicFactory(name="Housing")
    article = ArticlePageFactory(parent=section, title="Main", topics=[labour, housing])
    both = ArticlePageFactory(parent=section, title="Shares two topics", topics=[labour, housing])
    one = ArticlePageFactory(parent=section, title="Shares one topic", topics=[labour])
    ArticlePageFactory(parent=section, title="Shares nothing")
    assert [a.title for a in article.related()] == ["Shares two topics", "Shares one topic"]

    picked = ArticlePageFactory(parent=section, title="Chosen by the editor")
    article.related_articles.create(article=picked, sort_order=0)
    article.save()
    from django.core.cache import cache

    cache.clear()
    assert [a.title for a in ArticlePage.objects.get(pk=article.pk).related()] == [
        "Chosen by the editor",
        both.title,
        one.title,
    ]


def test_section_lists_its_articles_newest_first_and_paginates(client, section):
    now = timezone.now()
    for n in range(25):
        ArticlePageFactory(
            parent=section, title=f"Story {n}", first_published_at=now - timedelta(days=n)
        )
    first_page = client.get(section.url).content.decode()
    assert first_page.index("Story 0") < first_page.index("Story 1")
    assert "Story 24" not in first_page
    assert "Page 1 of 2" in first_page
    assert "Story 24" in client.get(section.url + "?page=2").content.decode()


@pytest.mark.parametrize("page_number", ["99", "abc", "", "-1", "1.5", "%00"])
def test_listing_survives_any_page_number(client, article, section, page_number):
    response = client.get(section.url, {"page": page_number})
    assert response.status_code == 200
    assert "Oil workers strike" in response.content.decode()


def test_unpublished_articles_stay_out_of_listings_and_answer_404(client, section):
    draft = ArticlePageFactory(parent=section, title="Embargoed story", live=False)
    assert "Embargoed story" not in client.get(section.url).content.decode()
    assert client.get(f"/analysis/{draft.slug}/").status_code == 404


def test_home_leads_with_urgent_appeal_and_lists_sections(client, home, section):
    appeals = SectionPageFactory(parent=home, title="Appeals", slug="appeals")
    ArticlePageFactory(parent=section, title="An analysis piece")
    AppealPageFactory(parent=appeals, title="Free the journalist", status="urgent")
    html = client.get("/").content.decode()
    lead = html.index('class="lead-story')
    assert html.index("Free the journalist", lead) < html.index("An analysis piece")
    assert "An analysis piece" in html and ">Analysis</a></h2>" in html


def test_home_lead_story_chosen_by_editor_wins(client, home, section):
    chosen = ArticlePageFactory(parent=section, title="Editor's choice")
    ArticlePageFactory(parent=section, title="Newer story")
    home.lead_story = chosen
    home.save()
    html = client.get("/").content.decode()
    assert 'id="lead-title" class="lead-story__title"><a href="/analysis/editors-choice/">' in html


def test_breadcrumbs_lead_home_section_article(client, article):
    html = client.get(article.url).content.decode()
    crumbs = html[html.index('aria-label="Breadcrumb"') :]
    assert (
        crumbs.index(">Home<") < crumbs.index(">Analysis<") < crumbs.index(">Oil workers strike<")
    )


def test_404_page_is_in_the_site_design(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_a_server_error_shows_the_sites_500_page_without_the_error(client, home, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(HomePage, "get_context", broken)
    client.raise_request_exception = False
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "portal.css" in html
    assert "hunter2" not in html and "RuntimeError" not in html
