from .images import Picture, Rendition
from .pages import (
    AppealOutcome,
    AppealPage,
    AppealStatus,
    ArticlePage,
    ArticlePageAuthor,
    HomePage,
    RelatedArticle,
    SectionPage,
)
from .targets import AppealTarget, ProtestTally
from .taxonomy import ArticleTag, Author, Region, Topic

__all__ = [
    "AppealOutcome",
    "AppealPage",
    "AppealStatus",
    "AppealTarget",
    "ArticlePage",
    "ArticlePageAuthor",
    "ArticleTag",
    "Author",
    "HomePage",
    "Picture",
    "ProtestTally",
    "Region",
    "RelatedArticle",
    "Rendition",
    "SectionPage",
    "Topic",
]
