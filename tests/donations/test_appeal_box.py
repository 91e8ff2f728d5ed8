"""The appeal box in an article: links that carry the page, a progress bar, a fixed query cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText

from donations.factories import CampaignFactory, DonatePageFactory, DonationFactory
from donations.factories import appeal_box as factory_appeal_box
from donations.models import DonationStatus
from news.factories import ArticlePageFactory, AuthorFactory, PictureFactory, TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_pages")]
ARTICLE_BUDGET = 11  # tests/news/test_query_budgets.py


def appeal_box(campaign=None, **value):
    return factory_appeal_box(
        campaign,
        text="Help us report the trial.",
        one_off_amounts="10, 25",
        monthly_amounts="5",
        **value,
    )


@pytest.fixture
def campaign():
    campaign = CampaignFactory(name="Trial fund", goals={"GBP": "500", "EUR": "400"})
    DonationFactory(campaign=campaign, amount=12500, status=DonationStatus.SUCCEEDED)
    return campaign


def test_the_box_links_to_the_pre_filled_donate_page_naming_the_article(
    client, home, section, campaign
):
    DonatePageFactory(parent=home)
    article = ArticlePageFactory(
        parent=section,
        body=[("paragraph", RichText("<p>Text</p>")), appeal_box(campaign)],
    )

    html = client.get(article.url).content.decode()

    assert "Special financial appeal" in html
    assert (
        f'href="/donate/?amount=25.00&amp;currency=GBP&amp;frequency=one_off'
        f'&amp;page={article.pk}&amp;campaign={campaign.pk}"'
    ) in html
    assert "frequency=monthly" in html and "£5 a month" in html
    assert "£125.00</strong> raised of £500.00" in html
    # Nothing per visitor: the article stays cacheable whole; the box links, it does not post.
    assert "csrfmiddlewaretoken" not in html and 'action="/donations/' not in html


def test_following_the_link_pre_fills_the_form_and_attributes_the_gift(
    client, home, section, settings
):
    settings.PAYMENTS_TEST_GATEWAY = True
    DonatePageFactory(parent=home)
    article = ArticlePageFactory(parent=section, body=[appeal_box()])
    link = f"/donate/?amount=25.00&currency=GBP&frequency=one_off&page={article.pk}"

    html = client.get(link).content.decode()
    assert 'value="25.00"' in html
    assert f'name="page" value="{article.pk}"' in html
    response = client.post(
        "/donations/checkout/",
        {
            "donate_page": home.get_children().get(slug="donate").pk,
            "amount": "25.00",
            "currency": "GBP",
            "frequency": "one_off",
            "provider": "test",
            "email": "reader@example.org",
            "page": article.pk,
        },
    )
    assert response.status_code == 303
    from donations.models import Donation

    assert Donation.objects.get().source_page_id == article.pk


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_an_article_with_an_appeal_box_stays_within_the_query_budget(
    client, home, section, campaign
):
    DonatePageFactory(parent=home)
    topics = [TopicFactory() for _ in range(3)]
    article = ArticlePageFactory(
        parent=section,
        authors=[AuthorFactory(photo=PictureFactory()) for _ in range(2)],
        topics=topics,
        lead_image=PictureFactory(),
        body=[("paragraph", RichText("<p>Text</p>")), appeal_box(campaign)],
    )
    ArticlePageFactory(parent=section, topics=topics[:1], lead_image=PictureFactory())
    queries(client, article.url)  # renditions made, routes cached
    article.save_revision().publish()  # a new page-tree generation: the first view after publish

    cold = queries(client, article.url)
    warm = queries(client, article.url)
    for _ in range(10):
        DonationFactory(campaign=campaign, amount=100, status=DonationStatus.SUCCEEDED)
    campaign.forget_progress(campaign.pk)
    assert queries(client, article.url) <= warm + 2  # the progress bar, recomputed once
    assert cold <= ARTICLE_BUDGET and warm <= ARTICLE_BUDGET
