import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from news.models import (
    AppealPage,
    ArticlePage,
    Author,
    Comment,
    Picture,
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
            SectionPage,
            Author,
            Topic,
            Region,
            Picture,
            Comment,
        )
    }


def test_seed_demo_builds_the_site_and_a_second_run_adds_nothing(client):
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
    for fact in (
        "Temir Bank",
        "dictaphone",
        "hunger strike",
        "OSCE",
        "General Prosecutor",
        "Akimat of Almaty",
        "denver76-76@mail.ru",
        "admin@socialismkz.info",
    ):
        assert fact in text, fact

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


def test_seed_demo_is_deterministic():
    call_command("seed_demo", articles=12, stdout=open("/dev/null", "w"))  # noqa: SIM115
    titles = sorted(ArticlePage.objects.values_list("title", "first_published_at"))
    for model in (ArticlePage, Picture, Author):
        model.objects.all().delete()
    call_command("seed_demo", articles=12, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(ArticlePage.objects.values_list("title", "first_published_at")) == titles
