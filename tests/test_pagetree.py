"""The cached page tree: publishing keeps the site and restriction lookups, which still follow
every change to sites and view restrictions at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from portal import pagetree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_pages")]


def test_a_new_view_restriction_applies_at_once(client, article):
    assert client.get(article.url).status_code == 200
    article.save_revision().publish()
    with CaptureQueriesContext(connection) as after_publish:
        assert client.get(article.url).status_code == 200
    sql = [query["sql"] for query in after_publish.captured_queries]
    assert not [
        q for q in sql if q.startswith('SELECT 1 AS "a" FROM "wagtailcore_pageviewrestriction"')
    ]
    assert not [q for q in sql if 'FROM "wagtailcore_site"' in q]

    restriction = PageViewRestriction.objects.create(
        page=article.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(article.url)
    assert response.status_code == 302 and "login" in response["Location"]
    restriction.delete()
    assert client.get(article.url).status_code == 200


def test_a_changed_site_applies_at_once(client, article):
    assert client.get(article.url).status_code == 200
    Site.objects.filter(is_default_site=True).update(is_default_site=False)
    site = Site.objects.get()
    site.hostname = "news.example.org"
    site.save()
    assert client.get(article.url).status_code == 404


def test_a_page_read_while_it_was_being_published_is_not_kept(
    client, article, django_capture_on_commit_callbacks
):
    as_it_was = type(article).objects.get(pk=article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Oil workers win"
        article.save_revision().publish()
        # Another reader, before the commit, read the old row and kept it under the new tree.
        cache.set(pagetree.cache_key("page", article.pk), as_it_was, pagetree.TIMEOUT)
    assert "Oil workers win" in client.get(article.url).content.decode()
