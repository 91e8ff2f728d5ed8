from django.db import models
from django.utils import timezone

from .donation import Provider


class EventStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    FAILED = "failed", "Failed"


class PaymentEvent(models.Model):
    """A webhook or IPN as the provider sent it, kept raw, once per provider and event id.

    Stored before anything is applied, so that a repeated delivery is recognised and a failed
    one can be retried from the admin with exactly what the provider said.
    """

    provider = models.CharField(max_length=10, choices=Provider.choices)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100, db_index=True)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=EventStatus.choices, default=EventStatus.RECEIVED, db_index=True
    )
    error = models.TextField(blank=True)
    note = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Signed webhooks are verified before they are stored; a PayPal IPN is stored first and
    # verified by its postback after, so it waits here, unapplied, until then.
    verified_at = models.DateTimeField(
        null=True,
        blank=True,
        default=timezone.now,
        help_text="When the provider vouched for it; never applied before.",
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "webhook event"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payment_event_unique_per_provider"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.event_type} {self.event_id}"
