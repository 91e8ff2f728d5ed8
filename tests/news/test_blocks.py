"""Body blocks refuse what would break the page: links to nowhere, headings that skip a level."""

import pytest
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError

from news.blocks import ArticleBodyBlock, CallToActionBlock


def body(*blocks):
    return ArticleBodyBlock().to_python([{"type": kind, "value": value} for kind, value in blocks])


def heading(level):
    return ("heading", {"text": f"A {level}", "level": level})


def test_a_call_to_action_needs_a_page_or_an_address():
    block = CallToActionBlock()
    with pytest.raises(StructBlockValidationError) as raised:
        block.clean(block.to_python({"heading": "Act now", "button_label": "Write"}))
    assert raised.value.block_errors["page"].messages == ["Choose a page or give a web address."]
    value = block.to_python(
        {"heading": "Act now", "button_label": "Write", "link_url": "https://example.org/"}
    )
    assert block.clean(value)["link_url"] == "https://example.org/"


def test_a_sub_heading_needs_a_section_heading_above_it():
    with pytest.raises(StreamBlockValidationError) as raised:
        ArticleBodyBlock().clean(body(("paragraph", "<p>Intro</p>"), heading("h3"), heading("h2")))
    assert list(raised.value.block_errors) == [1]
    assert "needs a section heading above it" in str(
        raised.value.block_errors[1].block_errors["level"]
    )


def test_headings_in_outline_order_are_accepted():
    value = body(heading("h2"), heading("h3"), heading("h3"), heading("h2"))
    assert len(ArticleBodyBlock().clean(value)) == 4
