"""Two app hosts, one task worker, one PostgreSQL, one Redis, one S3: production's shape.

Hosts A and B are gunicorn processes started with deploy/gunicorn.conf.py and the production
settings (tests/deploy/settings.py: only TLS and collected static files left out); beside them a
`manage.py db_worker`, moto's S3 server and the fake Stripe API. They share a copy of the test
database, a Redis key prefix and a bucket, and nothing else: whatever one host does, the other
must see through those.
"""

import html
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import boto3
import psycopg
import pytest
import requests
from django.db import connection
from moto.server import ThreadedMotoServer
from PIL import Image

from portal import pagecache
from tests.donations import stripe_objects
from tests.donations.stripe_fake import WEBHOOK_SECRET, FakeStripe, event, signature

# The database the hosts share is a copy of the test database with its migrations' own rows
# (root page, groups) restored, which only a serialized rollback brings back.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "two-machines-test-key-7Hq2vX9pLm4rT8wZ1bN6cJ3fK5sD0gY-not-secret"
EDITOR = ("editor", "two-machines-editor-pw")
CHECKOUTS_PER_EMAIL = 3
STARTUP_SECONDS = 60
# Settings and variables a developer's shell may carry that production never has.
NOT_PASSED_ON = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "PAYMENTS_TEST_GATEWAY", "MEDIA_ROOT"}

# The README's bucket policy: anyone may read the pictures, and nothing else.
BUCKET_POLICY = ROOT / "deploy" / "bucket-policy.json"

SEED = """
import json
from wagtail.models import Page, Site
from donations.factories import DonatePageFactory
from news.factories import ArticlePageFactory, HomePageFactory, SectionPageFactory
from portal.models import User

home = HomePageFactory(parent=Page.get_first_root_node(), title="Front", slug="front")
Site.objects.update_or_create(
    is_default_site=True, defaults={{"hostname": "localhost", "root_page": home, "port": 80}}
)
section = SectionPageFactory(parent=home, title="Analysis", slug="analysis")
article = ArticlePageFactory(parent=section, title="Oil workers strike", slug="oil-workers")
donate = DonatePageFactory(parent=home)
User.objects.create_superuser({username!r}, "editor@example.org", {password!r})
print(json.dumps({{"article": article.pk, "article_url": article.url, "donate_page": donate.pk}}))
"""

# What an editor's "Publish" does, from a third machine: a new title for the article, and a new
# article in its section (drafted, then published).
PUBLISH = """
from news.factories import ArticlePageFactory
from news.models import ArticlePage
from portal.models import User

editor = User.objects.get(username={username!r})
page = ArticlePage.objects.get(pk={page_id})
page.title = "Oil workers win"
page.save_revision(user=editor).publish(user=editor)
draft = ArticlePageFactory(
    parent=page.get_parent(), title="Dockers join the strike", slug="dockers", live=False
)
draft.save_revision(user=editor).publish(user=editor)
"""

# A document only the legal team's password opens, added from a third machine.
PRIVATE_DOCUMENT = """
import json
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

legal = Collection.get_first_root_node().add_child(name="Legal team")
CollectionViewRestriction.objects.create(
    collection=legal, restriction_type="password", password={password!r}
)
document = get_document_model().objects.create(
    title="Minutes", collection=legal, file=ContentFile({content!r}, name="minutes.txt")
)
print(json.dumps({{"url": document.url, "name": document.file.name}}))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Host:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, path, timeout=30, **kwargs):
        return requests.get(self.url + path, timeout=timeout, allow_redirects=False, **kwargs)

    def post(self, path, **kwargs):
        # A reader's browser names the page the form came from (portal.abuse.same_origin).
        headers = {"Origin": self.url, **kwargs.pop("headers", {})}
        return requests.post(
            self.url + path, headers=headers, timeout=30, allow_redirects=False, **kwargs
        )


@dataclass
class Cluster:
    env: dict
    database_url: str
    mail_dir: Path
    s3_url: str
    bucket: str
    stripe: FakeStripe
    processes: list = field(default_factory=list)
    hosts: list = field(default_factory=list)
    seeded: dict = field(default_factory=dict)

    def manage(self, *args):
        """A management command on a third machine (an editor's shell, a deploy step)."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def start(self, name, command):
        log = self.mail_dir.parent / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                # Its own process group: gunicorn's workers are stopped with their master.
                start_new_session=True,
            )
        self.processes.append(process)
        return process, log

    def start_host(self, name):
        port = free_port()
        process, log = self.start(
            name,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ],
        )
        host = Host(name, f"http://127.0.0.1:{port}", process, log)
        self.hosts.append(host)
        return host

    def wait_until_serving(self, host):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if host.process.poll() is not None:
                pytest.fail(f"host {host.name} exited:\n{host.log.read_text()[-3000:]}")
            try:
                host.get("/robots.txt", timeout=2)
                return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        pytest.fail(f"host {host.name} did not start:\n{host.log.read_text()[-3000:]}")

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def query(self, sql, *params):
        with psycopg.connect(self.database_url, autocommit=True) as db:
            return db.execute(sql, params).fetchall()

    def emails(self):
        """Every message the hosts and the worker sent, as the file backend wrote them."""
        separator = "-" * 79
        return [
            message
            for path in sorted(self.mail_dir.iterdir())
            for message in path.read_text().split(separator)
            if message.strip()
        ]

    def wait_for_tasks(self, task_path, timeout=30):
        """Wait until the worker has run `task_path` and nothing else is waiting; its rows."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.query(
                "SELECT task_path, status, worker_ids FROM django_tasks_database_dbtaskresult"
            )
            waiting = [row for row in rows if row[1] in ("READY", "RUNNING")]
            ran = [row for row in rows if row[0] == task_path]
            if ran and not waiting:
                return ran
            time.sleep(0.2)
        pytest.fail(f"the worker did not finish {task_path}: {rows}")


def copy_of_test_database(name):
    """CREATE DATABASE ... TEMPLATE: a second, identical database in a second."""
    source = connection.settings_dict["NAME"]
    connection.close()  # PostgreSQL copies a database only while nobody is connected to it
    parts = urlsplit(os.environ["DATABASE_URL"])
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as db:
        for attempt in range(20):
            try:
                db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
                break
            except psycopg.errors.ObjectInUse:
                # A live server's thread from an earlier test may still be hanging up.
                if attempt == 19:
                    raise
                time.sleep(0.25)
    return maintenance, parts._replace(path=f"/{name}").geturl()


def forget_redis_keys(redis_url, prefix):
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="module")
def machines(tmp_path_factory):
    """Started once for the module by the first test (whose database is then pristine)."""
    started = {}
    yield started
    for teardown in reversed(started.get("teardowns", [])):
        t = time.monotonic()
        teardown()
        print("TEARDOWN", teardown, time.monotonic() - t)


@pytest.fixture
def cluster(machines, tmp_path_factory):
    if "cluster" in machines:
        return machines["cluster"]
    if machines.get("failed"):
        pytest.fail("the machines did not start: see the first test of this module")
    machines["failed"] = True  # until they have all started
    teardowns = machines.setdefault("teardowns", [])
    folder = tmp_path_factory.mktemp("two-machines")
    mail_dir = folder / "mail"
    mail_dir.mkdir()

    name = f"{connection.settings_dict['NAME']}_machines_{uuid.uuid4().hex[:8]}"
    maintenance, database_url = copy_of_test_database(name)

    def drop_database():
        with psycopg.connect(maintenance, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    teardowns.append(drop_database)
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    teardowns.append(lambda: forget_redis_keys(redis_url, name))

    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    s3.start()
    teardowns.append(s3.stop)
    s3_url = "http://{}:{}".format(*s3.get_host_and_port())
    bucket = "portal-media"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    s3_client = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", **credentials)
    s3_client.create_bucket(Bucket=bucket)
    # Readers fetch pictures straight from the bucket, as the README has operators set it up.
    s3_client.put_bucket_policy(
        Bucket=bucket, Policy=BUCKET_POLICY.read_text().replace("BUCKET", bucket)
    )

    stripe = FakeStripe().start()
    teardowns.append(stripe.stop)

    env = {key: value for key, value in os.environ.items() if key not in NOT_PASSED_ON}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.deploy.settings",
        PYTHONUNBUFFERED="1",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        EMAIL_URL=f"filemail:///{mail_dir}",  # filemail:////tmp/x is /tmp/x
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=s3_url,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        STRIPE_SECRET_KEY="sk_test_portal",
        STRIPE_PUBLISHABLE_KEY="pk_test_portal",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=stripe.url,
        STRIPE_TIMEOUT="5",
        DONATIONS_CHECKOUTS_PER_EMAIL=str(CHECKOUTS_PER_EMAIL),
        DONATIONS_CHECKOUTS_PER_IP="1000",
        # One worker per host is enough to show two hosts; more would only slow the machine.
        WEB_CONCURRENCY="1",
    )
    cluster = Cluster(env, database_url, mail_dir, s3_url, bucket, stripe)
    teardowns.append(cluster.stop)

    cluster.seeded = json.loads(
        cluster.manage(
            "shell", "--no-imports", "-c", SEED.format(username=EDITOR[0], password=EDITOR[1])
        )
    )
    cluster.start(
        "worker",
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
    )
    for host in (cluster.start_host("A"), cluster.start_host("B")):
        cluster.wait_until_serving(host)
    machines["cluster"] = cluster
    machines["failed"] = False
    return cluster


# The hosts' own allowance, read before this process's tests set theirs to nothing.
HOSTS_CLOCK_SKEW = pagecache.CLOCK_SKEW


def heading(response):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else None


def read(host, path):
    """A reader's request as the proxy in front passes it on: the site's own Host on any host."""
    return host.get(path, headers={"Host": "127.0.0.1"})


def test_a_publish_is_seen_by_both_hosts_at_once(cluster):
    a, b = cluster.hosts
    url = cluster.seeded["article_url"]
    # Readers on both hosts have the article, its section and the home page in hand (and in
    # whatever each host caches: routes, the section's count of articles, pages).
    for visit, host in enumerate((a, b, a, b)):
        pages = [read(host, path) for path in (url, "/analysis/", "/")]
        assert [page.status_code for page in pages] == [200, 200, 200]
        assert heading(pages[0]) == "Oil workers strike"
        assert all("Oil workers strike" in page.text for page in pages)
        # The page cache is shared: what host A stored, host B serves.
        expected = "miss" if visit == 0 else "hit"
        assert [page.headers["X-Page-Cache"] for page in pages] == [expected] * 3, host.name

    cluster.manage(
        "shell",
        "--no-imports",
        "-c",
        PUBLISH.format(page_id=cluster.seeded["article"], username=EDITOR[0]),
    )

    for host in (a, b):
        article = read(host, url)
        assert article.status_code == 200
        assert heading(article) == "Oil workers win", host.name
        for listing in ("/analysis/", "/"):
            text = read(host, listing).text
            assert "Oil workers win" in text and "Oil workers strike" not in text, host.name
            assert "Dockers join the strike" in text, (host.name, listing)
        assert host.get("/analysis/dockers/").status_code == 200

    # A copy rendered within the hosts' clock allowance of the purge is not trusted; once that
    # has passed, the new page is stored again and each host serves the other's copy.
    time.sleep(HOSTS_CLOCK_SKEW)
    read(a, url)
    assert read(b, url).headers["X-Page-Cache"] == "hit"


def give(host, donate_page, email, amount="25"):
    return host.post(
        "/donations/checkout/",
        data={
            "donate_page": donate_page,
            "amount": amount,
            "currency": "GBP",
            "frequency": "one_off",
            "provider": "stripe",
            "email": email,
            "name": "Ada Lovelace",
        },
    )


def test_the_checkout_limit_counts_across_both_hosts(cluster):
    a, b = cluster.hosts
    page = cluster.seeded["donate_page"]

    answers = [give(host, page, "often@example.org") for host in (a, b) * CHECKOUTS_PER_EMAIL]

    # Each host alone saw no more checkouts than the limit; together they passed it.
    assert [answer.status_code for answer in answers] == [303] * CHECKOUTS_PER_EMAIL + [429] * (
        CHECKOUTS_PER_EMAIL
    )
    assert "You have started several donations in a short time" in answers[-1].text
    assert give(a, page, "someone-else@example.org").status_code == 303


def test_a_webhook_delivered_to_both_hosts_sends_one_receipt(cluster):
    a, b = cluster.hosts
    email = "receipt@example.org"
    started = give(a, cluster.seeded["donate_page"], email, amount="25")
    assert started.status_code == 303
    session_id = started.headers["Location"].rsplit("/", 1)[1]
    (created,) = [
        request
        for request in cluster.stripe.sessions()
        if request["params"].get("customer_email") == email
    ]
    gift = SimpleNamespace(
        pk=int(created["params"]["metadata[donation_id]"]),
        provider_ref=session_id,
        recurring_id=None,
        total=2500,
        currency="GBP",
    )
    body = event("checkout.session.completed", stripe_objects.checkout_session(gift))

    # Stripe retries, and may deliver the same event twice at once, to whichever host.
    statuses = {}
    barrier = threading.Barrier(2)

    def deliver(host):
        barrier.wait()
        statuses[host.name] = host.post(
            "/donations/stripe/webhook/",
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": signature(body)},
        ).status_code

    threads = [threading.Thread(target=deliver, args=(host,)) for host in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == {"A": 200, "B": 200}

    receipts = cluster.wait_for_tasks("donations.tasks.send_receipt")
    assert len(receipts) == 1 and receipts[0][1] == "SUCCESSFUL" and receipts[0][2]
    assert cluster.query("SELECT status FROM donations_donation WHERE id = %s", gift.pk) == [
        ("succeeded",)
    ]
    to_donor = [message for message in cluster.emails() if f"To: {email}" in message]
    assert len(to_donor) == 1


def test_a_picture_uploaded_on_one_host_is_served_by_the_other(cluster):
    a, b = cluster.hosts
    editor = requests.Session()
    login = editor.get(a.url + "/admin/login/", timeout=30)
    editor.post(
        a.url + "/admin/login/",
        data={
            "username": EDITOR[0],
            "password": EDITOR[1],
            "csrfmiddlewaretoken": csrf_token(login.text),
        },
        timeout=30,
    )
    picture = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 30, 40)).save(picture, "PNG")
    uploaded = picture.getvalue()

    form = editor.get(a.url + "/admin/images/add/", timeout=30)
    assert form.status_code == 200, "not logged in on A"
    added = editor.post(
        a.url + "/admin/images/add/",
        data={
            "csrfmiddlewaretoken": csrf_token(form.text),
            "title": "Picket at dawn",
            "collection": collection_id(form.text),
            "credit": "Photo: A. Smith",
        },
        files={"file": ("picket.png", uploaded, "image/png")},
        allow_redirects=False,
        timeout=30,
    )
    assert added.status_code == 302, added.text[-2000:]
    ((picture_id, name),) = cluster.query(
        "SELECT id, file FROM news_picture WHERE title = %s", "Picket at dawn"
    )

    # The session made on A is good on B (sessions live in the database); B makes a preview
    # rendition from the original A stored, and links it in S3, as it would on a reader's page.
    edit = editor.get(f"{b.url}/admin/images/{picture_id}/", timeout=30)
    assert edit.status_code == 200
    in_bucket = f"{cluster.s3_url}/{cluster.bucket}/"
    sources = set(re.findall(r'src="([^"]+)"', html.unescape(edit.text)))
    renditions = [source for source in sources if source.startswith(in_bucket + "images/")]
    assert renditions, sorted(sources)

    for url in renditions:
        served = requests.get(url, timeout=30)
        assert served.status_code == 200
        width, height = Image.open(io.BytesIO(served.content)).size
        assert width <= 800 and height <= 600
    original = requests.get(in_bucket + name, timeout=30)
    assert original.status_code == 200 and original.content == uploaded


def test_a_private_document_is_handed_out_by_either_host_only_after_its_password(cluster):
    a, b = cluster.hosts
    password, minutes = "picket-line", b"Minutes of the legal team's meeting."
    document = json.loads(
        cluster.manage(
            "shell",
            "--no-imports",
            "-c",
            PRIVATE_DOCUMENT.format(password=password, content=minutes),
        )
    )
    in_bucket = f"{cluster.s3_url}/{cluster.bucket}/"
    reader = requests.Session()

    asked = reader.get(a.url + document["url"], allow_redirects=False, timeout=30)
    assert asked.status_code == 200 and "You need a password" in asked.text
    assert in_bucket not in asked.text
    action = re.search(r'action="([^"]+)"', asked.text).group(1)
    reader.post(
        a.url + action,
        data={
            "csrfmiddlewaretoken": csrf_token(asked.text),
            "password": password,
            "return_url": document["url"],
        },
        headers={"Origin": a.url},
        allow_redirects=False,
        timeout=30,
    )

    # The password given on A opens the document on B, for a minute, for this reader only.
    passed = reader.get(b.url + document["url"], allow_redirects=False, timeout=30)
    assert passed.status_code == 302
    address = passed.headers["Location"]
    assert address.startswith(in_bucket) and "X-Amz-Expires=60&" in address
    assert "no-store" in passed.headers["Cache-Control"]
    assert requests.get(address, timeout=30).content == minutes
    assert requests.get(in_bucket + document["name"], timeout=30).status_code == 403
    stranger = b.get(document["url"])
    assert stranger.status_code == 200 and in_bucket not in stranger.text


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def collection_id(page):
    """The first collection offered, or None where Wagtail offers no choice (only the root)."""
    match = re.search(r'name="collection"[^>]*>\s*<option value="(\d+)"', page)
    return match.group(1) if match else None
