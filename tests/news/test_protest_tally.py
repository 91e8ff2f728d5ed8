"""The tally: "I sent my protest" counts once per browser and target, anonymously, within limits."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.test.utils import WagtailTestUtils

from donations.factories import CampaignFactory, DonatePageFactory, appeal_box
from news.models import AppealStatus, ProtestTally
from news.protest import views as protests

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


def protest(client, target, origin=SITE, **headers):
    if origin:
        headers["HTTP_ORIGIN"] = origin
    return client.post(reverse("news:protest", args=[target.pk]), **headers)


def shown_count(client, appeal, target):
    """The "N protests sent" a reader sees by the official's button on the appeal page."""
    page = WagtailTestUtils.get_soup(client.get(appeal.url).content)
    card = page.find(id=f"target-{target.pk}")
    return int(card.select_one(".tally strong").get_text())


def shown_total(client, appeal):
    page = WagtailTestUtils.get_soup(client.get(appeal.url).content)
    return int(page.select_one(".protest-kit__total strong").get_text())


@pytest.fixture
def mami(appeal):
    return appeal.targets.get(name="Kairat Mami")


def test_a_browser_counts_once_per_official(client, appeal, mami):
    esimov = appeal.targets.get(name="Ahmatjan Esimov")
    first = protest(client, mami)
    assert first.status_code == 200
    assert "Thank you: your protest is counted" in first.content.decode()
    again = protest(client, mami)
    assert again.status_code == 200
    assert "already told us about your protest to Kairat Mami" in again.content.decode()
    assert protest(client, esimov).status_code == 200
    protest(Client(), mami)  # another reader
    assert shown_count(client, appeal, mami) == 2
    assert shown_count(client, appeal, esimov) == 1
    assert shown_total(client, appeal) == 3


def test_the_response_shows_the_fresh_count_and_what_to_do_next(client, home, appeal, mami):
    DonatePageFactory(parent=home)
    ProtestTally.objects.create(target=mami, sent=41)
    response = protest(client, mami)
    page = WagtailTestUtils.get_soup(response.content)
    assert page.select_one(".protest-sent__count").get_text(" ", strip=True) == (
        "42 protests sent to Kairat Mami, 42 in all."
    )
    what_next = page.select_one(".what-next")
    share_url = "http://testserver/appeals/free-ainur-kurmanov/"
    assert what_next.find("input", id="share-url")["value"] == share_url
    links = {a.get_text(): a["href"] for a in what_next.select(".share-links a")}
    assert set(links) >= {"Email", "Mastodon", "Bluesky", "Telegram", "WhatsApp"}
    assert links["Telegram"] == (
        "https://t.me/share/url?url=http%3A%2F%2Ftestserver%2Fappeals%2Ffree-ainur-kurmanov%2F"
        "&text=Free%20Ainur%20Kurmanov"
    )
    assert (
        what_next.find("a", string="Give to the campaign")["href"] == f"/donate/?page={appeal.pk}"
    )  # the appeal has no appeal box of its own: the donate page, told where the gift came from
    assert what_next.find("a", string="RSS")["href"] == appeal.url + "feed/"
    assert what_next.find("a", string="Atom")["href"] == appeal.url + "feed/atom/"
    # No tracking scripts from the services: the only script is our own.
    assert [s["src"] for s in page.find_all("script", src=True)] == ["/static/js/appeal.js"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_nothing_about_the_reader_is_kept(client, appeal, mami):
    address = "203.0.113.77"
    response = protest(client, mami, REMOTE_ADDR=address, HTTP_USER_AGENT="Reader/1.0")
    assert response.status_code == 200
    # The database holds a number per target; no session, no address, no browser.
    assert list(ProtestTally.objects.values()) == [{"target_id": mami.pk, "sent": 1}]
    assert Session.objects.count() == 0
    # The browser keeps which targets it counted, and nothing that tells one reader from another.
    assert set(response.cookies) == {"protests_sent"}
    assert response.cookies["protests_sent"].value == str(mami.pk)
    # The rate limit remembers a keyed hash of the address, for minutes, not the address.
    cached = repr(list(cache._cache.items()))
    assert address not in cached and address.replace(".", "") not in cached


def test_the_rate_limit_stops_one_address_counting_too_many(appeal, mami, monkeypatch):
    monkeypatch.setattr(protests, "RATE_LIMIT", 3)
    for _ in range(3):  # three readers sharing one address, each with their own browser
        assert protest(Client(), mami, REMOTE_ADDR="198.51.100.1").status_code == 200
    refused = protest(Client(), mami, REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 429
    assert "Please tell us again in a little while" in refused.content.decode()
    assert protest(Client(), mami, REMOTE_ADDR="198.51.100.2").status_code == 200
    assert ProtestTally.objects.get(target=mami).sent == 4


def test_get_is_refused(client, mami):
    response = client.get(reverse("news:protest", args=[mami.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not ProtestTally.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/appeals/free-ainur-kurmanov/"},
        {},
    ],
)
def test_a_post_from_another_site_is_refused(client, mami, headers):
    response = protest(client, mami, origin=None, **headers)
    assert response.status_code == 403
    assert "did not say it came from this site" in response.content.decode()
    assert not ProtestTally.objects.exists() and "protests_sent" not in response.cookies


def test_older_browsers_without_origin_are_checked_by_referer(client, appeal, mami):
    response = protest(client, mami, origin=None, HTTP_REFERER=SITE + appeal.url)
    assert response.status_code == 200 and ProtestTally.objects.get(target=mami).sent == 1


def page_for(reader, url):
    """The page's HTML, less the comment form's timestamp token: it is the same for every
    reader, but moves on every few seconds, and a test may straddle that moment."""
    return re.sub(r'name="token" value="[^"]*"', "", reader.get(url).content.decode())


def test_the_cached_page_is_the_same_for_every_reader(client, appeal, mami):
    """Nothing personal in the page: no CSRF token, and no trace of what this browser did."""
    before = client.get(appeal.url)
    assert "csrfmiddlewaretoken" not in before.content.decode()
    assert "csrftoken" not in before.cookies
    fresh_reader = page_for(Client(), appeal.url)
    protest(Client(), mami)  # someone else protests; the count moves
    reader_who_protested = Client()
    reader_who_protested.cookies["protests_sent"] = str(mami.pk)
    assert page_for(reader_who_protested, appeal.url) == page_for(Client(), appeal.url)
    assert fresh_reader != page_for(Client(), appeal.url)


def test_unknown_targets_and_unpublished_appeals_are_not_found(client, appeal, mami):
    assert client.post("/protests/999999/", HTTP_ORIGIN=SITE).status_code == 404
    appeal.unpublish()
    assert protest(client, mami).status_code == 404
    assert not ProtestTally.objects.exists()


def test_the_tally_form_posts_to_the_counter(client, appeal, mami):
    page = WagtailTestUtils.get_soup(client.get(appeal.url).content)
    form = page.find(id=f"target-{mami.pk}").find("form")
    assert form["method"] == "post" and form["action"] == f"/protests/{mami.pk}/"
    assert re.fullmatch(r"\s*I sent my protest\s*", form.find("button").get_text())


def test_a_resolved_appeal_counts_no_more(client, appeal, mami):
    ProtestTally.objects.create(target=mami, sent=7)
    appeal.status = AppealStatus.RESOLVED
    appeal.outcome = "won"
    appeal.save_revision().publish()
    response = protest(client, mami)
    assert response.status_code == 409
    assert "its tally is final" in response.content.decode()
    assert ProtestTally.objects.get(target=mami).sent == 7


def test_what_next_offers_the_appeals_own_appeal_box_attributed_to_it(client, home, appeal, mami):
    DonatePageFactory(parent=home)
    campaign = CampaignFactory(goals={"GBP": "500"})
    appeal.body.append(appeal_box(campaign))
    appeal.save_revision().publish()
    page = WagtailTestUtils.get_soup(protest(client, mami).content)
    box = page.select_one(".what-next .appeal-box")
    assert box is not None and "Special financial appeal" in box.get_text()
    links = [a["href"] for a in box.select("a")]
    assert links and all(f"page={appeal.pk}" in link for link in links)
    assert page.find("a", string="Give to the campaign") is None
