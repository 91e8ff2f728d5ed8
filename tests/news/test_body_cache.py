"""Rendered bodies are kept per revision (news/bodycache.py): readers never see a stale one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText

from donations.factories import CampaignFactory, DonationFactory, appeal_box
from donations.models import DonationStatus
from news.factories import ArticlePageFactory, PictureFactory, figure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_pages")]


def paragraph(text):
    return ("paragraph", RichText(f"<p>{text}</p>"))


def body_of(client, url):
    html = client.get(url).content.decode()
    return html[html.index('<div class="article__body">') : html.index('<footer class="article')]


def test_a_second_view_shows_the_same_body_without_reading_its_pictures(client, section):
    pictures = [PictureFactory(credit=f"Photo {n}") for n in range(3)]
    article = ArticlePageFactory(
        parent=section,
        body=[
            paragraph("Workers gathered."),
            *[figure(p, f"Crowd {n}") for n, p in enumerate(pictures)],
        ],
    )
    first = body_of(client, article.url)
    with CaptureQueriesContext(connection) as second_view:
        second = body_of(client, article.url)
    assert second == first
    assert "Workers gathered." in second and 'alt="Crowd 2"' in second and "Photo 1" in second
    read_renditions = [q for q in second_view.captured_queries if "news_rendition" in q["sql"]]
    # The lead picture has none; the body's pictures come from the rendered body.
    assert not read_renditions


def test_publishing_shows_the_new_body_at_once(client, article):
    article.body = [paragraph("First version.")]
    article.save_revision().publish()
    assert "First version." in body_of(client, article.url)

    article.body = [paragraph("Corrected version.")]
    article.save_revision().publish()
    body = body_of(client, article.url)
    assert "Corrected version." in body and "First version." not in body


def test_a_changed_picture_shows_at_once(client, section):
    picture = PictureFactory(credit="Photo: A. Smith")
    article = ArticlePageFactory(parent=section, body=[figure(picture, "Strikers")])
    assert "Photo: A. Smith" in body_of(client, article.url)
    picture.credit = "Photo: B. Jones / CC BY"
    picture.save()
    assert "Photo: B. Jones / CC BY" in body_of(client, article.url)


def test_the_appeal_box_in_a_cached_body_shows_the_latest_total(client, home, section):
    campaign = CampaignFactory(name="Trial fund", goals={"GBP": "500"})
    article = ArticlePageFactory(
        parent=section, body=[paragraph("Before the box."), appeal_box(campaign)]
    )
    assert "£0.00</strong> raised" in body_of(client, article.url)
    DonationFactory(campaign=campaign, amount=12500, status=DonationStatus.SUCCEEDED)
    campaign.forget_progress(campaign.pk)
    body = body_of(client, article.url)
    assert "£125.00</strong> raised" in body and "Before the box." in body


def test_a_preview_shows_the_unsaved_body_and_leaves_readers_the_published_one(client, article):
    article.body = [paragraph("Published text.")]
    article.save_revision().publish()
    assert "Published text." in body_of(client, article.url)

    article.body = [paragraph("Draft the editor is previewing.")]
    preview = article.make_preview_request().content.decode()
    assert "Draft the editor is previewing." in preview and "Published text." not in preview
    assert "Published text." in body_of(client, article.url)
