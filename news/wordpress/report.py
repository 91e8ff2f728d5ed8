"""What an import did, kind by kind, and what the operator should know about."""

from collections import Counter, defaultdict

KINDS = (
    "author",
    "category",
    "tag",
    "attachment",
    "post",
    "page",
    "comment",
    "redirect",
    "other",
)
OUTCOMES = ("created", "updated", "skipped", "failed")
# Enough for any real site's warnings; past it they are counted, so memory stays bounded.
MAX_NOTES = 10_000


class Report:
    def __init__(self):
        self.counts = defaultdict(Counter)
        self.notes = []
        self.notes_left_out = 0
        self.site = ""
        self.version = ""
        self.dry_run = False

    def count(self, kind, outcome, number=1):
        self.counts[kind][outcome] += number

    def note(self, kind, wp_id, title, message):
        if len(self.notes) >= MAX_NOTES:
            self.notes_left_out += 1
            return
        self.notes.append({"kind": kind, "id": str(wp_id), "title": title, "message": message})

    def checkpoint(self):
        return {kind: Counter(counts) for kind, counts in self.counts.items()}, len(self.notes)

    def restore(self, checkpoint):
        """Forget what an entry that failed had counted: its writes were rolled back."""
        counts, notes = checkpoint
        self.counts = defaultdict(Counter, counts)
        del self.notes[notes:]

    @property
    def failed(self):
        return sum(counts["failed"] for counts in self.counts.values())

    def total(self, kind, outcome):
        return self.counts[kind][outcome]

    def table(self):
        rows = [("", *OUTCOMES)]
        for kind in KINDS:
            if any(self.counts[kind].values()):
                rows.append((kind, *(str(self.counts[kind][outcome]) for outcome in OUTCOMES)))
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        lines = [
            "  ".join(
                cell.ljust(width) if column == 0 else cell.rjust(width)
                for column, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        return "\n".join(lines)

    def as_dict(self):
        return {
            "site": self.site,
            "wxr_version": self.version,
            "dry_run": self.dry_run,
            "counts": {
                kind: {outcome: self.counts[kind][outcome] for outcome in OUTCOMES}
                for kind in KINDS
            },
            "notes": self.notes,
            "notes_left_out": self.notes_left_out,
        }
