"""An index for listing articles newest first: (first published, path) on Wagtail's page table.

Listings order by first publication, the tree path breaking ties. Wagtail indexes the date
alone, so with a tie-breaker the database sorted every article of a section before showing
twenty; with both columns in one index it reads the newest rows in order and stops.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0006_appeal_box"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX news_newest_first ON wagtailcore_page (first_published_at, path)",
            "DROP INDEX news_newest_first",
        )
    ]
