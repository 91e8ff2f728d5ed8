"""Moving a WordPress site in: `manage.py import_wordpress FILE.xml`.

parse.py reads the export as a stream, content.py turns post HTML into body blocks, media.py
brings in uploads, and importer.py puts each entry in its place, recording what it made in
`WordPressImportRecord` so that a second run updates instead of duplicating.
"""
