import json
import re
import xml.etree.ElementTree as ET

import pytest

from news.factories import PictureFactory

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_lists_pages_and_taxonomy(client, article, author):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    assert "http://localhost/analysis/oil-workers-strike/" in locations
    assert f"http://testserver/authors/{author.slug}/" in locations


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_admin(client, home):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_article_has_canonical_opengraph_twitter_and_json_ld(client, section, author):
    from news.factories import ArticlePageFactory

    article = ArticlePageFactory(
        parent=section, title="Strike </script> ends", authors=[author], lead_image=PictureFactory()
    )
    html = client.get(article.url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/images/[^"]+\.jpg">', html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(ld)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Strike </script> ends"
    assert data["author"][0]["name"] == "Mariam Tulegenova"
    assert data["datePublished"]


def test_canonical_keeps_only_the_page_number(client, section, article):
    html = client.get(section.url + "?page=1&utm_source=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver{section.url}">' in html


def test_pages_describe_themselves_to_search_engines_and_link_previews(client, section):
    from news.factories import ArticlePageFactory

    section.search_description = "Long reads on labour rights."
    section.save_revision().publish()
    article = ArticlePageFactory(parent=section, standfirst="Dockers stopped the port.")
    chosen = ArticlePageFactory(
        parent=section, standfirst="A standfirst.", search_description="Chosen for searches."
    )

    def descriptions(url):
        html = client.get(url).content.decode()
        return re.findall(r'<meta (?:name|property)="(?:og:)?description" content="([^"]*)"', html)

    assert descriptions(section.url) == ["Long reads on labour rights."] * 2
    assert descriptions(article.url) == ["Dockers stopped the port."] * 2
    assert descriptions(chosen.url) == ["Chosen for searches."] * 2
    assert (
        descriptions("/")
        == ["Appeals, analysis and news from an independent, campaigning newsroom."] * 2
    )
