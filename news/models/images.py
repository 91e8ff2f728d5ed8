from django.db import models
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class Picture(AbstractImage):
    """A picture in the library. The credit travels with the picture wherever it is used."""

    credit = models.CharField(
        max_length=255,
        blank=True,
        help_text="Photographer or source, shown beside the picture: 'Photo: A. Smith / CC BY'.",
    )

    admin_form_fields = Image.admin_form_fields + ("credit",)


class Rendition(AbstractRendition):
    image = models.ForeignKey(Picture, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


# Renditions the templates ask for. Listings prefetch exactly these, so a card costs no query.
CARD_RENDITIONS = ("fill-400x225|format-webp", "fill-800x450|format-webp")
LEAD_RENDITIONS = ("width-640|format-webp", "width-1280|format-webp")
BODY_RENDITIONS = ("width-640|format-webp", "width-1280|format-webp")
PORTRAIT_RENDITIONS = ("fill-160x160|format-webp",)
SOCIAL_RENDITION = "fill-1200x630|format-jpeg"
