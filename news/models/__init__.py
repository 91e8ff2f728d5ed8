from .blocklist import BlockedTerm, BlockKind
from .comment_settings import CommentSettings, NotifyMode
from .comments import Comment, CommentStatus
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
    "BlockKind",
    "BlockedTerm",
    "Comment",
    "CommentSettings",
    "CommentStatus",
    "HomePage",
    "NotifyMode",
    "Picture",
    "Region",
    "RelatedArticle",
    "Rendition",
    "SectionPage",
    "StandardPage",
    "Topic",
    "WordPressImportRecord",
]
