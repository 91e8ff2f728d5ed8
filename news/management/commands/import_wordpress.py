"""`manage.py import_wordpress FILE.xml`: bring a WordPress export into the portal."""

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from news.wordpress.importer import Options, WordPressImport
from news.wordpress.parse import ExportError

NOTES_SHOWN = 100


class ProgressBar:
    """A one-line bar on stderr, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream, enabled):
        self.stream = stream
        self.enabled = enabled
        self.total = 0
        self.done = 0
        self.drawn_at = 0.0

    def start(self, total):
        self.total = max(total, 1)
        self.draw()

    def advance(self):
        self.done += 1
        if time.monotonic() - self.drawn_at > 0.1 or self.done == self.total:
            self.draw()

    def draw(self):
        if not self.enabled:
            return
        share = min(self.done / self.total, 1) if self.total else 0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {share:4.0%}  {self.done}/{self.total} entries")
        self.stream.flush()
        self.drawn_at = time.monotonic()

    def finish(self):
        if self.enabled and self.total:
            self.draw()
            self.stream.write("\n")
            self.stream.flush()
            self.total = 0


def category_map(value):
    """'analysis=analysis,appeals=appeals' -> {'analysis': 'analysis', 'appeals': 'appeals'}."""
    mapping = {}
    for pair in filter(None, (part.strip() for part in value.split(","))):
        category, _, section = pair.partition("=")
        category, section = category.strip(), section.strip()
        if not category or not section or slugify(section) != section:
            raise CommandError(
                f"--map-categories: '{pair}' should be CATEGORY-SLUG=SECTION-SLUG, "
                "e.g. --map-categories analysis=analysis,appeals=appeals"
            )
        mapping[category] = section
    return mapping


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0 to 1.2): posts, pages, authors, categories, tags, "
        "comments, media and redirects. Run it again to update: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export, from WordPress's Tools > Export")
        parser.add_argument(
            "--media-dir", help="a copy of the site's wp-content/uploads folder, for attachments"
        )
        parser.add_argument(
            "--section",
            default="news",
            help="slug of the section posts go into, made if missing (default: news)",
        )
        parser.add_argument(
            "--map-categories",
            default="",
            metavar="CATEGORY=SECTION,...",
            help="send posts in these categories to these sections instead",
        )
        parser.add_argument(
            "--with-pingbacks",
            action="store_true",
            help="import pingbacks and trackbacks as comments too",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        parser.add_argument("--report", metavar="FILE", help="also write the report as JSON")
        parser.add_argument(
            "--progress", action="store_true", help="show the progress bar even when not a TTY"
        )

    def handle(self, *args, **options):
        media_dir = options["media_dir"]
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(f"--media-dir {media_dir} is not a folder.")
        section = options["section"]
        if not section or slugify(section) != section:
            raise CommandError(f"--section '{section}' is not a slug: try '{slugify(section)}'.")
        importer = WordPressImport(
            options["file"],
            Options(
                media_dir=Path(media_dir) if media_dir else None,
                section=section,
                category_sections=category_map(options["map_categories"]),
                with_pingbacks=options["with_pingbacks"],
                dry_run=options["dry_run"],
            ),
        )
        progress = ProgressBar(self.stderr._out, options["progress"] or sys.stderr.isatty())
        importer.on_entry = progress.advance
        started = time.monotonic()
        try:
            summary = importer.check()
            progress.start(summary.entries)
            report = importer.run()
        except ExportError as error:
            progress.finish()
            self.write_json(options["report"], {**importer.report.as_dict(), "error": str(error)})
            raise CommandError(str(error)) from None
        progress.finish()
        elapsed = time.monotonic() - started
        self.print_report(report, options["verbosity"], elapsed)
        self.write_json(options["report"], {**report.as_dict(), **self.rates(report, elapsed)})
        if report.failed:
            raise CommandError(f"{report.failed} entries failed: see the notes above.")

    @staticmethod
    def rates(report, elapsed):
        posts = sum(report.counts[kind].total() for kind in ("post", "page"))
        comments = report.counts["comment"].total()
        return {
            "elapsed_seconds": round(elapsed, 3),
            "posts_per_second": round(posts / elapsed, 1) if elapsed else None,
            "comments_per_second": round(comments / elapsed, 1) if elapsed else None,
        }

    def print_report(self, report, verbosity, elapsed):
        out = self.stdout
        out.write(f"WordPress site: {report.site or '(no address in the export)'}")
        out.write(f"WXR version: {report.version}")
        if report.dry_run:
            out.write(self.style.WARNING("Dry run: what would change. Nothing was written."))
        out.write("")
        out.write(report.table())
        notes = report.notes if verbosity > 1 else report.notes[:NOTES_SHOWN]
        if notes:
            out.write("")
            out.write("Notes:")
            for note in notes:
                what = " ".join(part for part in (note["kind"], note["id"]) if part)
                title = f' "{note["title"]}"' if note["title"] else ""
                out.write(f"  {what}{title}: {note['message']}")
            hidden = len(report.notes) - len(notes) + report.notes_left_out
            if hidden:
                out.write(f"  ... and {hidden} more (all of them with --report FILE, or -v 2)")
        out.write("")
        out.write(f"Finished in {elapsed:.1f} s.")

    def write_json(self, path, data):
        if not path:
            return
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(f"Report written to {path}")
