"""The officials an appeal asks readers to protest to, and the tally of protests sent to each."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import F
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from news.protest.letters import Letter, describe_placeholders, fill, unknown_placeholders

ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")
PHONE = re.compile(r"\+[0-9][0-9 ()\-]*")
PHONE_DIGITS = range(7, 16)  # E.164: a country code and the number, at most 15 digits


def email_list(text):
    """The addresses in a field that holds one per line (commas and semicolons also separate)."""
    return list(dict.fromkeys(part for part in ADDRESS_SEPARATORS.split(text or "") if part))


def validate_email_list(text):
    wrong = []
    for address in email_list(text):
        try:
            validate_email(address)
        except ValidationError:
            wrong.append(address)
    if wrong:
        raise ValidationError(
            "%(wrong)s %(verb)s not a valid email address. Put one address per line, "
            "like name@example.org.",
            params={
                "wrong": ", ".join(f"“{address}”" for address in wrong),
                "verb": "is" if len(wrong) == 1 else "are",
            },
            code="invalid_email_list",
        )


def validate_international_phone(number):
    digits = re.sub(r"\D", "", number)
    if not PHONE.fullmatch(number.strip()) or len(digits) not in PHONE_DIGITS:
        raise ValidationError(
            "Write “%(number)s” in international format: a + and the country code, then the "
            "number, for example +43 1 514 36 6000. Spaces, brackets and dashes are fine.",
            params={"number": number},
            code="invalid_phone",
        )


def tel_uri(number):
    """`tel:+431514366000`: the plus and the digits, which every phone and dialler understands."""
    return "tel:+" + re.sub(r"\D", "", number) if number else ""


class AppealTarget(Orderable):
    """An official, an embassy or an organisation that readers write to, call or fax."""

    page = ParentalKey("news.AppealPage", on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(max_length=255, help_text="Who receives the letter.")
    role = models.CharField(
        "role and organisation",
        max_length=255,
        blank=True,
        help_text="For example: General Prosecutor of the Republic of Kazakhstan.",
    )
    emails = models.TextField(
        "email addresses",
        blank=True,
        validators=[validate_email_list],
        help_text="One per line. The letter is addressed to all of them.",
    )
    phone = models.CharField(
        max_length=50,
        blank=True,
        validators=[validate_international_phone],
        help_text="International format: +7 727 271 65 79.",
    )
    fax = models.CharField(
        max_length=50,
        blank=True,
        validators=[validate_international_phone],
        help_text="International format: +43 1 514 36 6996.",
    )
    address = models.TextField("postal address", blank=True)
    website = models.URLField(blank=True)
    note = models.TextField(
        blank=True, help_text="Anything readers should know: office hours, a language to use."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        MultiFieldPanel(
            [
                FieldPanel("emails"),
                FieldPanel("phone"),
                FieldPanel("fax"),
                FieldPanel("address"),
                FieldPanel("website"),
            ],
            heading="How to reach them",
        ),
        FieldPanel("note"),
    ]

    def __str__(self):
        return self.name

    @property
    def email_addresses(self):
        return email_list(self.emails)

    @property
    def phone_uri(self):
        return tel_uri(self.phone)

    @property
    def fax_uri(self):
        return tel_uri(self.fax)

    @property
    def protests_sent(self):
        """From the tally fetched with the target; none yet for a target nobody wrote to."""
        tally = getattr(self, "tally", None) if self.pk else None
        return tally.sent if tally else 0


class ProtestTally(models.Model):
    """How many readers said they sent their protest to a target. Nothing about who they are.

    A row of its own rather than a field on the target: publishing a page revision rewrites the
    target from the revision, and would put back the count it had when the editor last saved.
    """

    target = models.OneToOneField(
        AppealTarget, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "protest tallies"

    def __str__(self):
        return f"{self.target}: {self.sent}"

    @classmethod
    def record(cls, target):
        """Count one more protest to the target, safely under concurrent requests; the new count."""
        tallies = cls.objects.filter(target=target)
        if not tallies.update(sent=F("sent") + 1):
            try:
                with transaction.atomic():
                    cls.objects.create(target=target, sent=1)
            except IntegrityError:  # another request created it first
                tallies.update(sent=F("sent") + 1)
        return tallies.values_list("sent", flat=True).get()


class ProtestKit(models.Model):
    """An appeal's part of the protest kit: who it is for, the campaign's addresses that get a
    copy, and the model letter each official (`targets`) receives filled in."""

    prisoner = models.CharField(
        "who the appeal is for",
        max_length=255,
        blank=True,
        help_text="The name the letter's {prisoner} stands for.",
    )
    copies_to = models.TextField(
        "send copies to",
        blank=True,
        validators=[validate_email_list],
        help_text="The campaign's addresses, one per line: every letter copies them in.",
    )
    letter_subject = models.CharField(max_length=255, blank=True)
    letter_body = models.TextField(
        blank=True,
        help_text="Placeholders: " + describe_placeholders() + ". End with a closing such as "
        "“Yours sincerely,”: the reader adds their name.",
    )

    protest_panels = [
        MultiFieldPanel(
            [
                FieldPanel("prisoner"),
                FieldPanel("copies_to"),
                FieldPanel("letter_subject"),
                FieldPanel("letter_body"),
            ],
            heading="Protest letter",
        ),
        InlinePanel("targets", label="Official", heading="Send protests to"),
    ]

    class Meta:
        abstract = True

    def letter_errors(self):
        """What is wrong with the model letter, by field, in words an editor can act on."""
        errors = {}
        for field in ("letter_subject", "letter_body"):
            unknown = unknown_placeholders(getattr(self, field))
            if unknown:
                errors[field] = (
                    "The letter cannot fill in "
                    + ", ".join(f"{{{name}}}" for name in unknown)
                    + ". Use only "
                    + describe_placeholders()
                    + ", and write anything else out in full."
                )
        if bool(self.letter_subject.strip()) != bool(self.letter_body.strip()):
            missing = "letter_body" if self.letter_subject.strip() else "letter_subject"
            errors.setdefault(missing, "A letter needs both a subject and a body.")
        uses_prisoner = "{prisoner}" in self.letter_subject + self.letter_body
        if uses_prisoner and not self.prisoner.strip():
            errors["prisoner"] = "The letter uses {prisoner}: give the name it stands for."
        return errors

    def copy_addresses(self):
        return email_list(self.copies_to)

    @property
    def has_letter(self):
        return bool(self.letter_subject.strip() and self.letter_body.strip())

    def letter_to(self, target):
        values = {
            "target_name": target.name,
            "target_role": target.role,
            "prisoner": self.prisoner,
        }
        return Letter(
            to=target.email_addresses,
            cc=self.copy_addresses(),
            subject=fill(self.letter_subject, values),
            body=fill(self.letter_body, values),
        )

    def protest_targets(self, from_database=True):
        """The targets in order with their tallies, in one query; a preview's come from the form."""
        if not from_database:
            return list(self.targets.all())
        return list(
            AppealTarget.objects.filter(page=self).select_related("tally").order_by("sort_order")
        )
