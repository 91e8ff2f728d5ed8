"""`manage.py import_wordpress`: what the export holds is what the site holds afterwards."""

import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageViewRestriction, Revision, Site

from news.models import (
    ArticlePage,
    Author,
    HomePage,
    SectionPage,
    StandardPage,
    Topic,
    WordPressImportRecord,
)
from tests.news.wordpress_exports import (
    FIXTURES,
    export,
    import_report,
    item,
    run_import,
    write,
)

pytestmark = pytest.mark.django_db


def state():
    """Everything an import writes, to compare before and after a second run."""
    pages = {
        page.pk: (page.title, page.slug, page.url_path, page.live, page.latest_revision_id)
        for page in Page.objects.all()
    }
    bodies = {page.pk: list(page.body.raw_data) for page in ArticlePage.objects.all()}
    return (
        pages,
        bodies,
        sorted(Redirect.objects.values_list("old_path", "redirect_page_id", "redirect_link")),
        sorted(Topic.objects.values_list("slug", "name")),
        sorted(Tag.objects.values_list("slug", "name")),
        sorted(Author.objects.values_list("slug", "name")),
        sorted(WordPressImportRecord.objects.values_list("kind", "wp_id", "object_id", "digest")),
    )


def article(title):
    return ArticlePage.objects.get(title=title)


def test_small_export_posts_pages_authors_and_terms(home, client):
    output = run_import(FIXTURES / "small-export.xml")

    news = SectionPage.objects.child_of(home).get(slug="news")
    assert news.live and news.title == "News"
    assert set(ArticlePage.objects.child_of(news).values_list("title", flat=True)) == {
        "Hello world!",
        "Private Post",
        "Foo-child",
        "Top-level Foo",
        "Non-standard post format",
        "Many Categories",
    }
    hello = article("Hello world!")
    assert hello.live
    assert hello.first_published_at == datetime(2011, 1, 18, 7, 40, 14, tzinfo=UTC)
    assert [author.name for author in hello.authors] == ["author"]
    assert hello.standfirst.startswith("Welcome to WordPress. This is your first post.")
    assert [block.block_type for block in hello.body] == ["paragraph"]
    assert [a.name for a in article("Foo-child").authors] == ["editor"]

    private = article("Private Post")
    assert not private.live
    assert sorted(private.tags.names()) == ["Tag1", "Tag2", "Tag3"]
    assert 'post 13 "Private Post": private in WordPress: imported as a draft' in output

    assert Author.objects.count() == 3
    assert Topic.objects.count() == 30
    assert Topic.objects.get(slug="eternity").name == "远征手记"
    assert article("Many Categories").topics.count() == 27
    assert set(article("Foo-child").topics.values_list("slug", flat=True)) == {"foo-bar"}

    standard = StandardPage.objects.all()
    assert set(standard.values_list("title", flat=True)) == {
        "Sample Page",
        "Child Page",
        "Parent Page",
        "Draft Page",
        "1-col page",
    }
    parent = StandardPage.objects.get(title="Parent Page")
    child = StandardPage.objects.get(title="Child Page")
    # The child came first in the file; it still ends up under its parent.
    assert child.get_parent().pk == parent.pk
    assert not StandardPage.objects.get(title="Draft Page").live
    sample = StandardPage.objects.get(title="Sample Page")
    assert [block.block_type for block in sample.body] == [
        "paragraph",
        "quote",
        "paragraph",
        "quote",
        "paragraph",
    ]

    response = client.get(hello.url)
    assert response.status_code == 200
    assert "Welcome to WordPress." in response.content.decode()
    response = client.get(child.url)
    assert response.status_code == 200
    assert "This child page appears before its parent" in response.content.decode()


def test_old_addresses_redirect_to_the_new_pages(home, client):
    run_import(FIXTURES / "small-export.xml")
    hello = article("Hello world!")
    child = StandardPage.objects.get(title="Child Page")

    response = client.get("/?p=1")
    assert response.status_code == 301
    assert response["Location"] == hello.url
    assert client.get("/?page_id=4")["Location"] == child.url
    assert client.get("/?p=4")["Location"] == child.url
    # Unrelated query strings still reach the page that was asked for.
    assert client.get("/?p=999").status_code == 200
    assert client.get("/?page=2").status_code == 200
    assert client.get("/category/foo-bar/")["Location"] == "/topics/foo-bar/"
    # A subcategory's archive under its parent, and an author's archive.
    assert client.get("/category/bar/foo-bar/")["Location"] == "/topics/foo-bar/"
    assert client.get("/author/editor/")["Location"] == "/authors/editor/"
    assert client.get("/tag/tag1/")["Location"] == "/tags/tag1/"


def test_permalinks_and_a_blog_in_a_folder(home, client):
    run_import(FIXTURES / "wxr-simple.xml")
    post = article('"The Road Not Taken" by Robert Frost')
    assert client.get("/path/?p=1")["Location"] == post.url
    assert client.get("/path/?p=10")["Location"] == post.url
    # Links to the old site now stay on this site, where redirects take them on.
    first, second = post.body
    assert second.value.source.startswith('<p><a href="/path/one">One</a>')
    assert '<a href="https://w.org">third</a>' in second.value.source


@pytest.mark.parametrize(
    "name", ["small-export.xml", "valid-wxr-1.0.xml", "block-theme-export.xml"]
)
def test_a_second_run_changes_nothing(home, tmp_path, name):
    run_import(FIXTURES / name)
    before = state()
    report = import_report(FIXTURES / name, tmp_path)
    assert state() == before
    for kind, counts in report["counts"].items():
        assert counts["created"] == counts["updated"] == counts["failed"] == 0, kind
    assert report["counts"]["post"]["skipped"] > 0


def test_a_changed_post_is_updated_in_place(home, tmp_path):
    path = write(tmp_path, export(item(5, title="First title", content="Old words.")))
    run_import(path)
    page = ArticlePage.objects.get()
    write(tmp_path, export(item(5, title="Better title", content="New words.")))
    report = import_report(path, tmp_path)
    page.refresh_from_db()
    assert ArticlePage.objects.count() == 1
    assert page.title == "Better title"
    assert "New words." in page.body[0].value.source
    assert report["counts"]["post"] == {"created": 0, "updated": 1, "skipped": 0, "failed": 0}


def test_wxr_1_0_terms_and_authors_without_author_entries(home):
    run_import(FIXTURES / "valid-wxr-1.0.xml")
    alpha = article("Alpha post")
    assert set(alpha.tags.names()) == {"news", "roar"}
    assert list(alpha.topics.values_list("slug", flat=True)) == ["alpha"]
    child_post = article("Child post")
    assert set(child_post.tags.names()) == {"chicken", "face"}
    assert list(child_post.topics.values_list("name", flat=True)) == ["child"]
    # WXR 1.0 lists no authors: the post's creator becomes one.
    assert [author.name for author in alpha.authors] == ["admin"]
    assert Topic.objects.count() == 5
    assert set(Tag.objects.values_list("name", flat=True)) == {"chicken", "face", "news", "roar"}
    child_page = StandardPage.objects.get(title="Child page")
    assert child_page.get_parent().title == "Parent page"


def test_wxr_1_1_with_a_custom_taxonomy(home):
    output = run_import(FIXTURES / "valid-wxr-1.1.xml")
    hello = article("Hello world!")
    assert [author.name for author in hello.authors] == ["John Doe"]
    assert list(hello.topics.values_list("name", flat=True)) == ["alpha"]
    assert list(hello.tags.names()) == ["Clippable"]
    assert StandardPage.objects.get().title == "About"
    assert "1 terms of taxonomy 'post_tax' not imported" in output


def cdata_after(text, opening):
    """The CDATA text that follows `opening` in an export, exactly as the file holds it."""
    return re.search(re.escape(opening) + r"<!\[CDATA\[(.*?)\]\]>", text, re.S).group(1)


def test_utf8_text_arrives_intact(home, client):
    path = FIXTURES / "wxr-utf-8-challenges.xml"
    source = path.read_text(encoding="utf-8")
    run_import(path)

    post = article(cdata_after(source, "<title>"))
    assert post.standfirst == cdata_after(source, "<excerpt:encoded>")
    assert post.slug == "hello-world-utf8-test"
    author = post.authors[0]
    assert author.name == cdata_after(source, "<wp:author_display_name>")
    assert author.slug == "admin"
    topic = post.topics.get()
    assert topic.name == cdata_after(source, 'nicename="uncat\u202eegorized\u202c">')
    assert topic.slug == "uncategorized"
    text = " ".join(block.value.source for block in post.body)
    for line in ("𝓣𝓮𝓼𝓽 𝓜𝓾𝓵𝓽𝓲-𝓑𝔂𝓽𝓮: 🚀🌟💫⭐️🔥💯🎉🎊🌈🦄", "𝖳𝖾𝗌𝗍 𝖱𝖳𝖫: السلام عليكم وﷲ"):
        assert line in source and line in text
    # Character references to lone UTF-16 halves are not text: HTML reads them as U+FFFD.
    assert "&#xD800;&#xDC00;&#xDBFF;&#xDFFF;" in source
    assert "\ufffd\ufffd\ufffd\ufffd" in text
    response = client.get(post.url)
    assert response.status_code == 200
    assert "السلام عليكم" in response.content.decode()


def test_block_theme_export(home):
    output = run_import(FIXTURES / "block-theme-export.xml")
    assert ArticlePage.objects.count() == 7
    assert StandardPage.objects.get().title == "About"
    blog = article("Blog Post 1")
    assert [block.block_type for block in blog.body] == ["paragraph"] * 7
    assert "puts AIBot.new(query).execute.result" in blog.body[5].value.source
    assert sorted(blog.tags.names()) == ["code", "ruby", "ship", "stars"]
    assert "1 items of type 'wp_global_styles' not imported" in output
    assert "1 items of type 'wp_navigation' not imported" in output
    assert "6 attachments not imported: give --media-dir" in output


def test_large_author_list(home):
    run_import(FIXTURES / "large-authors.xml")
    assert Author.objects.count() == 300
    assert Author.objects.filter(slug="user300", name="user300").exists()


def test_term_formats(home):
    output = run_import(FIXTURES / "term-formats.xml")
    assert set(Topic.objects.values_list("slug", "name")) == {
        ("category-name", "Category Name"),
        ("cat-2", "Category 2"),
    }
    assert set(Tag.objects.values_list("slug", "name")) == {
        ("a-tag", "A Tag!"),
        ("a-color", "A Random Color"),
        ("another-tag", "Another Tag"),
    }
    assert "taxonomy 'nav_menu' not imported" in output


def test_missing_version_tag_is_read_by_its_namespace(home):
    output = run_import(FIXTURES / "missing-version-tag.xml")
    assert "no <wp:wxr_version> in the file: read as WXR 1.1" in output
    assert Topic.objects.count() == 21
    assert Tag.objects.count() == 18
    assert Author.objects.get().name == "John Doe"


@pytest.mark.parametrize(
    ("name", "line"), [("malformed-simple.xml", "line 14"), ("crazy-cdata.xml", "line 18")]
)
def test_malformed_files_are_refused_before_anything_is_written(home, name, line):
    pages = Page.objects.count()
    with pytest.raises(CommandError, match=line):
        run_import(FIXTURES / name)
    assert Page.objects.count() == pages
    assert not WordPressImportRecord.objects.exists()
    assert not Redirect.objects.exists()


def test_statuses(home, tmp_path):
    path = write(
        tmp_path,
        export(
            item(1, title="Published"),
            item(2, title="Draft", status="draft"),
            item(3, title="Pending", status="pending"),
            item(4, title="Scheduled", status="future", date="2099-01-01 08:00:00"),
            item(5, title="Private", status="private"),
            item(6, title="Binned", status="trash"),
            item(7, title="Protected", password="secret"),
            item(8, title="Pinned", sticky=True),
            item(9, title="Never saved", status="auto-draft"),
        ),
    )
    output = run_import(path)
    live = dict(ArticlePage.objects.values_list("title", "live"))
    assert live == {
        "Published": True,
        "Draft": False,
        "Pending": False,
        "Scheduled": False,
        "Private": False,
        "Protected": True,
        "Pinned": True,
    }
    scheduled = article("Scheduled")
    assert scheduled.go_live_at == datetime(2099, 1, 1, 8, tzinfo=UTC)
    revision = Revision.page_revisions.get(object_id=str(scheduled.pk))
    assert revision.approved_go_live_at == scheduled.go_live_at
    assert article("Draft").first_published_at is None
    restriction = PageViewRestriction.objects.get(page=article("Protected"))
    assert restriction.password == "secret"
    assert 'post 6 "Binned": in the WordPress trash: skipped' in output
    assert 'post 5 "Private": private in WordPress: imported as a draft' in output
    assert 'post 8 "Pinned": sticky in WordPress' in output


def test_sections_from_options(home, tmp_path):
    path = write(
        tmp_path,
        export(
            item(1, title="An analysis", terms=[("category", "analysis", "Analysis")]),
            item(2, title="An appeal", terms=[("category", "appeals", "Appeals")]),
            item(3, title="A report", terms=[("category", "misc", "Misc")]),
        ),
    )
    run_import(path, section="reports", map_categories="analysis=analysis,appeals=appeals")
    sections = {page.title: page.get_parent().slug for page in ArticlePage.objects.all()}
    assert sections == {"An analysis": "analysis", "An appeal": "appeals", "A report": "reports"}
    assert SectionPage.objects.get(slug="reports").title == "Reports"


def test_bad_options_are_refused_in_plain_words(home, tmp_path):
    path = write(tmp_path, export(item(1)))
    with pytest.raises(CommandError, match="CATEGORY-SLUG=SECTION-SLUG"):
        run_import(path, map_categories="analysis")
    with pytest.raises(CommandError, match="is not a slug"):
        run_import(path, section="Big News")
    with pytest.raises(CommandError, match="is not a folder"):
        run_import(path, media_dir=str(tmp_path / "nowhere"))


def test_a_bare_install_gets_its_home_page_from_the_export(db, client, tmp_path):
    """`migrate`, then `import_wordpress`: a newsroom moving in does not want the demo site."""
    assert [page.title for page in Page.objects.filter(depth=2)] == [
        "Welcome to your new Wagtail site!"
    ]
    output = run_import(FIXTURES / "wxr-simple.xml")

    home = HomePage.objects.get()
    assert home.title == "My WordPress Website"
    assert home.live and home.first_published_at
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    # Wagtail's placeholder is gone: nothing pointed at it any more.
    assert [page.title for page in Page.objects.filter(depth=2)] == ["My WordPress Website"]
    assert "home page created" in output
    front = client.get("/")
    assert front.status_code == 200
    assert "My WordPress Website" in front.content.decode()
    imported = ArticlePage.objects.live().first()
    assert client.get(imported.url).status_code == 200

    # A second run finds the home page it made.
    assert "home page created" not in run_import(FIXTURES / "wxr-simple.xml")
    assert HomePage.objects.count() == 1


def test_a_dry_run_on_a_bare_install_says_it_would_make_the_home_page(db, tmp_path):
    report = import_report(FIXTURES / "wxr-simple.xml", tmp_path, dry_run=True)
    assert {"kind": "other", "id": "", "title": "My WordPress Website"} | {
        "message": "home page created, titled as the export's site"
    } in report["notes"]
    assert not HomePage.objects.exists()


def test_dry_run_writes_nothing(home, tmp_path):
    before = state()
    assert "Dry run" in run_import(FIXTURES / "small-export.xml", dry_run=True)
    report = import_report(FIXTURES / "small-export.xml", tmp_path, dry_run=True)
    assert report["dry_run"] is True
    assert report["counts"]["post"]["created"] == 6
    assert report["counts"]["page"]["created"] == 5
    assert state() == before
    assert not SectionPage.objects.filter(slug="news").exists()


def test_a_failing_post_is_reported_and_the_rest_imported(home, tmp_path, monkeypatch):
    from news.wordpress.pages import Pages

    real = Pages.import_post

    def import_post(self, post):
        real(self, post)
        if post.id == "2":
            raise ValueError("disk on fire")

    monkeypatch.setattr(Pages, "import_post", import_post)
    path = write(
        tmp_path, export(item(1, title="One"), item(2, title="Two"), item(3, title="Three"))
    )
    with pytest.raises(CommandError, match="1 entries failed"):
        run_import(path)
    assert set(ArticlePage.objects.values_list("title", flat=True)) == {"One", "Three"}
    assert not WordPressImportRecord.objects.filter(wp_id="2").exists()
    assert not Redirect.objects.filter(old_path="/?p=2").exists()


def test_json_report(home, tmp_path):
    report = tmp_path / "report.json"
    run_import(FIXTURES / "valid-wxr-1.1.xml", report=str(report))
    data = json.loads(report.read_text())
    assert data["site"] == "http://localhost"
    assert data["wxr_version"] == "1.1"
    assert data["counts"]["post"] == {"created": 1, "updated": 0, "skipped": 0, "failed": 0}
    assert data["counts"]["page"]["created"] == 1
    assert data["posts_per_second"] > 0
    assert {
        "kind": "other",
        "id": "",
        "title": "post_tax",
        "message": "1 terms of taxonomy 'post_tax' not imported",
    } in data["notes"]


def test_refusal_is_also_reported_as_json(home, tmp_path):
    report = tmp_path / "report.json"
    with pytest.raises(CommandError):
        run_import(FIXTURES / "malformed-simple.xml", report=str(report))
    assert "line 14" in json.loads(report.read_text())["error"]


def test_imported_posts_render_in_listings_and_feeds(home, client, tmp_path):
    path = write(
        tmp_path,
        export(
            item(1, title="Strike at the docks", terms=[("category", "labour", "Labour")]),
            channel="<wp:category><wp:category_nicename>labour</wp:category_nicename>"
            "<wp:cat_name>Labour</wp:cat_name></wp:category>",
        ),
    )
    run_import(path)
    assert "Strike at the docks" in client.get("/news/").content.decode()
    assert "Strike at the docks" in client.get("/topics/labour/").content.decode()
    assert "Strike at the docks" in client.get("/feed/").content.decode()
    assert "Strike at the docks" in client.get("/2020/05/").content.decode()
    assert client.get("/?p=1").status_code == 301


def test_progress_bar_on_request(home, tmp_path):
    errors = io.StringIO()
    path = write(tmp_path, export(item(1), item(2)))
    call_command("import_wordpress", str(path), progress=True, stdout=io.StringIO(), stderr=errors)
    assert "[" + "#" * 30 + "] 100%  3/3 entries" in errors.getvalue()


def test_entries_without_an_id_fail_alone(home, tmp_path):
    good = item(1, title="Kept")
    nameless = item(2, title="No id").replace(
        "<wp:post_id>2</wp:post_id>", "<wp:post_id></wp:post_id>"
    )
    path = write(tmp_path, export(good, nameless))
    with pytest.raises(CommandError, match="1 entries failed"):
        run_import(path)
    assert list(ArticlePage.objects.values_list("title", flat=True)) == ["Kept"]
