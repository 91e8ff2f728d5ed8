"""The Donations menu, exports, the dashboard and attribution, seen by Finance and by editors."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from donations.factories import (
    CampaignFactory,
    DonationFactory,
    DonorFactory,
    RecurringDonationFactory,
)
from donations.models import DonationStatus, EventStatus, PaymentEvent, PledgeStatus
from news.factories import ArticlePageFactory

from . import stripe_objects as objects
from .stripe_fake import event

pytestmark = pytest.mark.django_db


def staff(username, group):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def finance(client):
    client.force_login(staff("fiona", "Finance"))
    return client


@pytest.fixture
def editor(client):
    client.force_login(staff("eddie", "Editors"))
    return client


@pytest.fixture
def ledger(section):
    now = timezone.now()
    article = ArticlePageFactory(parent=section, title="Oil workers strike")
    campaign = CampaignFactory(name="Strike fund")
    rosa = DonorFactory(email="rosa@example.org", name="Rosa Luxemburg")
    gifts = [
        DonationFactory(
            donor=rosa,
            amount=2500,
            status=DonationStatus.SUCCEEDED,
            succeeded_at=now,
            source_page=article,
            campaign=campaign,
        ),
        DonationFactory(
            donor=DonorFactory(email="max@example.org", name='=HYPERLINK("http://x")'),
            amount=1000,
            currency="EUR",
            status=DonationStatus.SUCCEEDED,
            succeeded_at=now - timedelta(days=40),
            source_page=article,
            provider="test",
        ),
        DonationFactory(amount=999, status=DonationStatus.FAILED),
    ]
    pledge = RecurringDonationFactory(donor=rosa, amount=1200, status=PledgeStatus.ACTIVE)
    RecurringDonationFactory(amount=12000, interval="annual", status=PledgeStatus.ACTIVE)
    return {"article": article, "campaign": campaign, "gifts": gifts, "pledge": pledge}


def test_the_groups_are_made_by_a_migration():
    finance = set(Group.objects.get(name="Finance").permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"view_donation", "view_donor_details", "view_donation_totals"} <= finance
    assert "view_donation_totals" in editors
    assert not editors & {"view_donation", "view_donor", "view_donor_details"}


def test_finance_lists_filters_and_searches_donations(finance, ledger):
    listing = finance.get("/admin/donations/gifts/")
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "rosa@example.org" not in html or "Rosa Luxemburg" in html
    assert "£25.00" in html and "€10.00" in html and "£9.99" in html

    def shown(query):
        return finance.get(f"/admin/donations/gifts/results/?{query}").content.decode()

    assert "£9.99" not in shown("status=succeeded")
    assert "£25.00" not in shown("currency=EUR")
    assert "€10.00" not in shown("provider=stripe&status=succeeded")
    assert "£9.99" not in shown(f"source_page={ledger['article'].pk}")
    assert "€10.00" not in shown(f"campaign={ledger['campaign'].pk}")
    recent = (timezone.now() - timedelta(days=7)).date().isoformat()
    assert "€10.00" not in shown(f"succeeded_at_from={recent}")
    assert "€10.00" not in shown("q=rosa@example")
    reference = ledger["gifts"][1].reference
    found = shown(f"q={reference}")
    assert "€10.00" in found and "£25.00" not in found


def test_the_ledger_cannot_be_changed_from_the_admin(finance, ledger):
    gift = ledger["gifts"][0]
    assert finance.get("/admin/donations/gifts/new/").status_code == 404
    assert finance.get(f"/admin/donations/gifts/edit/{gift.pk}/").status_code == 404
    assert finance.get(f"/admin/donations/gifts/delete/{gift.pk}/").status_code == 404
    inspect = finance.get(f"/admin/donations/gifts/inspect/{gift.pk}/")
    assert inspect.status_code == 200 and gift.reference in inspect.content.decode()


def test_exports_follow_the_filters_in_csv_and_xlsx(finance, ledger):
    response = finance.get("/admin/donations/gifts/?status=succeeded&export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Disposition"] == 'attachment; filename="donations.csv"'
    assert len(rows) == 2
    by_email = {row["Donor email"]: row for row in rows}
    assert by_email["rosa@example.org"]["Amount"] == "25.00"
    assert by_email["rosa@example.org"]["Source page"] == "Oil workers strike"
    assert by_email["max@example.org"]["Donor name"].startswith("'=HYPERLINK")  # stays text

    response = finance.get("/admin/donations/pledges/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0][0] == "Pledge id" and len(values) == 3

    for url in ("/admin/donations/donors/", "/admin/donations/events/"):
        assert finance.get(f"{url}?export=csv").status_code == 200


def test_editors_do_not_see_donor_details(editor, ledger):
    assert editor.get("/admin/donations/gifts/").status_code in (302, 403)
    assert editor.get("/admin/donations/donors/").status_code in (302, 403)
    dashboard = editor.get("/admin/").content.decode()
    assert "Donations" in dashboard and "£25.00" in dashboard
    assert "Rosa" not in dashboard and "rosa@example.org" not in dashboard


def test_the_dashboard_totals_patrons_chart_and_recent_gifts(finance, ledger):
    html = finance.get("/admin/").content.decode()
    assert "This month" in html and "Last month" in html and "This year" in html
    assert "£25.00" in html
    # 2 pledges: £12 monthly and £120 a year (£10 a month): £22.00 monthly recurring revenue.
    assert "2</strong> active patrons in GBP, £22.00 a month" in html
    assert "<svg" in html and "Monthly totals, GBP" in html
    assert "Rosa Luxemburg" in html  # Finance sees who gave


def test_the_dashboard_warns_of_failed_or_missing_webhooks(finance, ledger, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_portal"
    html = finance.get("/admin/").content.decode()
    assert "No webhook event has arrived for a day" in html
    PaymentEvent.objects.create(
        provider="stripe",
        event_id="evt_1",
        event_type="invoice.paid",
        body="{}",
        status=EventStatus.FAILED,
        error="KeyError",
    )
    html = finance.get("/admin/").content.decode()
    assert "1 webhook event failed to apply" in html
    assert "No webhook event has arrived for a day" not in html


def test_editors_see_what_a_page_raised_from_the_page(editor, ledger):
    article = ledger["article"]
    edit = editor.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert f"/admin/donations/raised/{article.pk}/" in edit

    html = editor.get(f"/admin/donations/raised/{article.pk}/").content.decode()
    assert "Oil workers strike" in html
    assert "<td>GBP</td><td>1</td><td>£25.00</td>" in html
    assert "<td>EUR</td><td>1</td><td>€10.00</td>" in html
    assert "Rosa" not in html


def test_finance_sees_donors_of_a_page_and_a_link_to_the_filtered_ledger(finance, ledger):
    article = ledger["article"]
    html = finance.get(f"/admin/donations/raised/{article.pk}/").content.decode()
    assert "Rosa Luxemburg" in html
    assert f"/admin/donations/gifts/?source_page={article.pk}" in html


def test_a_failed_event_can_be_retried_from_the_admin(finance, webhooks_on, client):
    gift = DonationFactory(provider_ref="cs_retry")
    stored = PaymentEvent.objects.create(
        provider="stripe",
        event_id="evt_retry",
        event_type="checkout.session.completed",
        body=event("checkout.session.completed", objects.checkout_session(gift)),
        status=EventStatus.FAILED,
        error="OperationalError: the database went away",
    )
    listing = finance.get("/admin/donations/events/").content.decode()
    assert f"/admin/donations/events/{stored.pk}/retry/" in listing
    assert "the database went away" in listing

    confirm = finance.get(f"/admin/donations/events/{stored.pk}/retry/")
    assert confirm.status_code == 200
    finance.post(f"/admin/donations/events/{stored.pk}/retry/")
    stored.refresh_from_db()
    gift.refresh_from_db()
    assert stored.status == EventStatus.PROCESSED
    assert gift.status == DonationStatus.SUCCEEDED


def test_editors_cannot_retry_events(editor):
    stored = PaymentEvent.objects.create(
        provider="stripe", event_id="evt_x", event_type="x", body="{}", status="failed"
    )
    assert editor.post(f"/admin/donations/events/{stored.pk}/retry/").status_code in (302, 403)
    stored.refresh_from_db()
    assert stored.attempts == 0


def test_editors_can_edit_an_appeal_box_and_add_a_donate_page(editor, home, section):
    campaign = CampaignFactory(name="Trial fund")
    article = ArticlePageFactory(
        parent=section,
        body=[
            (
                "appeal_box",
                {
                    "heading": "Special financial appeal",
                    "text": "",
                    "campaign": campaign,
                    "currency": "GBP",
                    "one_off_amounts": "10, 25",
                    "monthly_amounts": "",
                },
            )
        ],
    )
    edit = editor.get(f"/admin/pages/{article.pk}/edit/")
    assert edit.status_code == 200
    assert "Appeal box (donations)" in edit.content.decode()
    assert "Trial fund" in edit.content.decode()
    assert editor.get(f"/admin/pages/add/donations/donatepage/{home.pk}/").status_code == 200
    assert editor.get("/admin/snippets/donations/campaign/").status_code == 200
