"""A full-text index on what PostgreSQL search filters by: a page's title and body vectors joined.

Wagtail's PostgreSQL search matches `title || body` against the query, while its own GIN
indexes cover each vector alone; without an index on the joined expression every search read
and decompressed every article's vectors (150 ms for a common word in 10,000 articles). Other
databases search differently and get nothing.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS news_search_document "
    "ON wagtailsearch_indexentry USING GIN ((title || body))"
)
DROP = "DROP INDEX IF EXISTS news_search_document"


def run_on_postgres(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0008_wordpress_import"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(run_on_postgres(CREATE), run_on_postgres(DROP))]
