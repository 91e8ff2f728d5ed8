from .blocklist import BlockedTerm, BlockKind
from .comment_settings import CommentSettings, NotifyMode
from .comments import Comment, CommentStatus
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
    StandardPage,
)
from .targets import AppealTarget, ProtestTally
from .taxonomy import ArticleTag, Author, Region, Topic
from .wordpress import WordPressImportRecord

__all__ = [
    "AppealOutcome",
    "AppealPage",
    "AppealStatus",
    "AppealTarget",
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
    "ProtestTally",
    "Region",
    "RelatedArticle",
    "Rendition",
    "SectionPage",
    "StandardPage",
    "Topic",
    "WordPressImportRecord",
]
