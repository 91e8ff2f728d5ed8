"""Moving a WordPress site in: `manage.py import_wordpress FILE.xml`.

parse.py     reads the export (WXR 1.0 to 1.2) as a stream, refusing damaged or hostile XML
content.py   turns post HTML, from either editor, into body blocks and plain text
importer.py  runs the passes, one savepoint per entry, batch commits, search indexing
taxonomy.py  authors, categories (topics) and tags;  media.py  attachments and file links
pages.py     posts and pages;  comments.py  comments;  redirects.py  old addresses
records.py   the WordPressImportRecord memory that makes a second run update, not duplicate
report.py    what happened, for the summary table and the JSON report
middleware.py  `/?p=123` and friends, which Wagtail's 404-only redirects never see
"""
