"""Every page type is valid HTML, as the W3C Nu validator reads it.

Browsers forgive invalid markup, each in its own way, and assistive technology builds on what
the browser made of it; a reader's tools (and search engines reading dates) should not have to
guess. The validator is npm's `vnu-jar`, run in the machine's Java; `make test` installs both.
It starts once for all pages (a JVM takes seconds to start).

Errors fail the test; warnings do not. They are the validator's advice, not the standard, and
the one it gives here is deliberate: each comment is an `<article>` named by its author
(`aria-labelledby`) with no heading, since a heading per comment would bury the article's own
outline. Errors are all that browsers may disagree on.
"""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from donations.models import DonatePage, Donation
from news.models import AppealPage
from tests.donations.checkout import give
from tests.news.commenting import POST_URL, form_data, post_comment

pytestmark = pytest.mark.django_db

VNU_JAR = Path(__file__).parents[1] / "node_modules/vnu-jar/build/dist/vnu.jar"
# Errors only (see above), as JSON on stdout.
VNU_OPTIONS = ["--errors-only", "--format", "json", "--stdout"]
SITE = "http://testserver"


def pages_a_form_leads_to(client, settings):
    """What a reader sees after posting: the protest tally's answer, their comment awaiting
    moderation or sent back with a problem, each step of a gift and the giving links."""
    settings.PAYMENTS_TEST_GATEWAY = True
    appeal, donate_page = AppealPage.objects.get(), DonatePage.objects.get()
    target = appeal.targets.first()
    pages = {
        "protest sent": client.post(reverse("news:protest", args=[target.pk])),
        "comment awaiting moderation": client.get(
            post_comment(client, appeal, body="Solidarity from the dockers.")["Location"]
        ),
        "comment sent back": post_comment(client, appeal, body=""),
        "comment on a missing page": client.post(POST_URL, {**form_data(appeal), "page": 0}),
        "donate form sent back": give(client, donate_page, amount=""),
    }
    checkout = give(client, donate_page)["Location"]
    pages["test gateway"] = client.get(checkout)
    donation = Donation.objects.get()
    thank_you = reverse("donations:thank_you", args=[donation.public_id])
    pages["thank you, processing"] = client.get(thank_you)
    pages["thank you"] = client.post(checkout, {"outcome": "succeed"}, follow=True)
    pages["manage your giving"] = client.get(donation.donor.manage_url().removeprefix(SITE))
    pages["manage link expired"] = client.get(reverse("donations:manage", args=["expired"]))
    pages["manage link requested"] = client.post(reverse("donations:request_link"), {"email": ""})
    return {name: response.content.decode() for name, response in pages.items()}


def validation_errors(pages, folder):
    """The validator's errors, as "page, line: message", for {name: html}."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(f"The HTML validator needs Java and {VNU_JAR}: run `make test` once.")
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{number}.html"
        path.write_text(html)
        files[path.name] = name
    result = subprocess.run(  # noqa: S603 - the validator we installed, on our own files
        [java, "-jar", VNU_JAR, *VNU_OPTIONS, *files],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if not result.stdout:
        pytest.fail(f"The HTML validator did not run:\n{result.stderr}")
    return [
        f"{files.get(Path(urlsplit(m.get('url', '')).path).name, m.get('url'))}, "
        f"line {m.get('lastLine')}: {m['message']}\n    {m.get('extract', '').strip()}"
        for m in json.loads(result.stdout)["messages"]
    ]


def test_every_page_type_is_valid_html(demo_site, settings, tmp_path):
    reader = Client(headers={"Origin": SITE})
    pages = {url: reader.get(url).content.decode() for url in demo_site}
    pages.update(pages_a_form_leads_to(reader, settings))
    pages["500"] = render_to_string("500.html")

    errors = validation_errors(pages, tmp_path)

    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
