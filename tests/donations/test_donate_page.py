"""The donate page: pre-filled from links, checked on the server, cacheable, honest about mode."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.factories import (
    CampaignFactory,
    DonatePageFactory,
    DonationFactory,
    PatronTierFactory,
)
from donations.models import Donation, DonationStatus
from tests.donations.checkout import give

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_gateway", "uncached_pages")]


def test_the_query_string_pre_fills_the_form(client, donate_page):
    response = client.get("/donate/?amount=25&frequency=monthly&currency=EUR&email=a@example.org")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="amount" value="25"' in html
    assert re.search(r'value="monthly" id="id_frequency_\d" required checked', html)
    assert '<option value="EUR" selected>' in html
    assert 'value="a@example.org"' in html
    # An address in the link makes the page this visitor's own: never cached.
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_the_plain_page_has_no_per_visitor_token_so_it_can_be_cached(client, donate_page):
    response = client.get("/donate/")
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "private" not in response.get("Cache-Control", "")
    assert 'action="/donations/checkout/"' in html


def test_presets_follow_currency_and_frequency_and_carry_the_attribution(client, donate_page):
    html = client.get("/donate/?currency=USD&frequency=monthly&page=7").content.decode()
    assert "$5</a>" in html and "$20</a>" in html
    assert "/donate/?amount=10.00&amp;currency=USD&amp;frequency=monthly&amp;page=7" in html


@pytest.mark.parametrize(
    "amount, message",
    [
        ("", "Enter an amount"),
        ("lots", "Enter the amount as a number"),
        ("-5", "greater than zero"),
        ("0", "greater than zero"),
        ("1", "The smallest gift we can take is £2.00"),
        ("10001", "The largest gift we can take online is £10,000.00"),
        ("25.505", "at most 2 decimal places"),
        ("NaN", "Enter the amount as a number"),
        ("1e3", None),  # a number all the same: £1,000
    ],
)
def test_bad_amounts_come_back_with_a_clear_message_and_no_checkout(
    client, donate_page, amount, message
):
    response = give(client, donate_page, amount=amount, name="Ada <b>")

    if message is None:
        assert response.status_code == 303
        return
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'value="ada@example.org"' in html  # the donor's choices are kept
    assert "Ada &lt;b&gt;" in html  # and escaped
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("currency", "XXX", "Choose one of the currencies offered"),
        ("currency", "JPY", "Choose one of the currencies offered"),  # known, not enabled here
        ("frequency", "weekly", "Choose how often to give"),
        ("provider", "bitcoin", "Choose one of the ways to pay offered"),
        ("provider", "stripe", "Choose one of the ways to pay offered"),  # Stripe is off
        ("email", "not-an-address", "Enter an email address like name@example.org"),
    ],
)
def test_unknown_choices_are_refused_plainly(client, donate_page, field, value, message):
    response = give(client, donate_page, **{field: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Donation.objects.exists()


def test_the_honeypot_stops_bots_without_a_checkout(client, donate_page):
    response = give(client, donate_page, website="http://spam.example")
    assert response.status_code == 400
    assert not Donation.objects.exists()


def test_a_post_from_another_site_is_refused(client, donate_page):
    response = client.post(
        "/donations/checkout/",
        {"donate_page": donate_page.pk, "amount": "25"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert not Donation.objects.exists()


def test_a_post_that_names_no_origin_is_refused(donate_page):
    from django.test import Client

    response = Client().post(
        "/donations/checkout/", {"donate_page": donate_page.pk, "amount": "25"}
    )
    assert response.status_code == 403 and "our own donate page" in response.content.decode()
    assert not Donation.objects.exists()


def test_a_bad_page_id_is_a_404_not_a_500(client, donate_page):
    assert client.post("/donations/checkout/", {"donate_page": "x"}).status_code == 404


def test_rate_limits_per_address_and_per_email(client, donate_page, settings):
    settings.DONATIONS_CHECKOUTS_PER_IP = 4
    settings.DONATIONS_CHECKOUTS_PER_EMAIL = 2
    assert give(client, donate_page, email="a@example.org").status_code == 303
    assert give(client, donate_page, email="a@example.org").status_code == 303
    limited = give(client, donate_page, email="A@example.org")  # the same address, any case
    assert limited.status_code == 429
    assert "several donations in a short time" in limited.content.decode()
    assert give(client, donate_page, email="b@example.org").status_code == 303
    assert (
        give(client, donate_page, email="c@example.org").status_code == 429
    )  # the address's 5th attempt


def test_the_page_says_test_mode_and_that_stripe_is_off(client, donate_page):
    html = client.get("/donate/").content.decode()
    assert "Test mode: no money moves" in html
    assert "Card payments through Stripe are switched off" in html


def test_no_provider_means_no_form_but_a_plain_notice(client, donate_page, settings):
    settings.PAYMENTS_TEST_GATEWAY = False
    html = client.get("/donate/").content.decode()
    assert "Online giving is not available right now" in html
    assert '<form class="donate-form"' not in html


def test_campaign_progress_counts_succeeded_gifts_less_refunds_in_fixed_queries(client, home):
    campaign = CampaignFactory(name="Defence fund", goals={"GBP": "1000"})
    page = DonatePageFactory(parent=home, campaign=campaign)
    DonationFactory(campaign=campaign, amount=20000, status=DonationStatus.SUCCEEDED)
    DonationFactory(
        campaign=campaign,
        amount=10000,
        amount_refunded=4000,
        status=DonationStatus.PARTIALLY_REFUNDED,
    )
    DonationFactory(campaign=campaign, amount=50000, status=DonationStatus.PENDING)
    DonationFactory(campaign=campaign, amount=50000, status=DonationStatus.REFUNDED)

    html = client.get(page.url).content.decode()
    assert "£260.00</strong> raised of £1,000.00" in html
    assert 'value="26"' in html

    def count():
        from django.core.cache import cache

        cache.delete(campaign.progress_cache_key(campaign.pk))
        with CaptureQueriesContext(connection) as queries:
            campaign.compute_progress()
        return len(queries)

    few = count()
    for _ in range(20):
        DonationFactory(campaign=campaign, amount=100, status=DonationStatus.SUCCEEDED)
    assert count() == few <= 2


def test_patron_tiers_show_for_the_chosen_currency(client, donate_page):
    PatronTierFactory(name="Sustainer", supports="A week of court reporting", amounts={"GBP": "10"})
    PatronTierFactory(name="Dollar only", amounts={"USD": "10"})
    html = client.get("/donate/?frequency=monthly").content.decode()
    assert "Sustainer" in html and "£10 a month" in html
    assert "A week of court reporting" in html
    assert "Dollar only" not in html


def test_supporters_list_is_off_by_default_and_shows_only_those_who_agreed(client, home):
    page = DonatePageFactory(parent=home, show_supporters=True)
    DonationFactory(
        status=DonationStatus.SUCCEEDED, public=True, donor__name="Rosa", message="Solidarity!"
    )
    DonationFactory(status=DonationStatus.SUCCEEDED, public=False, donor__name="Private Person")
    html = client.get(page.url).content.decode()
    assert "Rosa" in html and "Solidarity!" in html
    assert "Private Person" not in html
    assert "public list of supporters" in html

    page.show_supporters = False
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Rosa" not in html and "public list of supporters" not in html


def test_a_zero_decimal_currency_works_end_to_end(client, home):
    page = DonatePageFactory(
        parent=home, slug="yen", currencies=[("JPY", "500", "1000000", "1000, 3000", "", "")]
    )
    html = client.get(page.url).content.decode()
    assert "¥3,000" in html
    response = give(client, page, currency="JPY", amount="3000")
    assert response.status_code == 303
    assert (Donation.objects.get().amount, Donation.objects.get().currency) == (3000, "JPY")


def test_a_link_naming_an_ended_campaign_counts_towards_the_pages_own(client, home):
    from datetime import timedelta

    from django.utils import timezone

    running = CampaignFactory(name="Now")
    ended = CampaignFactory(
        name="Last year",
        starts_at=timezone.now() - timedelta(days=400),
        ends_at=timezone.now() - timedelta(days=35),
    )
    page = DonatePageFactory(parent=home, campaign=running)
    give(client, page, campaign=ended.pk)
    give(client, page, campaign=running.pk, email="b@example.org")
    assert set(Donation.objects.values_list("campaign__name", flat=True)) == {"Now"}
