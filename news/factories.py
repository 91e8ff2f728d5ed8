"""Factories for news content: the tests build from them and `seed_demo` builds the demo site.

Pages are placed in the tree with `parent=` and published as an editor would publish them.
"""

import io
import random

import factory
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.signals import page_published

from news.models import (
    AppealPage,
    AppealTarget,
    ArticlePage,
    ArticlePageAuthor,
    Author,
    Comment,
    CommentStatus,
    HomePage,
    Picture,
    Region,
    SectionPage,
    StandardPage,
    Topic,
)


def picture_file(name, width=1200, height=800, seed=0):
    """A JPEG drawn in code: bands of colour and a few shapes, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - decoration, not security
    image = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = [tuple(rng.randrange(30, 220) for _ in range(3)) for _ in range(2)]
    for y in range(height):
        mix = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)),
        )
    for _ in range(6):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(40, 240)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse([x - r, y - r, x + r, y + r], outline=colour, width=rng.randrange(4, 18))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ImageFile(buffer, name=name)


class PictureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Picture

    title = factory.Sequence(lambda n: f"Picture {n}")
    credit = factory.Faker("name", locale="en_GB")
    file = factory.LazyAttributeSequence(
        lambda o, n: picture_file(f"{slugify(o.title)}.jpg", seed=n)
    )


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Faker("name")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    role = "Correspondent"
    bio = factory.LazyAttribute(
        lambda o: f"<p>{o.name} reports for us on labour and democratic rights.</p>"
    )


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PageFactory(factory.django.DjangoModelFactory):
    """Adds the page under `parent` (the tree root when omitted), live as if just published."""

    class Meta:
        abstract = True

    title = factory.Faker("sentence", nb_words=6)
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:80])
    live = True
    first_published_at = factory.LazyFunction(timezone.now)
    last_published_at = factory.SelfAttribute("first_published_at")

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        page = model_class(*args, **kwargs)
        parent = parent or Page.get_first_root_node()
        parent.add_child(instance=page)
        return page

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Relations set after creation are written by one save; then tell the site the page is
        # published, as the editor's "Publish" would (search index, cached page tree).
        if create and results and any(results.values()):
            instance.save()
        if create and instance.live:
            page_published.send(sender=type(instance), instance=instance, revision=None)


class HomePageFactory(PageFactory):
    class Meta:
        model = HomePage

    title = "Home"
    slug = "home"


class SectionPageFactory(PageFactory):
    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"Section {n}")
    show_in_menus = True
    intro = factory.Faker("sentence", nb_words=14)


def figure(picture, alt_text="", caption=""):
    """A body "image" block's value, as the editor's image chooser leaves it."""
    picture.contextual_alt_text = alt_text
    picture.decorative = not alt_text
    return ("image", {"image": picture, "caption": caption})


def paragraphs(count):
    fake = factory.Faker._get_faker()
    return [
        ("paragraph", RichText(f"<p>{fake.paragraph(nb_sentences=5)}</p>")) for _ in range(count)
    ]


class StandardPageFactory(PageFactory):
    class Meta:
        model = StandardPage

    body = factory.LazyFunction(lambda: paragraphs(3))


class ArticlePageFactory(PageFactory):
    class Meta:
        model = ArticlePage

    standfirst = factory.Faker("sentence", nb_words=24)
    body = factory.LazyFunction(lambda: paragraphs(4))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        for order, author in enumerate(extracted or []):
            ArticlePageAuthor.objects.create(page=self, author=author, sort_order=order)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics.set(extracted)
        return extracted

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if extracted:
            self.regions.set(extracted)
        return extracted

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tags.add(*extracted)
        return extracted


class AppealTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppealTarget

    name = factory.Faker("name")
    role = "Prosecutor General"


class AppealPageFactory(ArticlePageFactory):
    """An appeal; `targets=[{"name": ...}, ...]` adds its officials in that order."""

    class Meta:
        model = AppealPage

    status = "urgent"

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        for order, fields in enumerate(extracted or []):
            AppealTargetFactory(page=self, sort_order=order, **fields)


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved reader's comment; pass `page=` (and `parent=` for a reply)."""

    class Meta:
        model = Comment

    name = factory.Faker("name")
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{slugify(o.name) or 'reader'}.{n}@example.org"
    )
    body = factory.Faker("paragraph", nb_sentences=3)
    status = CommentStatus.APPROVED
    ip_address = "192.0.2.10"
    user_agent = "Mozilla/5.0 (X11; Linux x86_64)"
