from news.protest.models import AppealTarget, ProtestTally

from .appeals import AppealOutcome, AppealPage, AppealStatus
from .articles import ArticlePage, ArticlePageAuthor, RelatedArticle, SectionPage
from .blocklist import BlockedTerm, BlockKind
from .comment_settings import CommentSettings, NotifyMode
from .comments import Comment, CommentStatus
from .home import HomePage
from .images import Picture, Rendition
from .standard import StandardPage
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
