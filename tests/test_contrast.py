"""Colour contrast of the site's stylesheet, computed from its colours (WCAG 2.2 AA).

Every pair of text colour and the surface it sits on is listed below and checked: 4.5:1 for
text, 3:1 for the edges of form fields and for focus rings. A colour added to portal.css
without being listed here fails the last test, so nobody ships an unchecked pair.
"""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "portal.css"
TEXT = 4.5
NON_TEXT = 3.0

# Text colour -> the surfaces it is used on (variable names, or literal colours).
TEXT_ON = {
    "ink": ["paper", "wash", "#fff2a8"],  # body text; footer, calls to action, search marks
    "muted": ["paper", "wash"],  # bylines, captions, counts; the footer line
    "link": ["paper", "wash"],  # links in text; footer, calls to action, appeal updates
    "paper": ["ink"],  # buttons, skip link
    "accent-ink": ["accent", "ongoing", "resolved"],  # urgent banner, status labels
    "accent": ["paper", "wash"],  # form errors, the appeal box heading
    "ongoing": ["paper", "wash"],  # "awaiting moderation"
    "resolved": ["paper", "wash"],  # protests counted, copied addresses
}
# Edges that show where a control is, against the page behind it.
NON_TEXT_ON = {"muted": ["paper"]}  # form field borders
# Focus: the ink outline or the amber ring around it must stand out on every surface.
FOCUS_RING = ("ink", "focus")
FOCUS_SURFACES = ["paper", "wash", "accent", "ink"]
# Colours that only decorate (rules and borders beside text that carries the meaning).
DECORATIVE = {"rule", "accent", "ink", "ongoing", "resolved", "muted"}


def css_text():
    return re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)


def variables():
    root = re.search(r":root\s*{(.*?)}", css_text(), re.S).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", root))


def colour(name):
    return name if name.startswith("#") else variables()[name]


def luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    light, dark = sorted((luminance(colour(a)), luminance(colour(b))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_matches_wcags_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(
    ("text", "surface"), [(text, surface) for text, ons in TEXT_ON.items() for surface in ons]
)
def test_text_is_readable_on_every_surface_it_sits_on(text, surface):
    ratio = contrast(text, surface)
    assert ratio >= TEXT, f"{text} on {surface}: {ratio:.2f}:1, needs {TEXT}:1"


@pytest.mark.parametrize(
    ("edge", "surface"), [(edge, surface) for edge, ons in NON_TEXT_ON.items() for surface in ons]
)
def test_control_edges_stand_out(edge, surface):
    assert contrast(edge, surface) >= NON_TEXT


@pytest.mark.parametrize("surface", FOCUS_SURFACES)
def test_the_focus_ring_shows_on_every_surface(surface):
    best = max(contrast(part, surface) for part in FOCUS_RING)
    assert best >= NON_TEXT, f"focus ring on {surface}: {best:.2f}:1"


def declared(properties):
    """Every colour the stylesheet gives these properties, as variable names or literals."""
    body = re.sub(r":root\s*{.*?}", "", css_text(), flags=re.S)
    found = set()
    pattern = rf"(?<![\w-])(?:{'|'.join(properties)})\s*:\s*([^;}}]+)"
    for value in re.findall(pattern, body):
        found |= set(re.findall(r"var\(--([\w-]+)\)", value))
        found |= {c.lower() for c in re.findall(r"#[0-9a-fA-F]{3,6}\b", value)}
    return found


def test_every_colour_in_the_stylesheet_is_checked():
    surfaces = {surface for ons in TEXT_ON.values() for surface in ons} | set(FOCUS_SURFACES)
    assert declared(["color"]) <= set(TEXT_ON), "a text colour is missing from TEXT_ON"
    assert declared(["background", "background-color"]) <= surfaces, (
        "a background is missing from TEXT_ON's surfaces"
    )
    borders = declared(["border", "border-top", "border-bottom", "border-left", "outline"])
    assert borders <= set(NON_TEXT_ON) | DECORATIVE | {FOCUS_RING[0]}
    assert declared(["box-shadow"]) <= {FOCUS_RING[1]}
    assert set(variables()) >= {"ink", "muted", "paper", "wash", "link", "accent", "focus"}
