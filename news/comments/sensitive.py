"""What in a comment could expose someone at risk: phone numbers, email and street addresses.

On pages in sensitive mode (appeals, by default) a comment carrying any of these waits for a
moderator whoever sent it. The patterns lean towards holding too much: a held comment costs a
moderator a glance, a published address can cost someone their safety.
"""

import re

# Seven or more digits in a row, allowing the separators people type: +7 (727) 271-65-79.
PHONE = re.compile(r"(?<![\w.])\+?\(?\d(?:[\s().-]{0,3}\d){6,}(?![\w.])")
# Year ranges (1990-2010), dates (28.04.2010) and thousands (1 000 000) are not phone numbers.
NOT_PHONE = re.compile(
    r"^(?:\d{4}\s*[-–]\s*\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,3}(?:[ .]\d{3})+)$"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "at" and "dot" spelled out, as people do to dodge address harvesters.
OBFUSCATED_EMAIL = re.compile(
    r"\b[\w.+-]+\s*[\[(]?\s*(?:at|@)\s*[\])]?\s*[\w-]+\s*[\[(]?\s*dot\s*[\])]?\s*[a-z]{2,}\b",
    re.IGNORECASE,
)
STREET_WORDS = (
    r"street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|drive|square|sq|terrace|crescent|"
    r"highway|prospekt|prospect|ulitsa|ul|strasse|straße|str|rue|calle|avenida|rua|via|ulica|utca"
)
STREET_ADDRESS = re.compile(
    # 12 Baker Street, 221B Baker St, Wallnerstrasse 6, ul. Abaya 44, rue de Rivoli 5
    rf"\b\d{{1,5}}[a-z]?,?\s+(?:[A-Za-zÀ-ÿА-Яа-яЁё'-]+\s+){{1,3}}(?:{STREET_WORDS})\b"
    rf"|\b[A-Za-zÀ-ÿ-]+(?:strasse|straße|gasse|weg|platz)\s+\d{{1,5}}\b"
    rf"|\b(?:{STREET_WORDS})\.?\s+(?:[A-Za-zÀ-ÿА-Яа-яЁё'-]+\s+){{1,3}}\d{{1,5}}\b",
    re.IGNORECASE,
)
# Postcodes are written in capitals: UK (SW1A 1AA), and US ZIP codes after a state (NY 10001).
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")


def exposures(text):
    """The kinds of personal detail found in `text`, e.g. ["phone number", "street address"]."""
    found = []
    phones = [match.group().strip() for match in PHONE.finditer(text)]
    if any(not NOT_PHONE.match(phone) for phone in phones):
        found.append("phone number")
    if EMAIL.search(text) or OBFUSCATED_EMAIL.search(text):
        found.append("email address")
    if STREET_ADDRESS.search(text) or POSTCODE.search(text):
        found.append("street address")
    return found
