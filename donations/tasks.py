"""Slow work outside requests and webhooks: email. Each task takes ids and may run twice."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import Donation, Donor, Notice, NoticeKind, RecurringDonation

logger = logging.getLogger("donations.tasks")

FINANCE_GROUP = "Finance"


def send_email(to, template, context):
    """Send templates/donations/emails/<template>.txt with its .html twin."""
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "link_days": settings.DONATIONS_MANAGE_LINK_DAYS,
        **context,
    }
    subject = render_to_string(f"donations/emails/{template}_subject.txt", context).strip()
    text = render_to_string(f"donations/emails/{template}.txt", context)
    html = render_to_string(f"donations/emails/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


def staff_addresses():
    """DONATIONS_ALERT_EMAILS, or else the Finance group's and superusers' addresses."""
    if settings.DONATIONS_ALERT_EMAILS:
        return list(settings.DONATIONS_ALERT_EMAILS)
    users = get_user_model().objects.filter(
        Q(groups__name=FINANCE_GROUP) | Q(is_superuser=True), is_active=True
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


@task()
def send_receipt(donation_id):
    """The receipt for one payment: a one-off gift or an instalment of a pledge."""
    donation = Donation.objects.select_related("donor", "recurring").filter(pk=donation_id).first()
    if donation is None or donation.succeeded_at is None:
        return False
    context = {
        "donation": donation,
        "donor": donation.donor,
        "pledge": donation.recurring,
        "manage_url": donation.donor.manage_url(),
    }
    return Notice.send_once(
        NoticeKind.RECEIPT,
        donation.pk,
        lambda: send_email([donation.donor.email], "receipt", context),
    )


@task()
def send_payment_failed_notice(recurring_id, invoice_ref):
    """Tell a patron their instalment failed, with the link to fix their card."""
    pledge = RecurringDonation.objects.select_related("donor").filter(pk=recurring_id).first()
    if pledge is None:
        return False
    context = {"pledge": pledge, "donor": pledge.donor, "manage_url": pledge.donor.manage_url()}
    return Notice.send_once(
        NoticeKind.PAYMENT_FAILED,
        f"{recurring_id}:{invoice_ref}",
        lambda: send_email([pledge.donor.email], "payment_failed", context),
    )


@task()
def notify_staff_of_dispute(donation_id, dispute_ref, stage):
    donation = Donation.objects.filter(pk=donation_id).first()
    recipients = staff_addresses()
    if donation is None or not recipients:
        return False
    context = {
        "donation": donation,
        "stage": stage,
        "dispute_ref": dispute_ref,
        "admin_url": settings.WAGTAILADMIN_BASE_URL
        + reverse("donation:inspect", args=[donation.pk]),
    }
    return Notice.send_once(
        NoticeKind.DISPUTE,
        f"{dispute_ref}:{stage}",
        lambda: send_email(recipients, "dispute", context),
    )


@task()
def alert_operator_of_pause(failures, paused_at):
    recipients = staff_addresses()
    if not recipients:
        logger.error("Giving paused after %s failed payments; no one to tell", failures)
        return False
    context = {
        "failures": failures,
        "window_minutes": settings.DONATIONS_FAILURE_WINDOW // 60,
        "pause_minutes": settings.DONATIONS_PAUSE_SECONDS // 60,
    }
    return Notice.send_once(
        NoticeKind.PAUSED, paused_at, lambda: send_email(recipients, "paused", context)
    )


@task()
def send_manage_link(donor_id):
    """A fresh "manage your giving" link, asked for from the expired-link page."""
    donor = Donor.objects.filter(pk=donor_id).first()
    if donor is None:
        return False
    send_email([donor.email], "manage_link", {"donor": donor, "manage_url": donor.manage_url()})
    return True
