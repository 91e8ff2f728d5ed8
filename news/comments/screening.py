"""A new comment's first status: spam, pending, or (for a trusted commenter) approved.

Clear spam goes to `spam`; everything else waits in `pending`, so an honest comment never
vanishes without a moderator seeing it. Only a trusted commenter's comment with nothing
against it is published at once, and never one that sensitive mode flags.
"""

from news.comments import akismet
from news.comments.sensitive import exposures
from news.comments.spam import Assessment, assess_text
from news.models import BlockedTerm, Comment, CommentStatus
from news.models.blocklist import blocklist_matches


def assess(comment, *, settings, honeypot, seconds_taken, referrer=""):
    """Score the unsaved `comment` from every signal; it keeps the reasons for moderators."""
    assessment = Assessment()
    if honeypot:
        assessment.add(1.0, "honeypot filled in")
    if seconds_taken < settings.min_fill_seconds:
        assessment.add(1.0, f"too fast: sent {seconds_taken:.0f} s after the page was served")
    assess_text(
        comment.body,
        name=comment.name,
        url=comment.url,
        link_limit=settings.link_limit,
        assessment=assessment,
    )
    matches = blocklist_matches(
        name=comment.name,
        email=comment.email,
        url=comment.url,
        body=comment.body,
        ip_address=comment.ip_address,
        terms=BlockedTerm.objects.all(),
    )
    for reason in matches:
        assessment.add(1.0, reason)
    if akismet.is_enabled() and not assessment.is_spam:
        verdict = akismet.check(
            permalink=comment.page.full_url,
            ip_address=comment.ip_address,
            user_agent=comment.user_agent,
            referrer=referrer,
            name=comment.name,
            email=comment.email,
            url=comment.url,
            body=comment.body,
        )
        if verdict is akismet.Verdict.SPAM:
            assessment.add(1.0, "akismet: spam")
        elif verdict is akismet.Verdict.UNKNOWN:
            assessment.hold("akismet: no answer")
    if comment.page.specific.comments_sensitive:
        for kind in exposures(f"{comment.name}\n{comment.url}\n{comment.body}"):
            assessment.hold(f"sensitive: {kind}")
    return assessment


def first_status(comment, assessment, *, settings):
    if assessment.is_spam:
        return CommentStatus.SPAM
    if (
        settings.trust_returning_commenters
        and not assessment.flags
        and Comment.objects.approved().by_email(comment.email).exists()
    ):
        return CommentStatus.APPROVED
    return CommentStatus.PENDING


def screen(comment, *, settings, honeypot, seconds_taken, referrer=""):
    """Set the unsaved comment's status, spam score and flags."""
    assessment = assess(
        comment,
        settings=settings,
        honeypot=honeypot,
        seconds_taken=seconds_taken,
        referrer=referrer,
    )
    comment.spam_score = assessment.score
    comment.status = first_status(comment, assessment, settings=settings)
    trusted = ["trusted: an earlier comment was approved"]
    comment.flags = assessment.flags + (trusted if comment.status == CommentStatus.APPROVED else [])
    return comment
