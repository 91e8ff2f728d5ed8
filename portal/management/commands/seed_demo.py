"""Build the demo site: the Kurmanov appeal, sections, authors, articles and the donate page.

Deterministic (a fixed seed) and idempotent: every object is looked up by its slug or title
before it is made, so a second run adds nothing and a half-finished run completes.
"""

import random
from datetime import UTC, datetime, timedelta

import factory.random
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from donations.factories import CampaignFactory, DonatePageFactory, PatronTierFactory, appeal_box
from donations.models import Campaign, DonatePage, PatronTier
from news.comments.sensitive import exposures
from news.factories import (
    AppealPageFactory,
    ArticlePageFactory,
    AuthorFactory,
    CommentFactory,
    HomePageFactory,
    PictureFactory,
    RegionFactory,
    SectionPageFactory,
    TopicFactory,
    paragraphs,
)
from news.models import AppealPage, AppealTarget, ArticlePage, HomePage, Picture, SectionPage

SEED = 2010
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "portal-demo"  # noqa: S105 - the documented login of a local demo site

SECTIONS = [
    ("Appeals", "appeals", "Urgent calls to act: protests, letters and solidarity."),
    ("Analysis", "analysis", "Longer pieces on what is happening and why."),
    ("News", "news", "Reports from workers' and democratic movements."),
]
AUTHORS = [
    ("Mariam Tulegenova", "Central Asia correspondent"),
    ("Daniel Okafor", "Labour editor"),
    ("Inês Carvalho", "Latin America correspondent"),
    ("Tomasz Wróbel", "Europe editor"),
    ("Priya Raman", "South Asia correspondent"),
]
TOPICS = [
    "Labour rights",
    "Press freedom",
    "Housing",
    "Political prisoners",
    "Trade unions",
    "Elections",
    "Environment",
    "Repression",
]
REGIONS = [
    "Kazakhstan",
    "Russia",
    "Nigeria",
    "Brazil",
    "Sri Lanka",
    "Poland",
    "Chile",
    "India",
]
HEADLINES = [
    "{region}: oil workers strike for union recognition",
    "{region}: tenants resist mass evictions",
    "{region}: journalists face new 'extremism' law",
    "{region}: teachers win pay rise after three-week strike",
    "{region}: activists detained before May Day march",
    "{region}: miners occupy pit against closure",
    "{region}: what the election result means for workers",
    "{region}: the roots of the cost-of-living revolt",
    "{region}: dockers refuse to handle arms shipments",
    "{region}: students lead protests over fees",
    "{region}: a new workers' party takes shape",
    "{region}: health workers walk out over unpaid wages",
    "{region}: the crisis behind the currency collapse",
    "{region}: campaigners mark a year since the massacre",
]

KURMANOV_TITLE = (
    "Kazakhstan: Ainur Kurmanov jailed for the 'crime' of reporting opposition social movements"
)
KURMANOV_SLUG = "kazakhstan-ainur-kurmanov-jailed"
KURMANOV_STANDFIRST = (
    "Socialist journalist begins hunger strike after being sentenced for a picket he was "
    "covering. Step up the protests!"
)
KURMANOV_PARAGRAPHS = [
    "Yesterday we reported that Ainur Kurmanov, a journalist and socialist activist in Almaty, "
    "had been arrested and jailed. The Kazakh authorities hand down arbitrary 'justice' and do "
    "not like to publish their decisions, but we now have a clearer account of what happened.",
    "Ainur was not tried again on the charge brought against him in March, as first reported. "
    "He was detained after a picket two days ago outside Temir Bank, held by the opposition "
    "social movement 'Kazakhstan 2012' against the repossession of people's homes. Yesterday a "
    "court convicted him of 'organising a picket' and gave him the maximum sentence: fifteen "
    "days in prison.",
    "Ainur did not organise the picket. He was there as a journalist, reporting it. The court "
    "even cited his dictaphone, the ordinary tool of any reporter, as 'evidence' against him. "
    "He was refused a lawyer, and the lawyer who has defended him before has not been allowed "
    "to visit him in jail.",
    "In protest at his imprisonment Ainur has begun a hunger strike. His supporters and lawyers "
    "are lodging an appeal against the sentence.",
    "Ainur is a journalist, and the regime is stopping him from doing his job: it plainly fears "
    "honest reporting of the social movements that oppose it. We call on journalists' unions "
    "and every progressive organisation to protest against his jailing, and on all our readers "
    "to send protests now to the officials below, to the nearest Kazakh embassy, and to the "
    "Organization for Security and Co-operation in Europe (OSCE), which Kazakhstan currently "
    "chairs.",
]
KURMANOV_DEMAND = (
    "Demand the immediate release of Ainur Kurmanov, the quashing of his sentence, and an end "
    "to the persecution of journalists who report on protests."
)
KURMANOV_TARGETS = [
    {
        "name": "The Almaty Procuror",
        "role": "Prosecutor's Office of the City of Almaty",
        "website": "http://www.prokuroralm.kz",
    },
    {
        "name": "Ahmatjan Esimov",
        "role": "Akim of Almaty, the Akimat of Almaty",
        "emails": "press_center@a-a.kz",
        "phone": "+7 (727) 271 65 79",
    },
    {
        "name": "Kairat Mami",
        "role": "General Prosecutor of the Republic of Kazakhstan",
        "emails": "akparat@prokuror.kz",
        "fax": "+7 717250-25-34",
    },
    {
        "name": "The OSCE Secretariat",
        "role": "Organization for Security and Co-operation in Europe",
        "address": "Wallnerstrasse 6\n1010 Vienna\nAustria",
        "phone": "+43 1 514 36 6000",
        "fax": "+43 1 514 36 6996",
    },
]
KURMANOV_COPIES = ["denver76-76@mail.ru", "admin@socialismkz.info"]
KURMANOV_LETTER_SUBJECT = "Release the journalist {prisoner} now"
KURMANOV_LETTER_BODY = """To {target_name}, {target_role}

I am writing to protest against the jailing of {prisoner}, a journalist in Almaty, who has been \
sentenced to fifteen days in prison for "organising a picket" outside Temir Bank.

{prisoner} did not organise the picket: he was there as a journalist, reporting it. His \
dictaphone, the ordinary tool of any reporter, is not evidence of a crime. He was refused a \
lawyer, and in protest at his imprisonment he has begun a hunger strike.

I call on you to secure the immediate release of {prisoner}, the quashing of his sentence, and \
an end to the persecution of journalists who report on protests.

Yours sincerely,
"""
KURMANOV_PROTEST_KIT = {
    "prisoner": "Ainur Kurmanov",
    "copies_to": "\n".join(KURMANOV_COPIES),
    "letter_subject": KURMANOV_LETTER_SUBJECT,
    "letter_body": KURMANOV_LETTER_BODY,
}

# Readers' comments: (name, body, status, replies to the comment at this index or None).
# The appeal's last two wait for a moderator, one of them flagged by sensitive mode.
KURMANOV_COMMENTS = [
    (
        "Oleg from Karaganda",
        "I sent my protest to the Akimat this morning. Fifteen days for holding a dictaphone!",
        "approved",
        None,
    ),
    (
        "Jane Whitfield",
        "Our branch of the NUJ has written to the embassy in London.\n\n"
        "Solidarity to Ainur and his family.",
        "approved",
        None,
    ),
    (
        "Oleg from Karaganda",
        "Thank you, Jane. Please post a copy of the letter if you can: https://example.org/letters",
        "approved",
        1,
    ),
    ("Marat", "Is there news of his health? Day four of the hunger strike.", "pending", None),
    (
        "A neighbour",
        "His family can be reached on +7 701 555 01 23, they need help.",
        "pending",
        None,
    ),
]
ARTICLE_COMMENTS = [
    (
        "Sam Okoro",
        "The same happened at our depot last year. Recognition is everything.",
        "approved",
    ),
    ("Teresa", "Where can I read the union's statement?", "pending"),
]

CAMPAIGN_NAME = "Defend independent reporting"
CAMPAIGN_GOALS = {"GBP": "5000", "EUR": "5000", "USD": "6000"}
PATRON_TIERS = [
    ("Reader", "Keeps the site online and the archive open to all.", "5"),
    ("Sustainer", "Pays for a day of court and picket reporting each month.", "10"),
    ("Correspondent", "Funds a correspondent's travel to cover the trials.", "25"),
]
DONATE_INTRO = (
    "<p>We take no advertising and no money from governments or parties. Our reporting on "
    "jailed journalists and workers' struggles is paid for by readers. Give once, or become "
    "a patron with a monthly gift.</p>"
)


def kurmanov_body(campaign):
    """The report itself; who to write to is the appeal's protest kit, not body text."""
    body = [("paragraph", RichText(f"<p>{text}</p>")) for text in KURMANOV_PARAGRAPHS]
    body.append(("paragraph", RichText(f"<p>{KURMANOV_DEMAND}</p>")))
    body.append(appeal_box(campaign))
    return body


class Command(BaseCommand):
    help = (
        "Build the demo site (idempotent): sections, authors, the Kurmanov appeal, articles, "
        "the donate page."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, default=36, help="generated articles (default 36)"
        )

    def handle(self, *args, articles, **options):
        if not settings.DEMO_CONTENT_ALLOWED:
            raise CommandError(
                "seed_demo builds a demo site with a known admin password; "
                "it refuses to run with production settings."
            )
        with transaction.atomic():
            created = self.build(articles)
        self.stdout.write(self.style.SUCCESS(f"Demo site ready: {created} new pages."))

    def build(self, articles):
        factory.random.reseed_random(SEED)
        rng = random.Random(SEED)  # noqa: S311 - demo content, not security
        home = self.home_page()
        sections = {slug: self.section(home, title, slug, intro) for title, slug, intro in SECTIONS}
        authors = [AuthorFactory(name=name, role=role) for name, role in AUTHORS]
        topics = [TopicFactory(name=name) for name in TOPICS]
        regions = [RegionFactory(name=name) for name in REGIONS]
        pictures = [self.picture(f"Demo illustration {n + 1}") for n in range(8)]
        campaign = self.campaign()
        created = self.donate_page(home, campaign)
        created += self.kurmanov_appeal(
            sections["appeals"], authors[0], topics, regions, pictures[0], campaign
        )
        for n in range(articles):
            region = regions[n % len(regions)]
            title = HEADLINES[n % len(HEADLINES)].format(region=region.name)
            if n >= len(HEADLINES):
                title += f" ({2009 + n % 16})"
            section = sections["analysis" if n % 3 == 0 else "news"]
            created += self.article(
                section,
                title,
                first_published_at=datetime(
                    rng.randrange(2009, 2026),
                    rng.randrange(1, 13),
                    rng.randrange(1, 28),
                    rng.randrange(6, 20),
                    tzinfo=UTC,
                ),
                authors=rng.sample(authors, rng.choice([1, 1, 2])),
                topics=rng.sample(topics, 2),
                regions=[region],
                tags=rng.sample(["strikes", "solidarity", "courts", "police", "oil", "youth"], 2),
                lead_image=rng.choice(pictures),
            )
        self.comments()
        self.admin_account()
        return created

    def home_page(self):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            welcome = root.get_children().exclude(content_type__model="homepage").first()
            home = HomePageFactory(
                parent=root,
                slug="portal-home",
                tagline="Appeals, analysis and news from the workers' and democratic movements.",
            )
            Site.objects.update_or_create(
                is_default_site=True,
                defaults={
                    "hostname": "localhost",
                    "root_page": home,
                    "site_name": settings.WAGTAIL_SITE_NAME,
                },
            )
            # Wagtail's "Welcome" placeholder page, once nothing points at it.
            if welcome is not None and welcome.specific_class is Page:
                welcome.delete()
                home.slug = "home"
                home.save()
        return home

    def section(self, home, title, slug, intro):
        existing = SectionPage.objects.child_of(home).filter(slug=slug).first()
        return existing or SectionPageFactory(parent=home, title=title, slug=slug, intro=intro)

    def picture(self, title):
        return Picture.objects.filter(title=title).first() or PictureFactory(title=title)

    def campaign(self):
        campaign = Campaign.objects.filter(name=CAMPAIGN_NAME).first()
        if campaign is None:
            campaign = CampaignFactory(
                name=CAMPAIGN_NAME,
                description="Court reporting, travel and legal observers for the trials.",
                starts_at=datetime(2010, 4, 1, tzinfo=UTC),
                goals=CAMPAIGN_GOALS,
            )
        for order, (name, supports, amount) in enumerate(PATRON_TIERS):
            if not PatronTier.objects.filter(name=name).exists():
                PatronTierFactory(
                    name=name,
                    supports=supports,
                    sort_order=order,
                    amounts={"GBP": amount, "EUR": amount, "USD": amount},
                )
        return campaign

    def donate_page(self, home, campaign):
        if DonatePage.objects.filter(slug="donate").exists():
            return 0
        DonatePageFactory(
            parent=home, title="Donate", slug="donate", intro=DONATE_INTRO, campaign=campaign
        )
        return 1

    def kurmanov_appeal(self, section, author, topics, regions, picture, campaign):
        existing = AppealPage.objects.filter(slug=KURMANOV_SLUG).first()
        if existing is not None:
            self.kurmanov_protest_kit(existing, campaign)
            return 0
        by_name = {t.name: t for t in topics + regions}
        AppealPageFactory(
            parent=section,
            title=KURMANOV_TITLE,
            slug=KURMANOV_SLUG,
            standfirst=KURMANOV_STANDFIRST,
            body=kurmanov_body(campaign),
            targets=KURMANOV_TARGETS,
            **KURMANOV_PROTEST_KIT,
            status="urgent",
            first_published_at=datetime(2010, 4, 28, 12, 0, tzinfo=UTC),
            lead_image=picture,
            lead_image_caption="Almaty, where Ainur Kurmanov was arrested after a picket.",
            authors=[author],
            topics=[by_name["Press freedom"], by_name["Political prisoners"]],
            regions=[by_name["Kazakhstan"]],
            tags=["hunger strike", "solidarity"],
        )
        return 1

    def kurmanov_protest_kit(self, appeal, campaign):
        """A demo site seeded before appeals had protest kits: its addresses were body text."""
        if appeal.targets.exists():
            return
        for field, value in KURMANOV_PROTEST_KIT.items():
            setattr(appeal, field, value)
        appeal.body = kurmanov_body(campaign)
        appeal.targets = [
            AppealTarget(sort_order=order, **target)
            for order, target in enumerate(KURMANOV_TARGETS)
        ]
        # Published as a revision, so the editor opens the page with its targets in place.
        appeal.save_revision().publish()

    def article(self, section, title, **fields):
        slug = slugify(title)[:80]
        if ArticlePage.objects.filter(slug=slug).exists():
            return 0
        ArticlePageFactory(parent=section, title=title, slug=slug, body=paragraphs(5), **fields)
        return 1

    def comments(self):
        """A few readers' comments, approved and waiting, on the appeal and a few articles.

        A page that already has comments is left alone, so a second run adds nothing.
        """
        appeal = ArticlePage.objects.filter(slug=KURMANOV_SLUG).first()
        if appeal is not None and not appeal.comments.exists():
            made = []
            for n, (name, body, status, reply_to) in enumerate(KURMANOV_COMMENTS):
                made.append(
                    CommentFactory(
                        page=appeal,
                        parent=made[reply_to] if reply_to is not None else None,
                        name=name,
                        email=f"{slugify(name)}@example.org",
                        body=body,
                        status=status,
                        flags=[f"sensitive: {kind}" for kind in exposures(body)],
                        created_at=appeal.first_published_at + timedelta(hours=3 + 5 * n),
                    )
                )
        articles = ArticlePage.objects.exclude(slug=KURMANOV_SLUG).order_by("slug")[:3]
        for article in articles:
            if article.comments.exists():
                continue
            for n, (name, body, status) in enumerate(ARTICLE_COMMENTS):
                CommentFactory(
                    page=article,
                    name=name,
                    email=f"{slugify(name)}@example.org",
                    body=body,
                    status=status,
                    created_at=article.first_published_at + timedelta(hours=4 + 3 * n),
                )

    def admin_account(self):
        User = get_user_model()
        if not User.objects.filter(username=ADMIN_USERNAME).exists():
            User.objects.create_superuser(ADMIN_USERNAME, "admin@example.org", ADMIN_PASSWORD)
