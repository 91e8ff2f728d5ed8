"""A comment's plain text as HTML: paragraphs, line breaks and links, and nothing else.

Everything a reader wrote is escaped; only web addresses found in the text become links, and
their `href` is escaped too. No reader's HTML is ever rendered.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from news.comments.spam import LINK

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Sentence punctuation after an address belongs to the sentence, not the address.
TRAILING = ".,;:!?'\"*"
# Characters that cannot be shown as text: C0 and C1 controls, except tab and newline.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINK_REL = "nofollow ugc noopener"


def without_controls(text):
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def split_address(found):
    """(address, rest): trailing punctuation and an unbalanced closing bracket move to rest."""
    address = found.rstrip(TRAILING)
    while address.endswith(")") and address.count(")") > address.count("("):
        address = address[:-1].rstrip(TRAILING)
    return address, found[len(address) :]


def link(address):
    href = address if re.match(r"https?://", address, re.IGNORECASE) else "https://" + address
    return f'<a href="{escape(href)}" rel="{LINK_REL}">{escape(address)}</a>'


def linked_line(line):
    pieces, position = [], 0
    for match in LINK.finditer(line):
        address, rest = split_address(match.group())
        pieces += [escape(line[position : match.start()]), link(address), escape(rest)]
        position = match.end()
    pieces.append(escape(line[position:]))
    return "".join(pieces)


def comment_html(text):
    paragraphs = [part.strip("\n") for part in PARAGRAPH_BREAK.split(without_controls(text))]
    html = "".join(
        "<p>" + "<br>\n".join(linked_line(line) for line in paragraph.split("\n")) + "</p>\n"
        for paragraph in paragraphs
        if paragraph.strip()
    )
    return mark_safe(html)  # noqa: S308 - every piece of reader text above went through escape()
