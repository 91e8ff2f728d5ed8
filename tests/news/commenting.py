"""Helpers for comment tests: a reader's post as a browser sends it."""

import time

from news.comments.guards import form_token

POST_URL = "/comments/post/"
ORIGIN = "http://testserver"


def form_data(page, **changes):
    """What the form on `page` posts, a minute after the page was served."""
    data = {
        "page": page.pk,
        "token": form_token(page.pk, now=time.time() - 60),
        "name": "Aigerim",
        "email": "aigerim@example.org",
        "url": "",
        "body": "Free Ainur Kurmanov now.",
        "parent": "",
        "subject": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post_comment(client, page, headers=None, **changes):
    headers = {"Origin": ORIGIN} if headers is None else headers
    return client.post(POST_URL, form_data(page, **changes), headers=headers)
