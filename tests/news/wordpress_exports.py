"""Small WordPress exports written by the tests, and a way to import them."""

import io
import json
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wxr"
SITE = "https://old.example.org"


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def comment(
    comment_id,
    content="A comment.",
    approved="1",
    parent=0,
    author="Reader",
    email="reader@example.org",
    url="",
    ip="192.0.2.1",
    date="2020-05-01 10:00:00",
    comment_type="comment",
):
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author>{cdata(author)}</wp:comment_author>"
        f"<wp:comment_author_email>{escape(email)}</wp:comment_author_email>"
        f"<wp:comment_author_url>{escape(url)}</wp:comment_author_url>"
        f"<wp:comment_author_IP>{ip}</wp:comment_author_IP>"
        f"<wp:comment_date>{date}</wp:comment_date><wp:comment_date_gmt>{date}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(content)}</wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved>"
        f"<wp:comment_type>{comment_type}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
    )


def item(
    post_id,
    title="A post",
    content="Some words.",
    excerpt="",
    slug=None,
    post_type="post",
    status="publish",
    date="2020-05-01 09:00:00",
    creator="editor",
    terms=(),
    meta=None,
    comments=(),
    parent=0,
    password="",
    sticky=False,
    link=None,
    attachment_url="",
    comment_status="open",
):
    slug = f"post-{post_id}" if slug is None else slug
    link = link if link is not None else f"{SITE}/2020/05/01/{slug}/"
    categories = "".join(
        f'<category domain="{domain}" nicename="{nicename}">{cdata(name)}</category>'
        for domain, nicename, name in terms
    )
    postmeta = "".join(
        f"<wp:postmeta><wp:meta_key>{escape(key)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>"
        for key, value in (meta or {}).items()
    )
    attachment = (
        f"<wp:attachment_url>{attachment_url}</wp:attachment_url>" if attachment_url else ""
    )
    return (
        f"<item><title>{cdata(title)}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">{SITE}/?p={post_id}</guid>'
        f"<dc:creator>{cdata(creator)}</dc:creator>"
        f"<content:encoded>{cdata(content)}</content:encoded>"
        f"<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id>"
        f"<wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{date}</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>"
        f"<wp:post_parent>{parent}</wp:post_parent><wp:post_type>{post_type}</wp:post_type>"
        f"<wp:post_password>{escape(password)}</wp:post_password>"
        f"<wp:is_sticky>{int(sticky)}</wp:is_sticky>"
        f"<wp:comment_status>{comment_status}</wp:comment_status>"
        f"{attachment}{categories}{postmeta}{''.join(comments)}</item>"
    )


def export(*items, channel="", version="1.2", site=SITE):
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        f"<title>Old site</title><link>{site}</link>"
        f"<wp:wxr_version>{version}</wp:wxr_version>"
        f"<wp:base_site_url>{site}</wp:base_site_url><wp:base_blog_url>{site}</wp:base_blog_url>\n"
        "<wp:author><wp:author_login>editor</wp:author_login>"
        "<wp:author_display_name><![CDATA[Ainur Editor]]></wp:author_display_name></wp:author>\n"
        f"{channel}\n" + "\n".join(items) + "\n</channel>\n</rss>\n"
    )


def write(tmp_path, text, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_import(path, **options):
    """Run the command as an operator would; returns what it printed."""
    out = io.StringIO()
    call_command("import_wordpress", str(path), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def import_report(path, tmp_path, **options):
    """Run the command and return its JSON report."""
    report = tmp_path / "report.json"
    run_import(path, report=str(report), **options)
    return json.loads(report.read_text())
