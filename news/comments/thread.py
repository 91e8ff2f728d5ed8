"""The discussion under an article: approved comments as a thread, the form, and the reader's
own comments awaiting moderation.

What every reader sees is the same, so the page stays cacheable whole. A reader's own pending
comments are shown only on the response to their post (`?comment=sent`, private, never cached),
from a signed cookie that lists their ids.
"""

from dataclasses import dataclass, field

from django.conf import settings as project_settings
from django.core import signing
from django.core.cache import cache
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from news.comments.forms import CommentForm
from news.comments.guards import form_token
from news.comments.text import without_controls
from news.models.comment_settings import CommentSettings
from news.models.comments import Comment, CommentStatus, comments_changed
from portal import pagecache, purges

THREAD_TIMEOUT = 24 * 60 * 60
OWN_PARAM, OWN_VALUE = "comment", "sent"
OWN_COOKIE = "portal_comments"
OWN_COOKIE_SALT = "news.comments.own"
OWN_COOKIE_AGE = 7 * 24 * 60 * 60
OWN_LIMIT = 20
FIELDS_TEMPLATE = "components/comment_form_fields.html"
# The blank form's fields, rendered by the first article view of this process.
BLANK_FIELDS_HTML = []
# What a thread needs of each comment; a comment's page is never read from it.
THREAD_FIELDS = ("id", "page_id", "parent_id", "name", "url", "body", "created_at", "erased_at")


def thread_key(page_id):
    return f"comments:thread:{page_id}"


def thread_html_key(page_id):
    return f"comments:thread-html:{page_id}"


@receiver(comments_changed)
def forget_threads(sender, page_ids, **kwargs):
    cache.delete_many(
        [key for page_id in page_ids for key in (thread_key(page_id), thread_html_key(page_id))]
    )
    # The page shows the thread, and every listing with the page's card shows its count.
    pagecache.purge(*(f"page:{page_id}" for page_id in page_ids))
    purges.purge_front_cache_pages(Page.objects.live().filter(pk__in=page_ids))


def approved_comments(page_id):
    """A page's approved comments, oldest first: one query, then the shared cache until a
    comment on the page changes."""
    key = thread_key(page_id)
    comments = cache.get(key)
    if comments is None:
        comments = list(
            Comment.objects.approved()
            .filter(page_id=page_id)
            .order_by("created_at", "pk")
            .only(*THREAD_FIELDS)
        )
        cache.set(key, comments, THREAD_TIMEOUT)
    return comments


def shows_own_comments(request):
    """Whether this response may show the reader's own pending comments, and so is private."""
    return request.method == "POST" or request.GET.get(OWN_PARAM) == OWN_VALUE


def own_comment_ids(request):
    try:
        value = request.get_signed_cookie(OWN_COOKIE, salt=OWN_COOKIE_SALT, max_age=OWN_COOKIE_AGE)
    except (KeyError, signing.BadSignature):
        return []
    return [int(part) for part in value.split(",") if part.isdigit()]


def remember_own(response, request, comment_id):
    ids = [pk for pk in own_comment_ids(request) if pk != comment_id] + [comment_id]
    response.set_signed_cookie(
        OWN_COOKIE,
        ",".join(str(pk) for pk in ids[-OWN_LIMIT:]),
        salt=OWN_COOKIE_SALT,
        max_age=OWN_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


@dataclass
class Node:
    comment: Comment
    depth: int
    parent: "Node | None" = None
    replies: list = field(default_factory=list)
    own: bool = False
    can_reply: bool = False


def build(comments, max_depth, own_ids=()):
    """Comments (oldest first) as a list of top-level nodes with their replies.

    A reply deeper than `max_depth` hangs from its deepest allowed ancestor; a reply whose
    parent is not shown stands on its own.
    """
    nodes, roots = {}, []
    for comment in comments:
        parent = nodes.get(comment.parent_id)
        while parent is not None and parent.depth >= max_depth:
            parent = parent.parent
        node = Node(
            comment,
            depth=parent.depth + 1 if parent else 1,
            parent=parent,
            own=comment.pk in own_ids,
        )
        (parent.replies if parent else roots).append(node)
        nodes[comment.pk] = node
    return roots, nodes


class CommentThread:
    """Everything the comments section of an article shows; built once per page view."""

    def __init__(self, page, request, *, form=None, message=""):
        self.page = page
        self.settings = CommentSettings.for_site_cached(Site.find_for_request(request))
        self.open = page.accepts_comments(self.settings)
        self.message = message
        approved = approved_comments(page.pk)
        self.count = len(approved)
        self.own = own = self.own_pending(request) if shows_own_comments(request) else []
        comments = sorted([*approved, *own], key=lambda c: (c.created_at, c.pk))
        self.roots, nodes = build(comments, self.settings.reply_depth, {c.pk for c in own})
        for node in nodes.values():
            node.can_reply = self.open and not node.own and node.depth < self.settings.reply_depth
        self.reply_to = self.replying_to(request, form, nodes)
        if form is None:
            form = CommentForm(
                initial={"parent": self.reply_to.comment.pk if self.reply_to else None}
            )
        self.form = form
        self.token = form_token(page.pk)

    def list_html(self):
        """The thread as HTML. Without the reader's own comments it is the same for everyone, so
        it is rendered once and kept until a comment on the page changes: templating a long
        discussion costs more than the rest of the article."""
        if self.own:
            return render_to_string("components/comment_list.html", {"roots": self.roots})
        # Reply links depend on whether comments are open and how deep replies may go.
        shape = (self.open, self.settings.reply_depth)
        key = thread_html_key(self.page.pk)
        cached = cache.get(key)
        if cached is not None and cached[0] == shape:
            return mark_safe(cached[1])  # noqa: S308 - rendered by the escaping template below
        html = render_to_string("components/comment_list.html", {"roots": self.roots})
        cache.set(key, (shape, str(html)), THREAD_TIMEOUT)
        return html

    @property
    def fields_html(self):
        """The form's fields. A blank form is the same on every article and never changes while
        the code runs, so each process renders it once; a reply or a refused post renders its own,
        and so does development (DEBUG), where the template may be edited while the server runs.
        """
        blank = not (self.form.is_bound or self.form.initial.get("parent"))
        blank = blank and not project_settings.DEBUG
        if blank and BLANK_FIELDS_HTML:
            return BLANK_FIELDS_HTML[0]
        html = render_to_string(FIELDS_TEMPLATE, {"form": self.form})
        if blank:
            BLANK_FIELDS_HTML.append(html)
        return html

    def own_pending(self, request):
        ids = own_comment_ids(request)
        if not ids:
            return []
        return list(
            Comment.objects.filter(
                pk__in=ids,
                page=self.page,
                status__in=[CommentStatus.PENDING, CommentStatus.SPAM],
            ).only(*THREAD_FIELDS)
        )

    @staticmethod
    def replying_to(request, form, nodes):
        wanted = form.data.get("parent") if form is not None else request.GET.get("replyto")
        node = nodes.get(int(wanted)) if str(wanted or "").isdigit() else None
        return node if node is not None and node.can_reply else None

    @property
    def unsent_text(self):
        """The reader's text from a post that could not be taken, to copy and keep."""
        return without_controls(self.form.data.get("body", "")) if self.form.is_bound else ""

    @property
    def retention_days(self):
        return self.settings.ip_retention_days
