"""Words, addresses and networks whose comments go straight to spam."""

import ipaddress
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone

# Web addresses in a comment's text, for matching blocked domains.
URL_HOSTS = re.compile(r"(?:https?://|\bwww\.)([^\s/:?#<>\"']+)", re.IGNORECASE)


class BlockKind(models.TextChoices):
    WORD = "word", "Word or phrase"
    EMAIL = "email", "Email address"
    DOMAIN = "domain", "Domain (of an email address or a link)"
    IP = "ip", "IP address or range"


class BlockedTerm(models.Model):
    kind = models.CharField(max_length=10, choices=BlockKind.choices)
    value = models.CharField(
        max_length=255,
        help_text="A word or phrase; an email address; a domain such as example.com (its "
        "subdomains too); an IP address such as 203.0.113.7 or a range such as 203.0.113.0/24.",
    )
    note = models.CharField(max_length=255, blank=True, help_text="Why it is blocked.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="unique_blocked_term")
        ]
        verbose_name = "blocked term"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        self.value = normalise(self.kind, self.value)


def normalise(kind, value):
    """The stored form of a blocked value; raises ValidationError with a plain message."""
    value = value.strip()
    if not value:
        raise ValidationError({"value": "Enter what to block."})
    if kind == BlockKind.EMAIL:
        value = value.lower()
        validate_email(value)
    elif kind == BlockKind.DOMAIN:
        value = value.lower().removeprefix("@").removeprefix("*.").strip(".")
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", value):
            raise ValidationError({"value": "Enter a domain such as example.com."})
    elif kind == BlockKind.IP:
        try:
            value = str(ipaddress.ip_network(value, strict=False))
        except ValueError as error:
            raise ValidationError(
                {"value": "Enter an IP address such as 203.0.113.7 or a range such as 10.0.0.0/8."}
            ) from error
    else:
        value = " ".join(value.lower().split())
    return value


def domain_matches(host, domain):
    host = host.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def blocklist_matches(*, name, email, url, body, ip_address, terms=None):
    """The reasons a comment matches the blocklist, e.g. ["blocklist: domain example.com"]."""
    terms = BlockedTerm.objects.all() if terms is None else terms
    text = " ".join(f"{name}\n{url}\n{body}".lower().split())
    hosts = [match[1] for match in URL_HOSTS.finditer(f"{url}\n{body}")]
    email_domain = email.rpartition("@")[2].lower()
    address = None
    if ip_address:
        try:
            address = ipaddress.ip_address(ip_address)
        except ValueError:
            address = None
    reasons = []
    for term in terms:
        if term.kind == BlockKind.WORD:
            hit = re.search(rf"(?<!\w){re.escape(term.value)}(?!\w)", text) is not None
        elif term.kind == BlockKind.EMAIL:
            hit = email.lower() == term.value
        elif term.kind == BlockKind.DOMAIN:
            hit = any(domain_matches(host, term.value) for host in [email_domain, *hosts] if host)
        else:
            network = ipaddress.ip_network(term.value, strict=False)
            hit = address is not None and address.version == network.version and address in network
        if hit:
            reasons.append(match_reason(term))
    return reasons


def match_reason(term):
    """A word or domain helps the moderator; an email or IP address would only copy the
    commenter's own details into the flags, which must not outlive their erasure."""
    if term.kind == BlockKind.WORD:
        return f"blocklist: word '{term.value}'"
    if term.kind == BlockKind.DOMAIN:
        return f"blocklist: domain {term.value}"
    return "blocklist: email address" if term.kind == BlockKind.EMAIL else "blocklist: IP address"
