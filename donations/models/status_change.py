"""The audit trail of the ledger: every status change of a gift or a pledge, and why."""

import logging

from django.db import models, transaction

logger = logging.getLogger("donations.ledger")


class StatusChange(models.Model):
    donation = models.ForeignKey(
        "donations.Donation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    recurring = models.ForeignKey(
        "donations.RecurringDonation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name="pledge",
    )
    from_status = models.CharField(max_length=30)
    to_status = models.CharField(max_length=30)
    note = models.CharField(max_length=500, blank=True)
    event = models.ForeignKey(
        "donations.PaymentEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_changes",
        help_text="The webhook or test-gateway event that caused the change, if any.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(donation__isnull=False, recurring__isnull=True)
                | models.Q(donation__isnull=True, recurring__isnull=False),
                name="status_change_has_one_subject",
            )
        ]

    def __str__(self):
        change = f"{self.from_status} → {self.to_status}"
        return f"{change} ({self.note})" if self.note else change


class Stateful(models.Model):
    """A ledger row whose `status` moves only forwards, one locked, audited step at a time.

    Subclasses say which steps are allowed (`TRANSITIONS`), which fields may only grow
    (refunded amounts) and which are set once and never replaced (the provider's ids).
    """

    TRANSITIONS: dict = {}
    GROWS_ONLY: tuple = ()
    SET_ONCE: tuple = ()
    audit_field = ""

    class Meta:
        abstract = True

    def advance(self, status, *, note="", event=None, **updates):
        """Move to `status` (or stay) and apply `updates` under a row lock; True if any change.

        A step the table does not allow, such as a succeeded gift going back to pending because
        an old webhook arrived late, is refused: nothing changes and False is returned. Staying
        in the same status while a field changes (a refund growing) is recorded too.
        """
        with transaction.atomic():
            locked = type(self)._base_manager.select_for_update().get(pk=self.pk)
            previous = locked.status
            if status != previous and status not in self.TRANSITIONS.get(previous, ()):
                logger.info(
                    "%s %s: refused %s -> %s (%s)",
                    type(self).__name__,
                    self.pk,
                    previous,
                    status,
                    note,
                )
                self._copy_from(locked)
                return False
            changed = []
            for field, value in updates.items():
                current = getattr(locked, field)
                if field in self.GROWS_ONLY:
                    value = max(value, current)
                if field in self.SET_ONCE and current:
                    continue
                if current != value:
                    setattr(locked, field, value)
                    changed.append(field)
            if status == previous and not changed:
                self._copy_from(locked)
                return False
            locked.status = status
            locked.save(update_fields=[*changed, "status", "updated_at"])
            StatusChange.objects.create(
                **{self.audit_field: locked},
                from_status=previous,
                to_status=status,
                note=note[:500],
                event=event,
            )
            self._copy_from(locked)
        return True

    def _copy_from(self, other):
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(other, field.attname))
