import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from donations.models import Campaign, DonatePage, PatronTier
from news.models import (
    AppealPage,
    AppealTarget,
    ArticlePage,
    Author,
    Comment,
    Picture,
    ProtestTally,
    Region,
    SectionPage,
    Topic,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Page,
            ArticlePage,
            AppealPage,
            AppealTarget,
            ProtestTally,
            SectionPage,
            Author,
            Topic,
            Region,
            Picture,
            Comment,
            DonatePage,
            Campaign,
            PatronTier,
        )
    }


def test_seed_demo_builds_the_site_and_a_second_run_adds_nothing(client, settings):
    settings.PAYMENTS_TEST_GATEWAY = True  # as `make run` has it: giving works offline
    call_command("seed_demo", articles=30, stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("seed_demo", articles=30, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first

    assert first["ArticlePage"] >= 31 and first["Author"] >= 3
    assert {s.slug for s in SectionPage.objects.all()} >= {"appeals", "analysis", "news"}
    years = {a.first_published_at.year for a in ArticlePage.objects.all()}
    assert len(years) >= 5

    appeal = AppealPage.objects.get()
    assert appeal.title.startswith("Kazakhstan: Ainur Kurmanov jailed")
    assert appeal.status == "urgent"
    assert appeal.first_published_at.date().isoformat() == "2010-04-28"
    text = appeal.plain_text()
    for fact in ("Temir Bank", "dictaphone", "hunger strike", "OSCE"):
        assert fact in text, fact
    assert_kurmanov_protest_kit(appeal)

    assert (
        Site.objects.get(is_default_site=True).root_page.specific.__class__.__name__ == "HomePage"
    )
    assert get_user_model().objects.get(username="admin").is_superuser
    home = client.get("/").content.decode()
    assert "Urgent appeal" in home and "Kazakhstan: Ainur Kurmanov" in home

    statuses = set(appeal.comments.values_list("status", flat=True))
    assert statuses == {"approved", "pending"} and first["Comment"] >= 8
    assert appeal.comments.filter(parent__isnull=False).exists()
    page = client.get(appeal.url).content.decode()
    assert "3 comments" in page and "Day four of the hunger strike" not in page
    assert first["DonatePage"] == 1 and first["PatronTier"] >= 2
    donate = client.get("/donate/").content.decode()
    for currency in ("GBP", "EUR", "USD"):
        assert f'<option value="{currency}"' in donate
    assert "raised of £5,000.00" in donate
    appeal_html = client.get(appeal.url).content.decode()
    assert "Special financial appeal" in appeal_html
    assert f"/donate/?amount=25.00&amp;currency=GBP&amp;frequency=one_off&amp;page={appeal.pk}" in (
        appeal_html
    )


def assert_kurmanov_protest_kit(appeal):
    """The officials, copies and letter of the issue, as structured data rather than body text."""
    targets = [
        {
            field: getattr(target, field)
            for field in ("name", "role", "emails", "phone", "fax", "address", "website")
            if getattr(target, field)
        }
        for target in appeal.targets.order_by("sort_order")
    ]
    assert targets == [
        {
            "name": "The Almaty Procuror",
            "role": "Prosecutor's Office of the City of Almaty",
            "website": "http://www.prokuroralm.kz",
        },
        {
            "name": "Ahmatjan Esimov",
            "role": "Akim of Almaty, the Akimat of Almaty",
            "emails": "press_center@a-a.kz",
            "phone": "+7 (727) 271 65 79",
        },
        {
            "name": "Kairat Mami",
            "role": "General Prosecutor of the Republic of Kazakhstan",
            "emails": "akparat@prokuror.kz",
            "fax": "+7 717250-25-34",
        },
        {
            "name": "The OSCE Secretariat",
            "role": "Organization for Security and Co-operation in Europe",
            "address": "Wallnerstrasse 6\n1010 Vienna\nAustria",
            "phone": "+43 1 514 36 6000",
            "fax": "+43 1 514 36 6996",
        },
    ]
    assert appeal.copy_addresses() == ["denver76-76@mail.ru", "admin@socialismkz.info"]
    assert appeal.prisoner == "Ainur Kurmanov"
    letter = appeal.letter_to(appeal.targets.get(name="Kairat Mami"))
    assert "release" in letter.subject.lower() and "Ainur Kurmanov" in letter.subject
    assert letter.body.startswith("To Kairat Mami, General Prosecutor of the Republic")
    assert "immediate release of Ainur Kurmanov" in letter.body
    assert letter.cc == ["denver76-76@mail.ru", "admin@socialismkz.info"]
    # The addresses live in the protest kit now, not pasted into the body.
    assert not [block for block in appeal.body if block.block_type == "contact_details"]
    appeal.full_clean()


def test_seed_demo_gives_an_earlier_demo_appeal_its_protest_kit(client):
    """A demo database seeded before appeals had targets gains them on the next run."""
    call_command("seed_demo", articles=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    appeal = AppealPage.objects.get()
    AppealTarget.objects.all().delete()
    AppealPage.objects.filter(pk=appeal.pk).update(
        prisoner="", copies_to="", letter_subject="", letter_body=""
    )
    call_command("seed_demo", articles=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    appeal = AppealPage.objects.get()
    assert_kurmanov_protest_kit(appeal)
    # Published, so readers see it and the editor opens it with the targets in place.
    html = client.get(appeal.url).content.decode()
    assert html.count("I sent my protest</button>") == 4
    editing = appeal.get_latest_revision_as_object()
    assert [t.name for t in editing.targets.all()][-1] == "The OSCE Secretariat"


def test_seed_demo_is_deterministic():
    call_command("seed_demo", articles=12, stdout=open("/dev/null", "w"))  # noqa: SIM115
    titles = sorted(ArticlePage.objects.values_list("title", "first_published_at"))
    for model in (ArticlePage, Picture, Author):
        model.objects.all().delete()
    call_command("seed_demo", articles=12, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(ArticlePage.objects.values_list("title", "first_published_at")) == titles
