"""Benchmark `manage.py import_wordpress`: import rate and peak memory on generated exports.

    .venv/bin/python bench/import_wordpress.py                    # 2,000/10,000 and 20,000/100,000
    .venv/bin/python bench/import_wordpress.py --sizes 500:2500   # a quick look
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python bench/...

Each size runs in a fresh process against a fresh database (a SQLite file in var/, or the
PostgreSQL database in DATABASE_URL, dropped and made again), so peak memory (the process's
maximum resident set) belongs to that import alone. With --write the results replace the
"WordPress import" section of bench/README.md.
"""

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
README = Path(__file__).resolve().parent / "README.md"
SECTION_START = "<!-- import_wordpress: start -->"
SECTION_END = "<!-- import_wordpress: end -->"

WORDS = (
    "strike union workers picket court journalist appeal protest wages rent housing election "
    "miners teachers dockers students prison hunger solidarity embassy letter release demand "
    "factory oil region government police rights democracy newspaper editor report"
).split()


def sentence(rng, words=12):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text.capitalize() + "."


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def classic_body(rng):
    paragraphs = [" ".join(sentence(rng) for _ in range(4)) for _ in range(5)]
    paragraphs[1] += '\nA line of its own, with <a href="https://example.org/x">a link</a>.'
    paragraphs.insert(3, "<blockquote>" + sentence(rng) + "</blockquote>")
    return "\n\n".join(paragraphs)


def block_body(rng):
    parts = []
    for _ in range(4):
        parts.append(f"<!-- wp:paragraph -->\n<p>{sentence(rng, 30)}</p>\n<!-- /wp:paragraph -->")
    parts.insert(2, "<!-- wp:heading -->\n<h2>" + sentence(rng, 4) + "</h2>\n<!-- /wp:heading -->")
    items = "".join(f"<li>{sentence(rng, 5)}</li>" for _ in range(3))
    parts.append(f"<!-- wp:list -->\n<ul>{items}</ul>\n<!-- /wp:list -->")
    return "\n\n".join(parts)


def generate(path, posts, comments, seed=2010):
    """A WXR 1.2 export: 20 authors, 30 categories, 100 tags, `posts` posts, `comments` comments."""
    rng = random.Random(seed)
    start = datetime(2009, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"'
            ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench</title><link>https://bench.example.org</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>https://bench.example.org</wp:base_site_url>\n"
            "<wp:base_blog_url>https://bench.example.org</wp:base_blog_url>\n"
        )
        for n in range(20):
            out.write(
                f"<wp:author><wp:author_login>writer{n}</wp:author_login>"
                f"<wp:author_display_name>{cdata(f'Writer {n}')}</wp:author_display_name>"
                "</wp:author>\n"
            )
        for n in range(30):
            out.write(
                f"<wp:category><wp:term_id>{n + 1}</wp:term_id>"
                f"<wp:category_nicename>topic-{n}</wp:category_nicename>"
                f"<wp:cat_name>{cdata(f'Topic {n}')}</wp:cat_name></wp:category>\n"
            )
        for n in range(100):
            out.write(
                f"<wp:tag><wp:term_id>{n + 100}</wp:term_id><wp:tag_slug>tag-{n}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(f'Tag {n}')}</wp:tag_name></wp:tag>\n"
            )
        comment_id = 0
        for n in range(posts):
            post_id = n + 1000
            date = start + timedelta(hours=n * 3)
            stamp = date.strftime("%Y-%m-%d %H:%M:%S")
            status = "draft" if n % 50 == 0 else "publish"
            body = block_body(rng) if n % 2 else classic_body(rng)
            title = sentence(rng, 6)[:-1]
            terms = "".join(
                f'<category domain="category" nicename="topic-{t}">{cdata(f"Topic {t}")}</category>'
                for t in rng.sample(range(30), 2)
            ) + "".join(
                f'<category domain="post_tag" nicename="tag-{t}">{cdata(f"Tag {t}")}</category>'
                for t in rng.sample(range(100), 3)
            )
            out.write(
                f"<item><title>{escape(title)}</title>"
                f"<link>https://bench.example.org/{date:%Y/%m/%d}/post-{post_id}/</link>"
                f'<guid isPermaLink="false">https://bench.example.org/?p={post_id}</guid>'
                f"<dc:creator>writer{n % 20}</dc:creator>"
                f"<content:encoded>{cdata(body)}</content:encoded>"
                f"<excerpt:encoded>{cdata(sentence(rng, 20) if n % 3 else '')}</excerpt:encoded>"
                f"<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>{stamp}</wp:post_date_gmt>"
                f"<wp:post_name>post-{post_id}</wp:post_name><wp:status>{status}</wp:status>"
                f"<wp:post_type>post</wp:post_type>{terms}"
            )
            # Spread the comments evenly; about a third reply to an earlier comment.
            share = comments // posts + (1 if n < comments % posts else 0)
            first = comment_id + 1
            for c in range(share):
                comment_id += 1
                parent = rng.randrange(first, comment_id) if c and rng.random() < 0.33 else 0
                approved = rng.choices(["1", "0", "spam", "trash"], [85, 8, 5, 2])[0]
                when = (date + timedelta(minutes=10 * (c + 1))).strftime("%Y-%m-%d %H:%M:%S")
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>{cdata(f'Reader {comment_id % 997}')}</wp:comment_author>"
                    f"<wp:comment_author_email>reader{comment_id % 997}@example.org"
                    "</wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{comment_id % 250}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>{when}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{cdata(sentence(rng, 25))}</wp:comment_content>"
                    f"<wp:comment_approved>{approved}</wp:comment_approved>"
                    f"<wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def fresh_database(label):
    """DATABASE_URL for a new, empty database of this run."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        name = f"{name}_{label}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"{base}/{name}"
    path = ROOT / "var" / f"bench-import-{label}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def measure(export, posts, comments):
    """In this (child) process: a fresh site, then the import; prints its numbers as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from wagtail.models import Page, Site

    from news.factories import HomePageFactory

    call_command("migrate", verbosity=0)
    home = HomePageFactory(parent=Page.get_first_root_node(), slug="front")
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "port": 80}
    )
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = ROOT / "var" / f"bench-import-{posts}.json"
    started = time.perf_counter()
    call_command("import_wordpress", str(export), report=str(report), verbosity=0)
    elapsed = time.perf_counter() - started
    load = os.getloadavg()[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    counts = json.loads(report.read_text())["counts"]
    print(
        json.dumps(
            {
                "posts": posts,
                "comments": comments,
                "seconds": round(elapsed, 1),
                "posts_per_second": round(posts / elapsed, 1),
                "comments_per_second": round(comments / elapsed, 1),
                "peak_rss_mb": round(peak / 1024, 1),
                "baseline_rss_mb": round(baseline / 1024, 1),
                # Other work on the machine slows the import; this says how much there was.
                "load_average": round(load, 1),
                "imported": {kind: sum(outcomes.values()) for kind, outcomes in counts.items()},
            }
        )
    )


def parse_peak(export):
    """Peak Python memory of reading the whole export with the importer's streaming reader."""
    import tracemalloc

    sys.path.insert(0, str(ROOT))
    from news.wordpress.parse import scan

    tracemalloc.start()
    started = time.perf_counter()
    summary = scan(export)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"items": summary.counts["item"], "seconds": round(elapsed, 1), "peak_mb": peak / 2**20}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000:10000,20000:100000", help="POSTS:COMMENTS,...")
    parser.add_argument("--write", action="store_true", help="record the results in README.md")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(Path(args.measure[0]), int(args.measure[1]), int(args.measure[2]))
        return
    results = []
    for size in args.sizes.split(","):
        posts, comments = (int(part) for part in size.split(":"))
        export = ROOT / "var" / f"bench-import-{posts}.xml"
        export.parent.mkdir(exist_ok=True)
        generate(export, posts, comments)
        megabytes = export.stat().st_size / 2**20
        parsing = parse_peak(export)
        env = {**os.environ, "DATABASE_URL": fresh_database(f"{posts}"), "DEBUG": "false"}
        run = subprocess.run(
            [sys.executable, __file__, "--measure", str(export), str(posts), str(comments)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(run.stdout.strip().splitlines()[-1])
        result["file_mb"] = round(megabytes, 1)
        result["parse_seconds"] = parsing["seconds"]
        result["parse_peak_mb"] = round(parsing["peak_mb"], 2)
        results.append(result)
        print(json.dumps(result))
    if args.write:
        record(results)


def record(results):
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    database = "PostgreSQL" if postgres else "SQLite"
    lines = [
        SECTION_START,
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {database}, dev settings (tasks run at once),"
        f" {os.cpu_count()} cores.",
        "",
        "| posts | comments | file | import | posts/s | comments/s | peak RSS | reading the file "
        "(peak Python memory) | load average |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['posts']:,} | {r['comments']:,} | {r['file_mb']} MB | {r['seconds']} s "
            f"| {r['posts_per_second']} | {r['comments_per_second']} | {r['peak_rss_mb']} MB "
            f"| {r['parse_seconds']} s ({r['parse_peak_mb']} MB) | {r['load_average']} |"
        )
    lines.append(SECTION_END)
    text = README.read_text() if README.exists() else ""
    block = "\n".join(lines)
    if SECTION_START in text:
        text = re.sub(
            re.escape(SECTION_START) + ".*?" + re.escape(SECTION_END), block, text, flags=re.S
        )
    else:
        text += "\n" + block + "\n"
    README.write_text(text)


if __name__ == "__main__":
    main()
