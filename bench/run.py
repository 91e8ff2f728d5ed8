"""Benchmark: 10,000 articles served by gunicorn, each page measured beside Django's floor.

    make bench                                     # SQLite in var/bench/
    BENCH_DATABASE_URL=postgres://... make bench   # PostgreSQL (an empty database)
    .venv/bin/python bench/run.py --help           # duration, connections, articles

Seeds the database once (bench/seed.py; later runs reuse it), starts gunicorn with two workers
and portal.settings.bench, then loads each page with wrk (installed from Debian if missing;
a Python load generator otherwise) and, right after, the floor: a bare Django view answering
the same number of bytes. Prints requests per second, median and 99th-percentile latency,
each page's cost as a multiple of the floor, and the SQL queries each page makes.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SETTINGS = "portal.settings.bench"
WORKERS = 2
WARM_UP_SECONDS = 2


def configure():
    """Point Django (here and in gunicorn) at the bench database, media and settings."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=database,
        MEDIA_ROOT=str(BENCH_DIR / "media"),
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
    ]


def queries_per_page(paths):
    """SQL queries of each page, on a cold cache (first view after a publish) and warm."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), {}
    cache.clear()
    for path in paths:
        runs = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            runs.append(len(captured))
        counts[path] = tuple(runs)
    return counts


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def start_gunicorn(port):
    server = subprocess.Popen(
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
        env=os.environ.copy(),
    )
    for _ in range(150):
        try:
            if get(port, "/robots.txt")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


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


def load_with_wrk(wrk, url, seconds, connections):
    threads = min(2, connections)
    output = subprocess.run(
        [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout=30s",
            "--latency",
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


def load_with_python(port, path, seconds, connections):
    """Threads each sending one request after another; slower than wrk but needs nothing."""
    latencies, failures, stop = [], [], time.monotonic() + seconds

    def user():
        while time.monotonic() < stop:
            started = time.perf_counter()
            status, _ = get(port, path)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                failures.append(status)

    threads = [threading.Thread(target=user) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{path} failed under load: {failures[:5]}")
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
    }


def measure(port, path, args, wrk):
    def load(seconds):
        if wrk:
            return load_with_wrk(wrk, f"http://127.0.0.1:{port}{path}", seconds, args.connections)
        return load_with_python(port, path, seconds, args.connections)

    for _ in range(2 * WORKERS):  # every worker's caches warm, as on a live site
        get(port, path)
    load(WARM_UP_SECONDS)
    return load(args.duration)


def report(rows, database, args, generator):
    print()
    print(
        f"{args.articles} articles · {database.split(':', 1)[0]} · gunicorn {WORKERS} workers · "
        f"{generator}, {args.connections} connections, {args.duration} s per row · "
        f"{os.cpu_count()} CPUs"
    )
    print()
    print(
        "| page | path | KB | queries cold/warm | req/s | p50 ms | p99 ms "
        "| floor req/s | floor p50 ms | floor p99 ms | × floor |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for row in rows:
        page, floor = row["page"], row["floor"]
        print(
            f"| {row['name']} | `{row['path']}` | {row['bytes'] / 1024:.1f} "
            f"| {row['queries'][0]} / {row['queries'][1]} "
            f"| {page['rps']:.0f} | {page['p50']:.1f} | {page['p99']:.1f} "
            f"| {floor['rps']:.0f} | {floor['p50']:.1f} | {floor['p99']:.1f} "
            f"| {floor['rps'] / page['rps']:.1f} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per row")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()

    database = configure()
    from seed import seed  # bench/seed.py, beside this script

    started = time.monotonic()
    if seed(args.articles, lambda message: print(message, flush=True)):
        print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)
    pages = pages_to_measure()
    queries = queries_per_page([path for _, path in pages])

    wrk = find_wrk()
    port = free_port()
    server = start_gunicorn(port)
    rows = []
    try:
        for name, path in pages:
            status, body = get(port, path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            print(f"Measuring {name} ({path}) and its floor...", flush=True)
            rows.append(
                {
                    "name": name,
                    "path": path,
                    "bytes": len(body),
                    "queries": queries[path],
                    "page": measure(port, path, args, wrk),
                    "floor": measure(port, f"/bench/floor/{len(body)}/", args, wrk),
                }
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    report(rows, database, args, "wrk" if wrk else "Python load generator")


if __name__ == "__main__":
    main()
