"""The model letter of an appeal: its placeholders, and the letter each official receives.

Editors write one letter with placeholders; every target gets it filled in with their own name
and role, ready to send from the reader's mail program (a `mailto:` link) or to print and fax.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

PLACEHOLDERS = {
    "target_name": "the official's name",
    "target_role": "their role and organisation",
    "prisoner": "the name of the person the appeal is for",
}
PLACEHOLDER = re.compile(r"\{(\w(?:[\w ]*\w)?|)\}")
# RFC 6068 lets an address keep these as they are; anything else is percent-encoded, "+" too,
# since some mail programs read a raw "+" in a query as a space.
ADDRESS_SAFE = "@!$'()*;:"


def unknown_placeholders(text):
    """The `{names}` in a text that are not placeholders, in order of first use."""
    found = [match[1] for match in PLACEHOLDER.finditer(text)]
    return list(dict.fromkeys(name for name in found if name not in PLACEHOLDERS))


def describe_placeholders():
    return ", ".join(f"{{{name}}} ({meaning})" for name, meaning in PLACEHOLDERS.items())


def fill(text, values):
    """The text with each known placeholder replaced.

    An unknown one is left as it was written: the admin refuses to save one, and a letter with
    a stray `{word}` in it is still a letter. No str.format(), so braces are only ever text.
    """
    return PLACEHOLDER.sub(
        lambda match: values.get(match[1], match[0]) if match[1] in PLACEHOLDERS else match[0],
        text,
    )


def mailto(to, cc=(), subject="", body=""):
    """A `mailto:` URL (RFC 6068): UTF-8 percent-encoded, CRLF line breaks, spaces as %20."""
    url = "mailto:" + ",".join(quote(address, safe=ADDRESS_SAFE) for address in to)
    fields = []
    if cc:
        fields.append("cc=" + ",".join(quote(address, safe=ADDRESS_SAFE) for address in cc))
    if subject:
        fields.append("subject=" + quote(subject, safe=""))
    if body:
        crlf = "\r\n".join(body.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        fields.append("body=" + quote(crlf, safe=""))
    return url + ("?" + "&".join(fields) if fields else "")


@dataclass(frozen=True)
class Letter:
    """One official's copy of the model letter."""

    to: list
    cc: list
    subject: str
    body: str

    @property
    def mailto(self):
        """The link that opens it in the reader's mail program, or "" for a target without email."""
        if not self.to:
            return ""
        return mailto(self.to, self.cc, self.subject, self.body)
