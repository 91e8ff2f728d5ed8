"""PayPal IPNs: stored first, verified by postback, checked against the gift, then applied.

Bodies are posted exactly as PayPal posts them (form-encoded in their charset); the postback
goes to a local server answering as PayPal's does.
"""

import itertools
from datetime import timedelta

import pytest
from django.core import mail
from django_tasks import default_task_backend

from donations import ledger
from donations.factories import DonationFactory, RecurringDonationFactory
from donations.models import (
    DonationStatus,
    EventStatus,
    PaymentEvent,
    PledgeStatus,
    StatusChange,
)
from donations.providers import paypal_events, paypal_ipn
from donations.providers.base import EventRefused

from .paypal_fake import (
    RECEIVER,
    encode,
    fixture,
    reversal,
    subscription,
    web_accept,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("paypal_on")]


@pytest.fixture
def gift():
    return DonationFactory(provider="paypal", provider_ref="D1-cafe", amount=2500, currency="GBP")


@pytest.fixture
def pledge_gift():
    pledge = RecurringDonationFactory(provider="paypal", amount=1000, currency="EUR")
    return DonationFactory(
        provider="paypal",
        provider_ref="D2-beef",
        amount=1000,
        currency="EUR",
        frequency="monthly",
        recurring=pledge,
    )


def flagged(event):
    event.refresh_from_db()
    return event.status == EventStatus.FAILED and event.error.startswith("Flagged")


def test_a_completed_gift_is_verified_by_postback_then_succeeds_with_a_receipt(
    ipn, gift, paypal_on
):
    body = encode(web_accept(gift))

    response = ipn(body)

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    # PayPal is asked about exactly what it sent, byte for byte.
    assert paypal_on.postbacks == [b"cmd=_notify-validate&" + body]
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert gift.payment_ref == f"TXN{gift.pk:06d}"
    assert gift.succeeded_at.isoformat() == "2026-03-03T18:15:00+00:00"  # 10:15 PST
    event = PaymentEvent.objects.get()
    assert (event.provider, event.event_type, event.status) == (
        "paypal",
        "web_accept.Completed",
        EventStatus.PROCESSED,
    )
    assert event.body == body.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [gift.donor.email]


@pytest.mark.parametrize(
    "charset, name", [("windows-1252", "Jörg Müller"), ("UTF-8", "Іван Франко")]
)
def test_bodies_decode_in_their_own_charset(ipn, gift, charset, name):
    first, last = name.split()
    fields = web_accept(gift, charset=charset, first_name=first, last_name=last)
    body = encode(fields)

    ipn(body)

    stored = PaymentEvent.objects.get()
    decoded = paypal_events.parse(stored.body)
    assert f"{decoded['first_name']} {decoded['last_name']}" == name
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED


def test_the_fixture_jorg_in_windows_1252_arrives_intact():
    sample = fixture("django-paypal_express_checkout_completed")
    # Its charset field holds nonsense, as in the wild: PayPal's default charset is used.
    body = encode(sample["params"], charset=sample["raw_charset"])
    assert b"J%F6rg" in body
    assert paypal_events.parse(paypal_events.stored_text(body))["first_name"] == "Jörg"


@pytest.mark.parametrize(
    "name",
    [
        "django-paypal_web_accept_completed",
        "offsite_payments_web_accept_completed",
        "ccvpn3_paypal_ipn_subscr_payment",
        "ccvpn3_paypal_ipn_subscr_signup",
    ],
)
def test_real_ipns_for_other_accounts_are_stored_and_flagged_never_applied(ipn, gift, name):
    response = ipn(fixture(name)["raw_body"].encode())

    assert response.status_code == 200
    event = PaymentEvent.objects.get()
    assert flagged(event)
    assert "not to our account" in event.error
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING


def test_a_real_ipn_sent_to_us_for_our_gift_is_applied(ipn, gift):
    params = fixture("django-paypal_web_accept_completed")["params"]
    params.update(
        receiver_email=RECEIVER, custom=f"donation={gift.pk}", mc_gross="25.00", mc_currency="GBP"
    )

    ipn(params)

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert gift.payment_ref == "593976436"


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"receiver_email": "someone@else.example", "business": ""}, "not to our account"),
        ({"mc_gross": "2.50"}, "£2.50 paid"),
        ({"mc_currency": "USD"}, "$25.00 paid"),
        ({"custom": "donation=999999"}, "names no PayPal gift"),
        ({"custom": "xyz123"}, "names no PayPal gift"),
        ({"payment_date": "yesterday at noon"}, "not a PayPal date"),
        ({"mc_currency": "XXX"}, "not a currency we take"),
    ],
)
def test_ipns_that_do_not_fit_the_gift_are_flagged_never_applied(ipn, gift, change, reason):
    response = ipn(web_accept(gift, **change))

    assert response.status_code == 200
    event = PaymentEvent.objects.get()
    assert flagged(event)
    assert reason in event.error
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING
    assert mail.outbox == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\xff\xfe binary \x89PNG\r\n\x1a\n",
        b"hello=world",
        b'{"txn_type": "web_accept", "payment_status": "Completed"}',
        b"txn_type=&payment_status=&txn_id=X1",
        b"<?xml version='1.0'?><txn_type>web_accept</txn_type>",
    ],
)
def test_bodies_that_cannot_be_an_ipn_are_refused_and_not_kept(ipn, gift, paypal_on, body):
    response = ipn(body)

    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()
    assert paypal_on.postbacks == []


@pytest.mark.parametrize(
    "body",
    [
        b"txn_type=web_accept&payment_status=Completed&first_name=J%C3",
        b"txn_type=web_accept&payment_status=Completed&charset=UTF-8&first_name=J%C3",
        b"payment_status=Completed&txn_id=X1&mc_gross=1%",
        b"txn_type=web_accept&payment_status=Completed&first_name=J\xf6rg",
    ],
)
def test_truncated_or_mangled_ipns_are_stored_and_flagged_never_a_500(ipn, gift, body):
    response = ipn(body)

    assert response.status_code == 200
    event = PaymentEvent.objects.get()
    assert flagged(event)
    assert "\x00" not in event.body
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING


def test_a_sandbox_ipn_is_refused_on_the_live_site(ipn, gift, settings):
    settings.PAYPAL_TEST = False
    ipn(web_accept(gift, test_ipn="1"))

    assert "sandbox notification on the live site" in PaymentEvent.objects.get().error


def test_an_ipn_paypal_does_not_vouch_for_is_kept_flagged_and_never_applied(
    ipn, gift, paypal_on, worker_queue, committed
):
    paypal_on.answer = "INVALID"

    assert ipn(web_accept(gift)).status_code == 200
    (first_look,) = worker_queue.results
    worker_queue.clear()
    committed(paypal_ipn.verify_and_apply.call, *first_look.args)

    event = PaymentEvent.objects.get()
    assert event.status == EventStatus.FAILED
    assert event.verified_at is None
    assert "PayPal answered 'INVALID'" in event.error
    assert "resend it from there" in event.error
    # PayPal's word is final: a forged IPN is not put to PayPal again and again.
    assert worker_queue.results == []
    assert len(paypal_on.postbacks) == 1
    # Not even a retry from the admin applies it while it is unverified.
    ledger.process(event.pk)
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING


def test_a_genuine_ipn_answered_invalid_is_applied_once_resent_from_paypal_history(
    ipn, gift, paypal_on
):
    paypal_on.answer = "INVALID"  # checked against the wrong PayPal, say
    fields = web_accept(gift)
    ipn(fields)
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING

    paypal_on.answer = "VERIFIED"
    ipn({**fields, "resend": "true"})

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    assert PaymentEvent.objects.get().status == EventStatus.PROCESSED


def test_an_answer_that_is_no_verdict_is_asked_again_later(
    ipn, gift, paypal_on, worker_queue, committed
):
    paypal_on.answer = "<html>Down for maintenance</html>"
    ipn(web_accept(gift))
    (first_look,) = worker_queue.results
    worker_queue.clear()

    committed(paypal_ipn.verify_and_apply.call, *first_look.args)

    event = PaymentEvent.objects.get()
    assert "PayPal could not be asked" in event.error
    (later_look,) = worker_queue.results
    assert later_look.task.run_after is not None


def test_an_unreachable_postback_keeps_the_ipn_and_a_later_try_applies_it(
    ipn, gift, settings, paypal_on
):
    settings.PAYPAL_IPN_POSTBACK_URL = "http://127.0.0.1:9/cgi-bin/webscr"  # nothing listens

    assert ipn(web_accept(gift)).status_code == 200

    event = PaymentEvent.objects.get()
    assert event.status == EventStatus.FAILED
    assert "PayPal could not be asked" in event.error
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING

    settings.PAYPAL_IPN_POSTBACK_URL = paypal_on.url
    paypal_ipn.verify_and_apply.call(event.pk)

    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED
    event.refresh_from_db()
    assert event.status == EventStatus.PROCESSED
    assert event.verified_at is not None


@pytest.fixture
def worker_queue(settings):
    """A queue that keeps tasks instead of running them, as the database queue does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


def test_unverified_ipns_are_tried_again_later_and_less_often(
    ipn, gift, paypal_on, worker_queue, committed, settings
):
    settings.PAYPAL_IPN_POSTBACK_URL = "http://127.0.0.1:9/cgi-bin/webscr"  # nothing listens
    ipn(web_accept(gift))
    event = PaymentEvent.objects.get()
    assert [r.task.func for r in worker_queue.results] == [paypal_ipn.verify_and_apply.func]

    delays = []
    for _ in range(3):
        worker_queue.clear()
        before = event.received_at
        committed(paypal_ipn.verify_and_apply.call, event.pk)
        (queued,) = worker_queue.results
        delays.append(queued.task.run_after - before)
    assert delays[0] < delays[1] < delays[2]
    assert delays[0] >= timedelta(seconds=50)

    # PayPal reachable at last: applied on the next try.
    settings.PAYPAL_IPN_POSTBACK_URL = paypal_on.url
    committed(paypal_ipn.verify_and_apply.call, event.pk)
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED


def test_the_same_ipn_twice_and_a_resend_are_applied_once(ipn, gift, paypal_on):
    fields = web_accept(gift)
    ipn(fields)
    ipn(fields)
    ipn({**fields, "ipn_track_id": "resent-from-history", "resend": "true"})

    assert PaymentEvent.objects.count() == 1
    assert StatusChange.objects.filter(donation=gift).count() == 1
    assert len(mail.outbox) == 1
    assert len(paypal_on.postbacks) == 1


def test_pending_stays_pending_with_the_reason_for_the_admin(ipn, gift):
    ipn(web_accept(gift, status="Pending", pending_reason="echeck"))

    gift.refresh_from_db()
    assert gift.status == DonationStatus.PENDING
    change = gift.status_changes.get()
    assert "echeck" in str(change)

    ipn(web_accept(gift))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED


@pytest.mark.parametrize("status", ["Denied", "Failed"])
def test_denied_or_failed_payments_fail_the_gift(ipn, gift, status):
    ipn(web_accept(gift, status=status))

    gift.refresh_from_db()
    assert gift.status == DonationStatus.FAILED


def test_refunds_add_up_partially_then_wholly(ipn, gift):
    ipn(web_accept(gift))
    gift.refresh_from_db()

    ipn(reversal(gift, "Refunded", "R1", "-10.00"))
    gift.refresh_from_db()
    assert (gift.status, gift.amount_refunded) == (DonationStatus.PARTIALLY_REFUNDED, 1000)

    ipn(reversal(gift, "Refunded", "R1", "-10.00"))  # the same refund again
    ipn(reversal(gift, "Refunded", "R2", "-15.00"))
    gift.refresh_from_db()
    assert (gift.status, gift.amount_refunded) == (DonationStatus.REFUNDED, 2500)


def test_a_reversal_disputes_the_gift_and_its_cancellation_restores_it(ipn, gift):
    ipn(web_accept(gift))
    gift.refresh_from_db()

    ipn(reversal(gift, "Reversed", "REV1", "-25.00", reason_code="chargeback"))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.DISPUTED

    ipn(reversal(gift, "Canceled_Reversal", "CR1", "25.00"))
    gift.refresh_from_db()
    assert gift.status == DonationStatus.SUCCEEDED


def deliver_in_order(ipn, bodies):
    for body in bodies:
        ipn(body)
    # The worker's later tries: events that came before the one they follow apply now.
    for event in PaymentEvent.objects.filter(status=EventStatus.FAILED):
        paypal_ipn.verify_and_apply.call(event.pk)


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_any_arrival_order_of_a_gift_ends_in_the_same_state(ipn, gift, order, committed):
    txn = f"TXN{gift.pk:06d}"
    bodies = [
        web_accept(gift),
        reversal(gift, "Reversed", "REV1", "-25.00", parent_txn_id=txn),
        reversal(gift, "Refunded", "R1", "-5.00", parent_txn_id=txn),
    ]
    committed(deliver_in_order, ipn, [bodies[i] for i in order])

    gift.refresh_from_db()
    assert (gift.status, gift.amount_refunded) == (DonationStatus.DISPUTED, 500)
    assert not PaymentEvent.objects.exclude(status=EventStatus.PROCESSED).exists()


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_any_arrival_order_of_a_pledge_ends_in_the_same_state(ipn, pledge_gift, order, committed):
    bodies = [
        subscription(pledge_gift, "subscr_signup"),
        subscription(
            pledge_gift, "subscr_payment", txn_id="P1", payment_date="09:00:05 Mar 01, 2026 PST"
        ),
        subscription(
            pledge_gift, "subscr_payment", txn_id="P2", payment_date="09:00:05 Apr 01, 2026 PDT"
        ),
        subscription(pledge_gift, "subscr_cancel"),
    ]
    committed(deliver_in_order, ipn, [bodies[i] for i in order])

    pledge = pledge_gift.recurring
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CANCELLED
    assert (pledge.provider_ref, pledge.customer_ref) == (f"I-SUB{pledge.pk:05d}", "PAYER42")
    paid = pledge.instalments.filter(status=DonationStatus.SUCCEEDED)
    assert sorted(paid.values_list("payment_ref", flat=True)) == ["P1", "P2"]
    assert paid.filter(pk=pledge_gift.pk).exists()  # the first is the gift made at checkout


def test_a_pledge_starts_is_paid_falls_behind_and_ends(ipn, pledge_gift):
    pledge = pledge_gift.recurring
    ipn(subscription(pledge_gift, "subscr_signup"))
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.ACTIVE

    ipn(subscription(pledge_gift, "subscr_payment", txn_id="P1"))
    ipn(subscription(pledge_gift, "subscr_payment", txn_id="P1"))
    pledge_gift.refresh_from_db()
    assert pledge_gift.status == DonationStatus.SUCCEEDED
    assert pledge.instalments.count() == 1

    ipn(subscription(pledge_gift, "subscr_failed", ipn_track_id="F1"))
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.PAST_DUE

    ipn(subscription(pledge_gift, "subscr_eot"))
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.CANCELLED


def test_a_signup_for_another_amount_or_period_is_flagged(ipn, pledge_gift):
    ipn(subscription(pledge_gift, "subscr_signup", mc_amount3="1.00"))
    ipn(subscription(pledge_gift, "subscr_signup", subscr_id="I-OTHER", period3="1 Y"))

    assert all(flagged(event) for event in PaymentEvent.objects.all())
    pledge_gift.recurring.refresh_from_db()
    assert pledge_gift.recurring.status == PledgeStatus.PENDING


def test_refused_is_raised_for_a_body_without_ipn_fields():
    with pytest.raises(EventRefused):
        paypal_events.ledger_events("hello=world")


def test_a_body_far_larger_than_any_ipn_is_not_kept(ipn):
    response = ipn(b"txn_type=web_accept&junk=" + b"x" * 70_000)

    assert response.status_code == 413
    assert not PaymentEvent.objects.exists()
