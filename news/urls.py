from django.urls import path, re_path

from news import views
from news.comments import views as comment_views
from news.protest import views as protests

app_name = "news"

TAXONOMY_ROUTES = [
    ("authors", "author"),
    ("topics", "topic"),
    ("regions", "region"),
    ("tags", "tag"),
]

urlpatterns = [
    path("search/", views.search, name="search"),
    path("feed/", views.site_feed, name="feed"),
    path("feed/atom/", views.site_feed, {"atom": True}, name="feed_atom"),
    path("archive/", views.archive_index, name="archive_index"),
    re_path(r"^(?P<year>[0-9]{4})/$", views.archive, name="archive_year"),
    re_path(r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", views.archive, name="archive_month"),
    path("authors/", views.authors, name="authors"),
    path("protests/<int:target_id>/", protests.protest_sent, name="protest"),
    path("comments/post/", comment_views.post_comment, name="comment_post"),
]
for prefix, kind in TAXONOMY_ROUTES:
    urlpatterns += [
        path(f"{prefix}/<slug:slug>/", views.taxonomy, {"kind": kind}, name=kind),
        path(
            f"{prefix}/<slug:slug>/feed/", views.taxonomy_feed, {"kind": kind}, name=f"{kind}_feed"
        ),
        path(
            f"{prefix}/<slug:slug>/feed/atom/",
            views.taxonomy_feed,
            {"kind": kind, "atom": True},
            name=f"{kind}_atom",
        ),
    ]
