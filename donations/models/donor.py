from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse

MANAGE_SALT = "donations.manage-giving"


class DonorManager(models.Manager):
    def for_email(self, email, name=""):
        """The donor with this address (any case), made on their first gift; name kept fresh."""
        donor, created = self.get_or_create(email=email.strip().lower(), defaults={"name": name})
        if name and not created and donor.name != name:
            donor.name = name
            donor.save(update_fields=["name"])
        return donor


class Donor(models.Model):
    """A person who gives. They have no account: a signed link in each receipt lets them in."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DonorManager()

    class Meta:
        ordering = ["email"]
        permissions = [
            ("view_donor_details", "Can see donors' names, addresses and messages"),
        ]

    def __str__(self):
        return self.name or self.email

    def manage_token(self):
        """An unguessable token for the "manage your giving" page; it expires (see settings)."""
        return signing.TimestampSigner(salt=MANAGE_SALT).sign(str(self.pk))

    def manage_url(self):
        path = reverse("donations:manage", args=[self.manage_token()])
        return f"{settings.BASE_URL}{path}"

    @classmethod
    def from_manage_token(cls, token):
        """The donor a token names, or None if it is forged, mangled or too old."""
        max_age = settings.DONATIONS_MANAGE_LINK_MAX_AGE
        try:
            pk = signing.TimestampSigner(salt=MANAGE_SALT).unsign(token, max_age=max_age)
        except signing.BadSignature:
            return None
        return cls.objects.filter(pk=pk).first()
