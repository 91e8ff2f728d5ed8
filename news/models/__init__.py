from .images import Picture, Rendition
from .pages import (
    AppealPage,
    AppealStatus,
    ArticlePage,
    ArticlePageAuthor,
    HomePage,
    RelatedArticle,
    SectionPage,
)
from .taxonomy import ArticleTag, Author, Region, Topic

__all__ = [
    "AppealPage",
    "AppealStatus",
    "ArticlePage",
    "ArticlePageAuthor",
    "ArticleTag",
    "Author",
    "HomePage",
    "Picture",
    "Region",
    "RelatedArticle",
    "Rendition",
    "SectionPage",
    "Topic",
]
