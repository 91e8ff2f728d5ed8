"""Akismet's verdict on a comment, when AKISMET_API_KEY is set.

One plain HTTPS POST (https://akismet.com/developers/detailed-docs/comment-check/). Whatever
goes wrong, the answer is UNKNOWN and the comment waits for a moderator: a network failure
must neither publish a comment nor bin it.
"""

import enum
import logging

import requests
from django.conf import settings

logger = logging.getLogger(__name__)
TIMEOUT = 5


class Verdict(enum.Enum):
    HAM = "ham"
    SPAM = "spam"
    UNKNOWN = "unknown"


def is_enabled():
    return bool(settings.AKISMET_API_KEY)


def check(*, permalink, ip_address, user_agent, referrer, name, email, url, body):
    key = settings.AKISMET_API_KEY
    data = {
        "blog": settings.BASE_URL + "/",
        "user_ip": ip_address or "",
        "user_agent": user_agent,
        "referrer": referrer,
        "permalink": permalink,
        "comment_type": "comment",
        "comment_author": name,
        "comment_author_email": email,
        "comment_author_url": url,
        "comment_content": body,
        "blog_charset": "UTF-8",
    }
    try:
        response = requests.post(
            f"https://{key}.rest.akismet.com/1.1/comment-check", data=data, timeout=TIMEOUT
        )
    except requests.RequestException as error:
        logger.warning("Akismet could not be reached: %s", error.__class__.__name__)
        return Verdict.UNKNOWN
    answer = response.text.strip()
    if response.status_code == 200 and answer == "true":
        return Verdict.SPAM
    if response.status_code == 200 and answer == "false":
        return Verdict.HAM
    logger.warning(
        "Akismet gave no verdict (HTTP %s): %s",
        response.status_code,
        response.headers.get("X-akismet-debug-help", answer[:100]),
    )
    return Verdict.UNKNOWN
