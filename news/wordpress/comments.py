"""WordPress comments (placeholder until the Comment model lands)."""


class Comments:
    def __init__(self, run):
        self.run = run
        self.count = 0

    def import_comments(self, post, page):
        for _comment in post.comments:
            self.run.report.count("comment", "skipped")
            self.count += 1

    def closing_notes(self):
        if self.count:
            self.run.report.note("comment", "", "", f"{self.count} comments not imported")
