from .images import Picture, Rendition
from .pages import (
    AppealPage,
    AppealStatus,
    ArticlePage,
    ArticlePageAuthor,
    HomePage,
    RelatedArticle,
    SectionPage,
    StandardPage,
)
from .taxonomy import ArticleTag, Author, Region, Topic
from .wordpress import WordPressImportRecord

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
    "StandardPage",
    "Topic",
    "WordPressImportRecord",
]
