"""Attachments come in from a copy of wp-content/uploads; content points at the imported files."""

import pytest
from django.core.management.base import CommandError
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model

from news.factories import picture_file
from news.models import ArticlePage, Picture
from news.wordpress.media import path_variants, upload_path
from tests.news.wordpress_exports import SITE, export, import_report, item, run_import, write

pytestmark = pytest.mark.django_db

Document = get_document_model()
UPLOADS = f"{SITE}/wp-content/uploads"
METADATA = (
    'a:1:{s:10:"image_meta";a:2:{s:6:"credit";s:18:"Photo: A. Reporter";s:5:"title";s:0:"";}}'
)


def jpeg(name, seed=0):
    image = picture_file(name, width=300, height=200, seed=seed)
    image.seek(0)
    return image.read()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def uploads(tmp_path):
    """A copy of wp-content/uploads, with a file outside it that must never be read."""
    folder = tmp_path / "uploads"
    (folder / "2019" / "05").mkdir(parents=True)
    (folder / "2019" / "05" / "picket.jpg").write_bytes(jpeg("picket.jpg"))
    (folder / "2019" / "05" / "letter.pdf").write_bytes(b"%PDF-1.4\n% a letter\n")
    (tmp_path / "secret.jpg").write_bytes(jpeg("secret.jpg", seed=2))
    return folder


def attachment(post_id, path, title, meta=None, parent=10):
    return item(
        post_id,
        title=title,
        post_type="attachment",
        status="inherit",
        slug=f"attachment-{post_id}",
        parent=parent,
        attachment_url=f"{UPLOADS}/{path}",
        meta={"_wp_attached_file": path, **(meta or {})},
    )


def media_export():
    return export(
        item(
            10,
            title="Picket at the gates",
            content=(
                "The strikers held the gate.\n\n"
                f'<img class="aligncenter size-medium wp-image-101" src="{UPLOADS}/2019/05/'
                'picket-300x200.jpg" alt="Strikers at the gate" width="300" height="200" />\n\n'
                f'Read <a href="{UPLOADS}/2019/05/letter.pdf">the letter</a>.\n\n'
                f'<img src="{UPLOADS}/2019/05/missing.jpg" alt="Lost">'
            ),
            meta={"_thumbnail_id": "101"},
        ),
        attachment(101, "2019/05/picket.jpg", "Picket line", {"_wp_attachment_metadata": METADATA}),
        attachment(102, "2019/05/letter.pdf", "Letter to the governor"),
        attachment(103, "2019/05/missing.jpg", "Lost picture"),
        attachment(104, "../secret.jpg", "Outside the uploads"),
    )


def test_attachments_become_pictures_and_documents_that_content_points_at(
    home, client, tmp_path, uploads, media_root
):
    path = write(tmp_path, media_export())
    report = import_report(path, tmp_path, media_dir=str(uploads))

    picture = Picture.objects.get()
    assert picture.title == "Picket line"
    assert picture.credit == "Photo: A. Reporter"
    assert (media_root / picture.file.name).is_file()
    document = Document.objects.get()
    assert document.title == "Letter to the governor"

    post = ArticlePage.objects.get()
    assert post.lead_image == picture
    kinds = [block.block_type for block in post.body]
    assert kinds == ["paragraph", "image", "paragraph", "paragraph"]
    figure = post.body[1].value
    assert figure["image"].pk == picture.pk
    assert figure["image"].contextual_alt_text == "Strikers at the gate"
    assert post.body[2].value.source == (
        f'<p>Read <a linktype="document" id="{document.pk}">the letter</a>.</p>'
    )
    # A picture whose file is missing stays a link, and the import goes on.
    missing = "/wp-content/uploads/2019/05/missing.jpg"
    assert post.body[3].value.source == f'<p><a href="{missing}">Lost</a></p>'
    messages = {note["message"] for note in report["notes"]}
    assert "file missing from --media-dir: 2019/05/missing.jpg" in messages
    assert "file missing from --media-dir: ../secret.jpg" in messages
    assert f"picture not imported: {UPLOADS}/2019/05/missing.jpg" in messages
    assert report["counts"]["attachment"] == {
        "created": 2,
        "updated": 0,
        "skipped": 2,
        "failed": 0,
    }

    response = client.get(post.url)
    assert response.status_code == 200
    assert 'alt="Strikers at the gate"' in response.content.decode()
    response = client.get("/wp-content/uploads/2019/05/picket.jpg")
    assert response.status_code == 301
    assert response["Location"] == "http://testserver" + picture.file.url


def test_a_second_run_with_the_same_files_changes_nothing(home, tmp_path, uploads, media_root):
    path = write(tmp_path, media_export())
    run_import(path, media_dir=str(uploads))
    files = sorted(p.name for p in media_root.rglob("*") if p.is_file())
    report = import_report(path, tmp_path, media_dir=str(uploads))
    assert (
        report["counts"]["attachment"]["created"] == report["counts"]["attachment"]["updated"] == 0
    )
    assert report["counts"]["post"]["skipped"] == 1
    assert Picture.objects.count() == 1
    assert sorted(p.name for p in media_root.rglob("*") if p.is_file()) == files


def test_a_file_supplied_later_is_imported_by_the_next_run(home, tmp_path, uploads, media_root):
    path = write(tmp_path, media_export())
    run_import(path, media_dir=str(uploads))
    (uploads / "2019" / "05" / "missing.jpg").write_bytes(jpeg("missing.jpg", seed=3))
    report = import_report(path, tmp_path, media_dir=str(uploads))
    assert report["counts"]["attachment"]["created"] == 1
    assert Picture.objects.filter(title="Lost picture").exists()
    # The post that showed it now shows the picture rather than a link.
    assert report["counts"]["post"]["updated"] == 1
    assert [block.block_type for block in ArticlePage.objects.get().body][-1] == "image"


def test_without_media_dir_attachments_are_reported(home, tmp_path):
    path = write(tmp_path, media_export())
    output = run_import(path)
    assert "4 attachments not imported: give --media-dir" in output
    assert not Picture.objects.exists()
    assert ArticlePage.objects.get().lead_image is None


def test_a_damaged_picture_fails_alone(home, tmp_path, uploads, media_root):
    (uploads / "2019" / "05" / "picket.jpg").write_bytes(b"not a jpeg at all")
    path = write(tmp_path, media_export())
    with pytest.raises(CommandError, match="1 entries failed"):
        run_import(path, media_dir=str(uploads))
    assert not Picture.objects.exists()
    assert Document.objects.count() == 1
    assert ArticlePage.objects.count() == 1
    assert not list(media_root.rglob("*.jpg"))


def test_dry_run_stores_no_files(home, tmp_path, uploads, media_root):
    path = write(tmp_path, media_export())
    report = import_report(path, tmp_path, media_dir=str(uploads), dry_run=True)
    assert report["counts"]["attachment"]["created"] == 2
    assert not Picture.objects.exists() and not Document.objects.exists()
    assert not media_root.exists() or not [p for p in media_root.rglob("*") if p.is_file()]
    assert not Redirect.objects.exists()


def test_upload_paths_from_every_kind_of_address():
    assert upload_path("https://a.org/wp-content/uploads/2019/05/x.jpg") == "2019/05/x.jpg"
    assert upload_path("//a.org/wp-content/uploads/2019/05/x%20y.jpg") == "2019/05/x y.jpg"
    assert upload_path("2019/05/x.jpg") == "2019/05/x.jpg"
    assert upload_path(
        "/home/wpcom/public_html/wp-content/blogs.dir/a8d/1/files/2025/01/x.jpg"
    ) == ("2025/01/x.jpg")
    assert upload_path("http://site.files.wordpress.com/2025/01/x.jpg") == "2025/01/x.jpg"
    assert upload_path("https://a.org/about/") == ""
    assert path_variants("2019/05/x-300x200.jpg") == [
        "2019/05/x-300x200.jpg",
        "2019/05/x.jpg",
        "2019/05/x-scaled.jpg",
    ]


def test_links_to_the_old_site_become_relative_and_others_stay(home, tmp_path):
    content = (
        '<a href="https://other.wordpress.com/2020/01/x/">another blog</a> '
        f'<a href="{SITE}/about/?ref=1#team">ours</a> '
        '<a href="https://www.old.example.org/contact/">with www</a>'
    )
    run_import(write(tmp_path, export(item(1, content=content))))
    assert ArticlePage.objects.get().body[0].value.source == (
        '<p><a href="https://other.wordpress.com/2020/01/x/">another blog</a> '
        '<a href="/about/?ref=1#team">ours</a> <a href="/contact/">with www</a></p>'
    )
