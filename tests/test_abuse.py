"""The shared defences of the forms on cached pages: who is asking, from where, how often."""

import pytest
from django.test import RequestFactory

from portal.abuse import client_ip, over_limit, same_origin

requests = RequestFactory()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy trusted: the header could be anyone's
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # the left entry was forged
        (2, "203.0.113.9, 192.0.2.1", "203.0.113.9"),  # CDN then nginx
        (2, "203.0.113.9", "10.0.0.1"),  # fewer hops than promised: keep the connection's
        (1, "not an address", None),
    ],
)
def test_client_ip_trusts_only_our_own_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = requests.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"Origin": "http://testserver"}, True),
        ({"Origin": "HTTP://TESTSERVER"}, True),
        ({"Origin": "https://evil.example"}, False),
        ({"Origin": "http://testserver.evil.example"}, False),
        ({"Origin": "null"}, False),
        ({"Referer": "http://testserver/analysis/a-story/"}, True),
        ({"Referer": "https://evil.example/testserver/"}, False),
        ({}, False),
    ],
)
def test_same_origin(headers, allowed):
    assert same_origin(requests.post("/comments/post/", headers=headers)) is allowed


def test_over_limit_counts_per_scope_and_window_without_keeping_addresses():
    from django.core.cache import cache

    now = 1_800_000_000
    assert [over_limit("test", "203.0.113.9", 2, 60, now=now) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    assert not over_limit("other", "203.0.113.9", 2, 60, now=now)  # scopes count apart
    assert not over_limit("test", "203.0.113.9", 2, 60, now=now + 60)  # a new window
    assert not over_limit("test", "", 0, 60)  # nothing to count by
    assert not [key for key in cache._cache if "203.0.113.9" in str(key)]
