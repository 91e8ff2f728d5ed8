"""One machine, no Redis: `make run`'s shape, with commands run beside the server.

A gunicorn server with two workers on the embedded default (SQLite, no REDIS_URL, the dev
settings `make run` uses), and beside it `manage.py` commands as an operator runs them: the
scheduled-publishing timer, an approval from the shell, a commenter's erasure, a WordPress
import. Each change must be on the very next page the server serves, not hours later when its
cached copy would have expired.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.news.wordpress_exports import export, item, write

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
NOT_PASSED_ON = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT"}

SEED = """
import json
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Page, Site
from news.factories import ArticlePageFactory, CommentFactory, HomePageFactory, SectionPageFactory
from news.models import CommentStatus

home = HomePageFactory(parent=Page.get_first_root_node(), title="Front", slug="front")
Site.objects.update_or_create(
    is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "port": 80}
)
news = SectionPageFactory(parent=home, title="News", slug="news")
article = ArticlePageFactory(parent=news, title="Oil workers strike", slug="oil-workers")
CommentFactory(
    page=article, name="Dana Reader", email="dana@example.org",
    body="Solidarity from the docks.", status=CommentStatus.APPROVED,
)
waiting = CommentFactory(
    page=article, name="Kim Waiting", email="kim@example.org",
    body="Free the strike committee.", status=CommentStatus.PENDING,
)
# An editor scheduled this one for a minute ago; the timer has not run yet.
draft = ArticlePageFactory(parent=news, title="Dockers join the strike", slug="dockers", live=False)
revision = draft.save_revision()
revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
revision.save(update_fields=["approved_go_live_at"])
print(json.dumps({"article": article.url, "waiting": waiting.pk}))
"""

APPROVE = """
from news.models import Comment, CommentStatus
Comment.objects.get(pk={pk}).set_status(CommentStatus.APPROVED)
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Machine:
    """The server and the operator's shell, sharing one folder and nothing else."""

    def __init__(self, folder):
        self.folder = folder
        self.env = {key: value for key, value in os.environ.items() if key not in NOT_PASSED_ON}
        self.env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            DEBUG="false",
            PYTHONUNBUFFERED="1",
            DATABASE_URL=f"sqlite:///{folder / 'portal.sqlite3'}",
            CACHE_DIR=str(folder / "cache"),
            MEDIA_ROOT=str(folder / "media"),
        )
        self.url = f"http://127.0.0.1:{free_port()}"
        self.server = None

    def manage(self, *args):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def serve(self):
        log = open(self.folder / "server.log", "w")  # noqa: SIM115 - kept open while it runs
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", "2"]
            + ["--bind", self.url.removeprefix("http://")],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.server.poll() is None, (self.folder / "server.log").read_text()[-3000:]
            try:
                requests.get(self.url + "/", timeout=5)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        pytest.fail("the server did not start")

    def get(self, path):
        response = requests.get(self.url + path, timeout=30, allow_redirects=False)
        assert response.status_code == 200, (path, response.status_code)
        return response

    def stop(self):
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)


@pytest.fixture(scope="module")
def machine(tmp_path_factory):
    machine = Machine(tmp_path_factory.mktemp("one-machine"))
    machine.manage("migrate", "--noinput")
    machine.seeded = json.loads(machine.manage("shell", "--no-imports", "-c", SEED))
    machine.serve()
    yield machine
    machine.stop()


def served_twice(machine, path):
    """The page as readers see it once the server serves it from its cache. A copy rendered
    within a second of a purge is not kept (portal.pagecache.CLOCK_SKEW): ask until one is."""
    deadline = time.monotonic() + 10
    while (page := machine.get(path)).headers["X-Page-Cache"] != "hit":
        assert time.monotonic() < deadline, f"{path} is never served from the cache"
        time.sleep(0.2)
    return page.text


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_scheduled_publishing_timer_reaches_the_listings(machine):
    assert "Dockers join the strike" not in served_twice(machine, "/news/")

    machine.manage("publish_scheduled")

    assert "Dockers join the strike" in machine.get("/news/").text
    assert "Dockers join the strike" in machine.get("/").text
    assert machine.get("/news/dockers/").status_code == 200


def test_a_comment_approved_from_the_shell_shows_at_once(machine):
    url = machine.seeded["article"]
    assert "Free the strike committee." not in served_twice(machine, url)

    machine.manage("shell", "--no-imports", "-c", APPROVE.format(pk=machine.seeded["waiting"]))

    assert "Free the strike committee." in text(machine.get(url).text)


def test_an_erased_commenter_is_gone_from_the_next_page(machine):
    url = machine.seeded["article"]
    assert "Dana Reader" in text(served_twice(machine, url))

    machine.manage("commenter_data", "erase", "dana@example.org", "--remove-text")

    page = text(machine.get(url).text)
    assert "Dana Reader" not in page
    assert "Solidarity from the docks." not in page


def test_an_import_shows_in_the_section_it_filled(machine, tmp_path):
    assert "Picket line report" not in served_twice(machine, "/news/")
    path = write(
        tmp_path, export(item(501, title="Picket line report", date="2026-01-05 09:00:00"))
    )

    machine.manage("import_wordpress", str(path))

    assert "Picket line report" in machine.get("/news/").text
