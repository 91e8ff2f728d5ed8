"""What an appeal gives a reader to act with: the officials, their letters, and the addresses."""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from donations.factories import DonationFactory
from news.factories import AppealPageFactory
from news.models import AppealOutcome, AppealPage, AppealStatus, AppealTarget, ProtestTally

pytestmark = pytest.mark.django_db


def soup(response):
    assert response.status_code == 200
    return WagtailTestUtils.get_soup(response.content)


def target_card(page, name):
    for card in page.select(".target"):
        if card.select_one(".target__name").get_text(strip=True) == name:
            return card
    raise AssertionError(f"no target {name}")


def test_each_official_has_a_letter_ready_to_send(client, appeal):
    card = target_card(soup(client.get(appeal.url)), "Ahmatjan Esimov")
    link = card.find("a", string="Write to this official")
    mail = urlsplit(link["href"])
    fields = {name: values[0] for name, values in parse_qs(mail.query).items()}
    assert mail.scheme == "mailto"
    assert unquote(mail.path) == "press_center@a-a.kz,akim@almaty.example"
    assert fields["cc"] == "denver76-76@mail.ru,admin@socialismkz.info"
    assert fields["subject"] == "Release Ainur Kurmanov now"
    assert fields["body"].startswith("To Ahmatjan Esimov, Akim of Almaty\r\n\r\nI demand the")


def test_phones_faxes_and_postal_addresses_are_shown_and_dialable(client, appeal):
    page = soup(client.get(appeal.url))
    osce = target_card(page, "The OSCE Secretariat")
    assert osce.find("a", string="+43 1 514 36 6000")["href"] == "tel:+431514366000"
    assert osce.find("a", string="+43 1 514 36 6996")["href"] == "tel:+431514366996"
    assert osce.find("address").get_text("|", strip=True) == "Wallnerstrasse 6|1010 Vienna|Austria"
    assert osce.find("a", string="https://www.osce.org")
    # No email address: no mail link, but the letter can still be printed and posted or faxed.
    assert not osce.find("a", string="Write to this official")
    assert osce.find("a", string="Print this letter")
    mami = target_card(page, "Kairat Mami")
    assert mami.find("a", string="+7 717250-25-34")["href"] == "tel:+77172502534"


def test_all_addresses_are_listed_for_webmail_with_a_copy_button(client, appeal):
    page = soup(client.get(appeal.url))
    listed = [item.get_text(strip=True) for item in page.select("#all-addresses li")]
    assert listed == [
        "akparat@prokuror.kz",
        "press_center@a-a.kz",
        "akim@almaty.example",
        "denver76-76@mail.ru",
        "admin@socialismkz.info",
    ]
    # The button needs the script, so it is hidden until the script shows it.
    button = page.find("button", string="Copy all addresses")
    assert button.has_attr("hidden") and button["data-copy"] == "#all-addresses"
    assert page.find("script", src="/static/js/appeal.js")
    assert (Path(settings.BASE_DIR) / "static/js/appeal.js").exists()


def test_printable_letters_one_per_official(client, appeal):
    page = soup(client.get(appeal.url))
    letters_url = page.find("a", string="Print the letters")["href"]
    assert letters_url == appeal.url + "letter/"
    letters = soup(client.get(letters_url)).select("article.letter")
    assert [
        letter.select_one(".letter__recipient").get_text(" ", strip=True) for letter in letters
    ] == [
        "Kairat Mami General Prosecutor of the Republic of Kazakhstan",
        "Ahmatjan Esimov Akim of Almaty",
        "The OSCE Secretariat Organization for Security and Co-operation in Europe "
        "Wallnerstrasse 6 1010 Vienna Austria",
    ]
    first = letters[0]
    assert first.select_one(".letter__subject").get_text() == "Release Ainur Kurmanov now"
    body = first.select_one(".letter__body").get_text("\n", strip=True)
    assert body.startswith("To Kairat Mami, General Prosecutor of the Republic of Kazakhstan")
    assert "I demand the release of Ainur Kurmanov." in body
    assert "By fax: +7 717250-25-34" in first.get_text()
    assert "denver76-76@mail.ru" in first.select_one(".letter__copies").get_text()
    # Each letter on a page of its own, with the website's chrome left off the paper.
    print_css = (Path(settings.BASE_DIR) / "static/css/print.css").read_text()
    assert ".letter {" in print_css and "break-after: page" in print_css


def test_one_officials_letter_can_be_printed_alone(client, appeal):
    osce = appeal.targets.get(name="The OSCE Secretariat")
    link = target_card(soup(client.get(appeal.url)), "The OSCE Secretariat").find(
        "a", string="Print this letter"
    )
    assert link["href"] == f"{appeal.url}letter/{osce.pk}/"
    letters = soup(client.get(link["href"])).select("article.letter")
    assert len(letters) == 1 and "Wallnerstrasse 6" in letters[0].get_text()
    assert client.get(f"{appeal.url}letter/999999/").status_code == 404


def test_an_appeal_without_targets_or_letter_shows_no_protest_kit(client, appeals):
    plain = AppealPageFactory(parent=appeals, title="Solidarity with the strikers")
    html = client.get(plain.url).content.decode()
    assert "Send your protest" not in html and "I sent my protest" not in html
    assert client.get(plain.url + "letter/").status_code == 404


def editor_form(admin_client, appeal, **changes):
    """The page editor's form for the appeal, as it was rendered, with some fields changed."""
    url = reverse("wagtailadmin_pages:edit", args=[appeal.pk])
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="page-edit-form")
    # The StreamField editors are built by JavaScript; post their fields as it would.
    data.update(
        nested_form_data(
            {
                "body": streamfield([("paragraph", rich_text("<p>Free him.</p>"))]),
                "updates": streamfield([]),
            }
        )
    )
    for name, value in changes.items():
        data[name] = value
    return data


def admin_edit(admin_client, appeal, **changes):
    data = editor_form(admin_client, appeal, **changes)
    data["action-publish"] = "action-publish"
    return admin_client.post(reverse("wagtailadmin_pages:edit", args=[appeal.pk]), data)


def test_the_editor_previews_unsaved_targets_and_letter(admin_client, appeal):
    data = editor_form(
        admin_client,
        appeal,
        **{"targets-0-name": "Nurlan Preview", "letter_subject": "Preview: free {prisoner}"},
    )
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[appeal.pk])
    assert admin_client.post(preview_url, data).json()["is_valid"]
    preview = soup(admin_client.get(preview_url))
    card = target_card(preview, "Nurlan Preview")
    href = card.find("a", string="Write to this official")["href"]
    assert "subject=Preview%3A%20free%20Ainur%20Kurmanov" in href
    assert "body=To%20Nurlan%20Preview%2C" in href
    # Nothing was saved by previewing.
    assert not AppealTarget.objects.filter(name="Nurlan Preview").exists()


def errors(response):
    assert response.status_code == 200, "the form should have been refused"
    page = WagtailTestUtils.get_soup(response.content)
    return [error.get_text(" ", strip=True) for error in page.select(".error-message")]


def test_admin_refuses_bad_addresses_and_numbers_with_clear_messages(admin_client, appeal):
    response = admin_edit(
        admin_client,
        appeal,
        **{
            "targets-0-emails": "akparat@prokuror.kz\nprokuror at mail.kz",
            "targets-1-phone": "727 271 65 79",
            "targets-2-fax": "+43 (1) fax",
            "copies_to": "denver76-76@mail.ru, admin@",
        },
    )
    assert errors(response) == [
        "“admin@” is not a valid email address. Put one address per line, like name@example.org.",
        "“prokuror”, “at”, “mail.kz” are not a valid email address. Put one address per line, "
        "like name@example.org.",
        "Write “727 271 65 79” in international format: a + and the country code, then the "
        "number, for example +43 1 514 36 6000. Spaces, brackets and dashes are fine.",
        "Write “+43 (1) fax” in international format: a + and the country code, then the "
        "number, for example +43 1 514 36 6000. Spaces, brackets and dashes are fine.",
    ]
    # The editor's text comes back for correcting, and nothing was saved.
    assert "727 271 65 79" in response.content.decode()
    assert AppealTarget.objects.get(name="Ahmatjan Esimov").phone == "+7 (727) 271 65 79"


def test_admin_refuses_a_letter_with_placeholders_it_cannot_fill(admin_client, appeal):
    response = admin_edit(
        admin_client,
        appeal,
        letter_subject="Free {prisoner_name}",
        letter_body="Dear {target_name}, {Target_Role}. Free {prisoner}!",
        prisoner="",
    )
    usable = (
        "Use only {target_name} (the official's name), {target_role} (their role and "
        "organisation), {prisoner} (the name of the person the appeal is for), and write "
        "anything else out in full."
    )
    assert errors(response) == [
        "The letter uses {prisoner}: give the name it stands for.",
        "The letter cannot fill in {prisoner_name}. " + usable,
        "The letter cannot fill in {Target_Role}. " + usable,
    ]


def test_admin_saves_targets_in_order_with_the_letter(admin_client, appeal):
    response = admin_edit(
        admin_client,
        appeal,
        **{"targets-1-phone": "+7 727 271 00 00", "letter_subject": "Free {prisoner} today"},
    )
    assert response.status_code == 302
    appeal = AppealPage.objects.get(pk=appeal.pk)
    assert appeal.letter_subject == "Free {prisoner} today"
    assert [(t.name, t.phone) for t in appeal.targets.order_by("sort_order")][:2] == [
        ("Kairat Mami", ""),
        ("Ahmatjan Esimov", "+7 727 271 00 00"),
    ]


def test_the_dashboard_lists_live_appeals_with_tallies_and_money_raised(
    admin_client, appeal, appeals
):
    for target, sent in zip(appeal.targets.order_by("sort_order"), (5, 2, 0), strict=True):
        ProtestTally.objects.create(target=target, sent=sent)
    for amount, currency, status in [
        (2500, "GBP", "succeeded"),
        (1000, "GBP", "succeeded"),
        (4000, "EUR", "succeeded"),
        (9900, "GBP", "pending"),  # not money we hold
        (5000, "GBP", "failed"),
    ]:
        DonationFactory(source_page=appeal, amount=amount, currency=currency, status=status)
    AppealPageFactory(parent=appeals, title="Long campaign", status=AppealStatus.ONGOING)
    AppealPageFactory(
        parent=appeals,
        title="Won last year",
        status=AppealStatus.RESOLVED,
        outcome=AppealOutcome.WON,
    )
    panel = soup(admin_client.get(reverse("wagtailadmin_home"))).find(id="live-appeals-section")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in panel.select("tbody tr")
    ]
    assert rows == [
        [
            "Free Ainur Kurmanov Kairat Mami: 5 Ahmatjan Esimov: 2 The OSCE Secretariat: 0",
            "Urgent",
            "7",
            "€40.00, £35.00",
        ],
        ["Long campaign", "Ongoing", "0", "Nothing yet"],
    ]
    link = panel.find("a", string="Free Ainur Kurmanov")
    assert link["href"] == reverse("wagtailadmin_pages:edit", args=[appeal.pk])


def test_readers_find_an_appeal_by_the_officials_it_writes_to(client, appeal):
    page = soup(client.get("/search/?q=Kairat+Mami"))
    assert [a.get_text(strip=True) for a in page.select(".search-result h2 a")] == [
        "Free Ainur Kurmanov"
    ]
