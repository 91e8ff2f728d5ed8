"""The blocks an article or appeal body is written in.

Each block has its own template in `templates/blocks/`; link logic lives in StructValue classes.
"""

from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from donations.blocks import AppealBoxBlock
from news import bodycache

PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "superscript", "subscript"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=255)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading"), ("h3", "Sub-heading")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=500)

    class Meta:
        icon = "image"
        label = "Image"
        template = "blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class ItemListBlock(blocks.StructBlock):
    numbered = blocks.BooleanBlock(required=False, help_text="Number the items (1, 2, 3...)")
    items = blocks.ListBlock(blocks.CharBlock(max_length=1000), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "List"
        template = "blocks/item_list.html"


class CallToActionValue(blocks.StructValue):
    def url(self):
        page = self.get("page")
        return page.url if page else self.get("link_url")


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=255)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False, help_text="A page on this site, or...")
    link_url = blocks.URLBlock(required=False, label="...a web address")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("link_url"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError("Choose a page or give a web address.")}
            )
        return value

    class Meta:
        icon = "pick"
        label = "Call to action"
        template = "blocks/call_to_action.html"
        value_class = CallToActionValue


class ContactDetailsBlock(blocks.StructBlock):
    """Who to write to, call or fax: an official, an embassy, a campaign office."""

    name = blocks.CharBlock(max_length=255)
    role = blocks.CharBlock(required=False, max_length=255, label="Role and organisation")
    email = blocks.EmailBlock(required=False)
    phone = blocks.CharBlock(required=False, max_length=50)
    fax = blocks.CharBlock(required=False, max_length=50)
    address = blocks.TextBlock(required=False, label="Postal address")
    website = blocks.URLBlock(required=False)
    note = blocks.TextBlock(required=False)

    class Meta:
        icon = "user"
        label = "Contact details"
        template = "blocks/contact_details.html"


class RenderedBlock:
    """A body block already rendered, in its place among the children a StreamBlock renders."""

    def __init__(self, block_type, html):
        self.block_type = block_type
        self.html = mark_safe(html)  # noqa: S308 - rendered by the block's own escaping template

    def render(self, context=None):
        return self.html


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=PARAGRAPH_FEATURES, template="blocks/paragraph.html", icon="pilcrow"
    )
    heading = HeadingBlock()
    image = FigureBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(
        help_text="A video or post address, e.g. https://www.youtube.com/watch?v=...",
        template="blocks/embed.html",
        icon="media",
    )
    list = ItemListBlock()
    call_to_action = CallToActionBlock()
    contact_details = ContactDetailsBlock()
    appeal_box = AppealBoxBlock()

    def render_basic(self, value, context=None):
        """A published page's own body comes from the cache of rendered bodies (news/bodycache.py)
        but for its live blocks; anything else (a preview, a feed) is rendered as usual."""
        page = (context or {}).get("page")
        if not (bodycache.cacheable(page, context) and getattr(page, "body", None) is value):
            return super().render_basic(value, context)
        parts = bodycache.cached_parts(page)
        if parts is None or len(parts) != len(value.raw_data):
            parts = [
                None if child.block_type in bodycache.LIVE_BLOCKS else str(child.render(context))
                for child in value
            ]
            bodycache.store_parts(page, parts)
        children = [
            value[index] if html is None else RenderedBlock(raw["type"], html)
            for index, (raw, html) in enumerate(zip(value.raw_data, parts, strict=True))
        ]
        return super().render_basic(children, context)

    def clean(self, value):
        """Screen-reader users move through an article by heading level, so a sub-heading (h3)
        needs a section heading (h2) above it: the page's outline must not skip a level."""
        value = super().clean(value)
        errors = {}
        section_started = False
        for index, child in enumerate(value):
            if child.block_type != "heading":
                continue
            if child.value["level"] == "h2":
                section_started = True
            elif not section_started:
                errors[index] = blocks.StructBlockValidationError(
                    block_errors={
                        "level": ValidationError(
                            "A sub-heading needs a section heading above it: "
                            "make this one a section heading."
                        )
                    }
                )
        if errors:
            raise blocks.StreamBlockValidationError(block_errors=errors)
        return value


class AppealUpdateBlock(blocks.StructBlock):
    """A dated development in an appeal: a court date, a release, a new address to write to."""

    date = blocks.DateTimeBlock()
    text = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "date"
        label = "Update"
        template = "blocks/appeal_update.html"


class AppealUpdatesBlock(blocks.StreamBlock):
    update = AppealUpdateBlock()
