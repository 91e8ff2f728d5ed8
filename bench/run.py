"""Benchmark: 10,000 articles and 100,000 comments served by gunicorn, each page beside the floor.

    make bench                                     # SQLite in var/bench/
    BENCH_DATABASE_URL=postgres://... make bench   # PostgreSQL (an empty database)
    .venv/bin/python bench/run.py --help           # duration, connections, modes

Seeds the database once (bench/seed.py; later runs reuse it). Then, for each mode (`uncached`:
gunicorn with the page cache off, what every cache miss costs; `cached`: the default settings;
`front`: those behind nginx configured from deploy/nginx/), starts gunicorn with two workers and
portal.settings.bench, loads each page with wrk (installed from Debian if missing; a Python load
generator otherwise) and, right after, the floor: a bare Django view answering the same number
of bytes (for `front`, nginx serving a file of that size). Listings, archives and search are
loaded again at 32 connections for their 99th percentile. Prints requests per second, median
and 99th-percentile latency, each row's ratio to the floor (page req/s ÷ floor req/s), the SQL
queries each page makes, the resident memory of each worker after the mode's run, and the
machine's load average (the machine may be shared: read the rows against it).
"""

import argparse
import getpass
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEPLOY_NGINX = ROOT / "deploy" / "nginx"
SETTINGS = "portal.settings.bench"
WORKERS = 2
WARM_UP_SECONDS = 2
# Loaded again at --busy-connections: the pages whose tail latency the targets name.
BUSY_PAGES = {"section", "archive", "search", "new search"}
# Each request of the "new search" row asks two words at random from the archive's text:
# a query nobody has asked since the last publish, whose results no cache holds.
NEW_SEARCH = "/search/?q={words}"


def configure():
    """Point Django (here and in gunicorn) at the bench database, media and settings."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=database,
        MEDIA_ROOT=str(BENCH_DIR / "media"),
        # Without REDIS_URL, the one-machine cache: the bench's own, never the demo site's.
        CACHE_DIR=str(BENCH_DIR / "cache"),
        # Queries are counted in this process as a page is rendered, never from the page cache.
        PAGE_CACHE_SECONDS="0",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return database


def pages_to_measure():
    """(name, path) of the pages readers hit most: one of each kind."""
    from news.models import ArticlePage

    article = ArticlePage.objects.live().filter(depth=4).order_by("-first_published_at")[100]
    return [
        ("home", "/"),
        ("section", "/news/"),
        ("article", article.url),
        ("archive", "/2010/04/"),
        ("search", "/search/?q=strike"),
        ("new search", NEW_SEARCH),
        ("feed", "/feed/"),
    ]


def archive_words():
    """The words of the archive's headlines and standfirsts, for new searches."""
    from news.models import ArticlePage

    words = set()
    for texts in ArticlePage.objects.values_list("title", "standfirst")[:2000]:
        words.update(word.strip(".,:;'\"()").lower() for word in " ".join(texts).split())
    return sorted(word for word in words if len(word) > 3 and word.isalpha())


def new_search(words, rng):
    return NEW_SEARCH.format(words="+".join(rng.sample(words, 2)))


def queries_per_page(paths):
    """SQL queries of each page, on a cold cache (first view after a publish) and warm.

    Counted in this process with the page cache off: what a page costs when it is rendered.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts, rng = Client(), {}, random.Random(1)
    words = archive_words()
    cache.clear()
    for path in paths:
        runs = []
        for _ in range(2):
            # A new search's "warm" is another new search once the site is warm.
            asked = new_search(words, rng) if path == NEW_SEARCH else path
            with CaptureQueriesContext(connection) as captured:
                response = client.get(asked)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            runs.append(len(captured))
        counts[path] = tuple(runs)
    return counts


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, response.headers


class Server:
    """What a mode serves the pages from: a base URL, and the app processes to weigh."""

    def __init__(self, base_url, process):
        self.base_url = base_url
        self.process = process

    def url(self, path):
        return self.base_url + path

    def floor_url(self, size):
        """The floor for a page of `size` bytes. A mode with a front cache may point this at
        the front server's own answer of the same bytes."""
        return self.url(f"/bench/floor/{size}/")

    def worker_rss(self):
        """Resident memory of each gunicorn worker, in MiB (from /proc, Linux only)."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(
                    line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
                )
            except OSError:
                continue  # a process that ended while we looked
            if fields.get("PPid", "").strip() == str(self.process.pid):
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sorted(sizes)

    def check_served(self, path):
        """After a page's load: raise if it was not served the way the mode means to."""


class FrontCache(Server):
    """nginx in front of gunicorn: its workers are still the ones weighed, and the floor is
    nginx answering a file of the page's size."""

    def __init__(self, base_url, process, floor_dir):
        super().__init__(base_url, process)
        self.floor_dir = floor_dir

    def floor_url(self, size):
        (self.floor_dir / str(size)).write_bytes(b"x" * size)
        return self.url(f"/bench/floor/{size}")

    def check_served(self, path):
        """Answered from nginx's cache, not passed on to gunicorn."""
        status = get(self.url(path))[2]["X-Front-Cache"]
        if status != "HIT":
            raise SystemExit(f"nginx did not keep {path}: X-Front-Cache {status}")


def wait_for(server, name):
    for _ in range(150):
        try:
            if get(server.url("/robots.txt"))[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{name} did not start")


@contextmanager
def gunicorn(env_changes):
    """gunicorn with two workers and the bench settings, its environment changed as given
    (a value of None removes the variable)."""
    port = free_port()
    env = os.environ.copy()
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        wait_for(server, "gunicorn")
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@contextmanager
def front_cache():
    """The cached gunicorn behind nginx configured as deploy/nginx/ documents.

    Only the machine-specific outer file is written here (ports, temporary folders), as
    tests/deploy/test_nginx.py does; it includes the repository's http.conf and locations.conf,
    and adds the floor: nginx serving a file of a page's size at the floor's address.
    """
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is needed for the front mode: make browser installs it")
    with (
        gunicorn({"PAGE_CACHE_SECONDS": None, "TRUSTED_PROXY_COUNT": "1"}) as app,
        tempfile.TemporaryDirectory(prefix="bench-nginx-") as folder,
    ):
        folder, port = Path(folder), free_port()
        (folder / "floor").mkdir()
        config = folder / "nginx.conf"
        config.write_text(
            f"""
daemon off;
user {getpass.getuser()};
worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    proxy_cache_path {folder}/cache levels=1:2 keys_zone=portal:10m use_temp_path=off;
    upstream portal_app {{
        server {app.base_url.removeprefix("http://")};
        keepalive 32;
    }}
    include {DEPLOY_NGINX}/http.conf;
    server {{
        listen 127.0.0.1:{port};
        include {DEPLOY_NGINX}/locations.conf;
        # The floor: the same number of bytes, from a file.
        location /bench/floor/ {{
            alias {folder}/floor/;
            default_type "text/html; charset=utf-8";
        }}
    }}
}}
"""
        )
        check = subprocess.run([binary, "-t", "-c", str(config)], capture_output=True, text=True)
        if check.returncode:
            raise SystemExit(f"nginx refused its configuration:\n{check.stderr}")
        process = subprocess.Popen([binary, "-c", str(config)])
        try:
            server = FrontCache(f"http://127.0.0.1:{port}", app.process, folder / "floor")
            wait_for(server, "nginx")
            yield server
        finally:
            process.terminate()
            process.wait(timeout=30)


# Each mode is a context manager yielding a Server.
MODES = {
    "uncached": lambda: gunicorn({"PAGE_CACHE_SECONDS": "0"}),
    "cached": lambda: gunicorn({"PAGE_CACHE_SECONDS": None}),
    "front": front_cache,
}


def find_wrk():
    """wrk from Debian, installed on first use when we may; None means the Python fallback."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk from Debian...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, check=False)
    return shutil.which("wrk")


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


NEW_SEARCH_LUA = """
local words = {%s}
request = function()
  local first, second = words[math.random(#words)], words[math.random(#words)]
  return wrk.format("GET", "%s" .. first .. "+" .. second)
end
"""


def load_with_wrk(wrk, url, seconds, connections, words=None):
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        options = []
        if words:  # a new search each request
            listed = ", ".join(f'"{word}"' for word in words)
            script.write(NEW_SEARCH_LUA % (listed, urlsplit(url).path + "?q="))
            script.flush()
            options = ["-s", script.name]
            url = url.replace(NEW_SEARCH, NEW_SEARCH.format(words="warm"))
        output = subprocess.run(
            [
                wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout=30s",
                "--latency",
                *options,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    if "Non-2xx" in output or "Socket errors" in output or set(latency) != {"50", "99"}:
        raise SystemExit(f"{url} failed under load:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
    }


def load_with_python(url, seconds, connections, words=None):
    """Threads each sending one request after another; slower than wrk but needs nothing."""
    latencies, failures, stop = [], [], time.monotonic() + seconds
    rng = random.Random(2)

    def user():
        while time.monotonic() < stop:
            started = time.perf_counter()
            status, *_ = get(url.replace(NEW_SEARCH, new_search(words, rng)) if words else url)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                failures.append(status)

    threads = [threading.Thread(target=user) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{url} failed under load: {failures[:5]}")
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
    }


def measure(url, connections, args, wrk, words=None):
    """Load `url` (a new search each request if `words` are given)."""

    def load(seconds):
        if wrk:
            return load_with_wrk(wrk, url, seconds, connections, words)
        return load_with_python(url, seconds, connections, words)

    for _ in range(2 * WORKERS):  # every worker's caches warm, as on a live site
        get(url.replace(NEW_SEARCH, NEW_SEARCH.format(words="warm")))
    load(WARM_UP_SECONDS)
    return load(args.duration)


def measure_mode(mode, server, pages, queries, args, wrk):
    """Every page through `server`, each beside its floor; the rows of one mode."""
    rows, words = [], archive_words()
    for name, path in pages:
        if path == NEW_SEARCH and isinstance(server, FrontCache):
            continue  # nothing in front can keep what nobody asked for before
        asked = new_search(words, random.Random(3)) if path == NEW_SEARCH else path
        status, body, _ = get(server.url(asked))
        if status != 200:
            raise SystemExit(f"{path} answered {status} ({mode})")
        counts = [args.connections]
        if name in BUSY_PAGES and args.busy_connections != args.connections:
            counts.append(args.busy_connections)
        for connections in counts:
            print(f"{mode}: {name} ({path}) at {connections} connections...", flush=True)
            rows.append(
                {
                    "name": name,
                    "mode": mode,
                    "path": path,
                    "connections": connections,
                    "bytes": len(body),
                    "queries": queries[path],
                    "page": measure(
                        server.url(path), connections, args, wrk, words if asked != path else None
                    ),
                    "floor": measure(server.floor_url(len(body)), connections, args, wrk),
                }
            )
            server.check_served(path)
    return rows


def report(rows, memory, load, database, args, generator):
    print()
    print(
        f"{args.articles} articles, {args.articles * 10} comments · "
        f"{database.split(':', 1)[0]} · gunicorn {WORKERS} workers · {generator}, "
        f"{args.duration} s per row · {os.cpu_count()} CPUs · load average "
        f"{load[0]:.1f} before, {load[1]:.1f} after"
    )
    print()
    print(
        "| page | mode | conns | path | KB | queries cold/warm | req/s | p50 ms | p99 ms "
        "| floor req/s | floor p99 ms | page/floor |"
    )
    print("|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for row in rows:
        page, floor = row["page"], row["floor"]
        ratio = page["rps"] / max(floor["rps"], 1)
        print(
            f"| {row['name']} | {row['mode']} | {row['connections']} | `{row['path']}` "
            f"| {row['bytes'] / 1024:.1f} | {row['queries'][0]} / {row['queries'][1]} "
            f"| {page['rps']:.0f} | {page['p50']:.1f} | {page['p99']:.1f} "
            f"| {floor['rps']:.0f} | {floor['p99']:.1f} | {ratio:.3f} |"
        )
    print()
    for mode, sizes in memory.items():
        print(f"RSS per worker after the {mode} run: " + ", ".join(f"{s:.0f} MiB" for s in sizes))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per row")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--busy-connections",
        type=int,
        default=32,
        help="connections for the p99 rows of listings, archives and search",
    )
    parser.add_argument(
        "--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES)
    )
    args = parser.parse_args()

    database = configure()
    from seed import seed  # bench/seed.py, beside this script

    started = time.monotonic()
    if seed(args.articles, lambda message: print(message, flush=True)):
        print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)
    pages = pages_to_measure()
    queries = queries_per_page([path for _, path in pages])

    wrk = find_wrk()
    load_before = os.getloadavg()[0]
    rows, memory = [], {}
    for mode in args.modes.split(","):
        with MODES[mode]() as server:
            rows += measure_mode(mode, server, pages, queries, args, wrk)
            memory[mode] = server.worker_rss()
    load = (load_before, os.getloadavg()[0])
    report(rows, memory, load, database, args, "wrk" if wrk else "Python load generator")


if __name__ == "__main__":
    main()
