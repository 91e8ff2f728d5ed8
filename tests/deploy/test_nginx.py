"""The documented nginx front cache (deploy/nginx/), run for real in front of the app.

nginx comes from Debian with the cache_purge module (`make test` installs both). The test writes
only the machine-specific outer file (ports, temporary folders) and includes the repository's
own http.conf and locations.conf, so what is tested is what operators deploy.
"""

import getpass
import logging
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from news.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx"
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
HOST = "localhost"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists() and PURGE_MODULE.exists(), (
        "nginx and its cache_purge module are needed: "
        "apt-get install nginx-light libnginx-mod-http-cache-purge (make test does)"
    )
    port, purge_port = free_port(), free_port()
    app = live_server.url.removeprefix("http://")
    temp = tmp_path / "temp"
    temp.mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
load_module {PURGE_MODULE};
daemon off;
user {getpass.getuser()};
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    proxy_cache_path {tmp_path}/cache keys_zone=portal:1m;
    upstream portal_app {{ server {app}; }}
    include {DEPLOY}/http.conf;
    server {{
        listen 127.0.0.1:{port};
        server_name {HOST};
        include {DEPLOY}/locations.conf;
    }}
    server {{
        listen 127.0.0.1:{purge_port};
        include {DEPLOY}/purge.conf;
    }}
}}
"""
    )
    check = subprocess.run([binary, "-t", "-c", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([binary, "-c", str(config)], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    settings.ALLOWED_HOSTS = [HOST]
    settings.WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "portal.purges.NginxPurgeBackend",
            "LOCATION": f"http://127.0.0.1:{purge_port}",
        }
    }
    yield base
    errors = (tmp_path / "error.log").read_text()
    assert "exited on signal" not in errors, errors
    process.terminate()
    process.wait(timeout=10)


def fetch(base, path, **headers):
    request = urllib.request.Request(base + path, headers={"Host": HOST, **headers})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local nginx
        return response.headers["X-Front-Cache"], response.read().decode()


@pytest.fixture
def story(section):
    return ArticlePageFactory(parent=section, title="Dockers strike", slug="dockers-strike")


def test_nginx_keeps_public_pages_and_serves_them_again(nginx, story):
    assert fetch(nginx, story.url)[0] == "MISS"
    status, html = fetch(nginx, story.url)
    assert status == "HIT"
    assert "Dockers strike" in html


def test_a_reader_with_a_session_goes_past_the_cache(nginx, story):
    fetch(nginx, story.url)
    assert fetch(nginx, story.url, Cookie="sessionid=editor")[0] == "BYPASS"
    assert fetch(nginx, story.url, Authorization="Basic ZWQ6aXQ=")[0] == "BYPASS"


def test_publishing_purges_the_article_and_its_section_from_nginx(nginx, section, story, caplog):
    for path in (story.url, section.url):
        fetch(nginx, path)
        assert fetch(nginx, path)[0] == "HIT"

    story.title = "Dockers win"
    story.save_revision().publish()

    for path in (story.url, section.url):
        status, html = fetch(nginx, path)
        assert status == "MISS", path
        assert "Dockers win" in html, path
    # Most purged addresses (feeds, archives, the sitemap) were never cached: nginx's 404 for
    # them is not a failure to report.
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
