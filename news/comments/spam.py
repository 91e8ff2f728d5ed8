"""One spam score for a comment, from signals that each add weight and say why.

A score of SPAM_SCORE or more is clear spam; anything less waits for a moderator. The weights
are set so that no single content signal reaches it on its own: it takes a honeypot, the
blocklist, Akismet, a bot's speed, or several self-promotion signals together. Measured on
the UCI YouTube Spam Collection in tests/news/test_spam_measure.py (see README, Comments).
"""

import re
from dataclasses import dataclass, field

SPAM_SCORE = 1.0

# Web addresses as readers write them: with a scheme, or starting www.
LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)

# Self-promotion and money-making: what comment spam asks for, and honest comments rarely do.
# Each group counts once, for its first (most specific) pattern that matches.
PHRASE_GROUPS = [
    [
        (
            0.6,
            "asks to check out their own content",
            r"\bcheck\s*(?:it\s+)?out\s+(?:my|our)\b|\bcheck\s+my\b",
        ),
        (
            0.5,
            "shares a video or playlist",
            r"\b(?:check\s+out|take\s+a\s+look\s+at|watch)\s+this\s+(?:video|playlist|channel)\b",
        ),
        (0.3, "says check it out", r"\bcheck\s*(?:it\s+)?out\b|\bcheckout\b"),
    ],
    [
        (
            0.6,
            "asks for subscribers",
            r"\bsu(?:b|bscribe|scribe)\s*(?:4|for|to)?\s*(?:sub|me|my|us|our)\b|\bsub\s*back\b",
        ),
        (0.3, "mentions subscribing", r"\bsubscri(?:be|bers?|bing|ption)\b"),
    ],
    [
        (
            0.6,
            "promotes their own channel",
            r"\b(?:my|our)\s+(?:new\s+)?(?:youtube\s+|yt\s+)?channel\b",
        )
    ],
    [
        (
            0.5,
            "promotes their own media",
            r"\bmy\s+(?:new\s+|latest\s+|first\s+)?(?:video|vids?|song|music|cover|remix|mixtape|album)s?\b",
        )
    ],
    [
        (
            0.5,
            "money-making offer",
            r"\b(?:earn|make)\s+(?:\$|money|cash|\d)|\bwork(?:ing)?\s+from\s+home\b|\bgift\s*cards?\b|\bfree\s+(?:iphone|money|cash|followers|subscribers|likes|views)\b",
        )
    ],
    [
        (
            0.4,
            "asks readers to follow, like or visit",
            r"\b(?:please|plz|pls)\s+(?:like|share|subscribe|visit|follow|check|watch)\b|\bfollow\s+me\b|\bvisit\s+my\b|\bclick\s+(?:here|this|the\s+link)\b",
        )
    ],
    [
        (
            0.5,
            "shortened link",
            r"\b(?:adf\.ly|bit\.ly|goo\.gl|tinyurl\.com|ow\.ly|is\.gd|shorte\.st)\b",
        )
    ],
    [(0.5, "HTML or forum link markup", r"<a\s[^>]*href|\[url[=\]]")],
]
COMPILED = [
    [(weight, reason, re.compile(pattern, re.IGNORECASE)) for weight, reason, pattern in group]
    for group in PHRASE_GROUPS
]


@dataclass
class Assessment:
    """A comment's spam score, the reasons behind it, and what holds it for a moderator."""

    score: float = 0.0
    reasons: list = field(default_factory=list)
    holds: list = field(default_factory=list)

    def add(self, weight, reason):
        self.score = round(self.score + weight, 2)
        self.reasons.append(reason)

    def hold(self, reason):
        self.holds.append(reason)

    @property
    def is_spam(self):
        return self.score >= SPAM_SCORE

    @property
    def flags(self):
        return self.reasons + self.holds


def links_in(text):
    return LINK.findall(text)


def assess_text(body, *, name="", url="", link_limit=2, assessment=None):
    """Add what the words of a comment say about it: links and self-promotion."""
    assessment = assessment or Assessment()
    links = len(links_in(body))
    if links > link_limit:
        assessment.add(0.5 + 0.25 * (links - link_limit - 1), f"links: {links}")
    elif links:
        assessment.add(0.2, f"links: {links}")
    if links and len(re.sub(r"\W+", "", LINK.sub("", body))) < 20:
        assessment.add(0.5, "little but a link")
    text = f"{name}\n{body}"
    for group in COMPILED:
        for weight, reason, pattern in group:
            if pattern.search(text):
                assessment.add(weight, reason)
                break
    return assessment
