"""Where the comment form posts: /comments/post/."""

import logging

from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site

from news.comments import thread
from news.comments.forms import CommentForm
from news.comments.guards import (
    RATE_WINDOW,
    StaleForm,
    seconds_since_served,
)
from news.comments.screening import screen
from news.comments.tasks import notify_moderators
from news.models import Comment, CommentSettings, CommentStatus, NotifyMode
from news.models.commentable import Commentable
from portal import pagetree
from portal.abuse import client_ip, over_limit, same_origin

logger = logging.getLogger(__name__)

FOREIGN_ORIGIN = (
    "This comment was refused because it did not come from this website's own article page. "
    "If you wrote it here, go back, copy your text, reload the article and send it again."
)
CLOSED = "Comments on this article are closed, so your comment was not sent."
STALE = {
    "too old": "The page had been open for more than a day, so your comment was not sent. "
    "It is still below: please send it again.",
    "could not be checked": "Your comment could not be sent from this copy of the page. "
    "It is still below: please send it again.",
}
BAD_PARENT = (
    "The comment you replied to is not available any more, so yours was not sent. "
    "It is still below: send it again as a comment of its own."
)
NO_REPLIES = "Replies are switched off here, so yours was not sent. Send it again as a comment."
TOO_MANY = (
    "You have sent several comments in a short time, so this one was not sent. "
    "It is still below: please wait a while and send it again."
)
FORM_ERRORS = "Your comment was not sent yet. Please check the form below."


def private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def article_response(request, page, form, message, status):
    """The article again, with the reader's form as they sent it and what went wrong."""
    request.is_preview = False
    context = page.get_context(request, comment_form=form, comment_message=message)
    return private(TemplateResponse(request, page.get_template(request), context, status=status))


def find_page(page_id):
    """The live, public page a comment is for (an article, an appeal, a standard page), or
    None: an unpublished or private page looks the same as one that never was."""
    if not str(page_id or "").isdigit():
        return None
    page = Page.objects.live().filter(pk=int(page_id)).specific().first()
    if not isinstance(page, Commentable):
        return None
    if any(page.path.startswith(path) for path in pagetree.restricted_paths()):
        return None
    return page


def find_parent(page, parent_id):
    return Comment.objects.approved().filter(page=page, pk=parent_id).first()


@csrf_exempt  # the form is on pages cached whole for every reader: see news/comments/guards.py
@require_POST
def post_comment(request):
    if not same_origin(request):
        return HttpResponse(FOREIGN_ORIGIN, status=403, content_type="text/plain; charset=utf-8")
    form = CommentForm(request.POST)
    page = find_page(request.POST.get("page"))
    if page is None:
        return private(render(request, "news/comment_not_sent.html", {"form": form}, status=404))
    settings = CommentSettings.for_site_cached(Site.find_for_request(request))
    if not page.accepts_comments(settings):
        return article_response(request, page, form, CLOSED, 403)
    if not form.is_valid():
        return article_response(request, page, form, FORM_ERRORS, 400)
    try:
        seconds_taken = seconds_since_served(request.POST.get("token", ""), page.pk)
    except StaleForm as problem:
        return article_response(request, page, form, STALE[str(problem)], 400)
    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = find_parent(page, data["parent"]) if settings.reply_depth > 1 else None
        if parent is None:
            # The form comes back as a new comment, so that sending it again can work.
            as_new = CommentForm({**request.POST.dict(), "parent": ""})
            message = BAD_PARENT if settings.reply_depth > 1 else NO_REPLIES
            return article_response(request, page, as_new, message, 400)
    ip_address = client_ip(request)
    if over_limit("comments-ip", ip_address, settings.ip_hourly_limit, RATE_WINDOW) or over_limit(
        "comments-email", data["email"], settings.email_hourly_limit, RATE_WINDOW
    ):
        return article_response(request, page, form, TOO_MANY, 429)

    comment = Comment(
        page=page,
        parent=parent,
        name=data["name"],
        email=data["email"],
        url=data["url"],
        body=data["body"],
        ip_address=ip_address,
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    screen(
        comment,
        settings=settings,
        honeypot=bool(data["subject"]),
        seconds_taken=seconds_taken,
        referrer=request.headers.get("Referer", ""),
    )
    with transaction.atomic():
        comment.save()
        if comment.status == CommentStatus.PENDING and settings.notify == NotifyMode.AT_ONCE:
            transaction.on_commit(lambda: notify_moderators.enqueue([comment.pk]))
    logger.info("Comment %s on page %s: %s", comment.pk, page.pk, comment.status)

    response = HttpResponseRedirect(
        f"{page.url}?{thread.OWN_PARAM}={thread.OWN_VALUE}#comment-{comment.pk}"
    )
    response.status_code = 303  # See Other: the browser fetches the article with GET
    thread.remember_own(response, request, comment.pk)
    return private(response)
