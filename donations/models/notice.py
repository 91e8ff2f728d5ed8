from django.db import IntegrityError, models, transaction


class NoticeKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    PAYMENT_FAILED = "payment_failed", "Payment failed: fix your card"
    DISPUTE = "dispute", "Dispute (to staff)"
    PAUSED = "paused", "Giving paused (to staff)"


class Notice(models.Model):
    """An email sent about the ledger, once per kind and key (a receipt per gift, say).

    Tasks may run twice (a retry, two workers); the unique row makes the second a no-op.
    """

    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    key = models.CharField(max_length=255)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="notice_once")]

    def __str__(self):
        return f"{self.kind} {self.key}"

    @classmethod
    def send_once(cls, kind, key, send):
        """Call `send()` unless this notice went out already; True if it was sent now.

        The row is written in the same transaction as the sending: if sending fails, the row
        goes too and a retry sends it; a concurrent run waits on the row and then skips.
        """
        try:
            with transaction.atomic():
                cls.objects.create(kind=kind, key=str(key))
                send()
        except IntegrityError:
            return False
        return True
