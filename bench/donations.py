"""Donations benchmark: signed Stripe webhooks applied per second, donate-page requests per second.

    .venv/bin/python bench/donations.py [--events 500] [--requests 300]

Runs in-process through Django's test client against a throwaway database (SQLite, or the
PostgreSQL of DATABASE_URL), with the test settings: receipts are rendered and "sent" to memory
as each gift succeeds, as the immediate task backend does in `make run`. Record results in
bench/README.md.
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SECRET = "whsec_bench"  # noqa: S105 - a throwaway signing key for this run


def signed(body):
    timestamp = int(time.time())
    mac = hmac.new(SECRET.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def completed(donation, number):
    return json.dumps(
        {
            "id": f"evt_bench_{number}",
            "object": "event",
            "type": "checkout.session.completed",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": donation.provider_ref,
                    "object": "checkout.session",
                    "mode": "payment",
                    "status": "complete",
                    "payment_status": "paid",
                    "payment_intent": f"pi_bench_{number}",
                    "amount_total": donation.total,
                    "currency": donation.currency.lower(),
                    "metadata": {"donation_id": str(donation.pk)},
                }
            },
        }
    )


def rate(count, seconds):
    each = seconds / count * 1000
    return f"{count / seconds:8.1f}/s  ({count} in {seconds:.2f} s, {each:.1f} ms each)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300)
    options = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    settings.STRIPE_SECRET_KEY = "sk_test_bench"  # noqa: S105 - never sent anywhere
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.PAYMENTS_TEST_GATEWAY = True
    try:
        from wagtail.models import Page, Site

        from donations.factories import DonatePageFactory, DonationFactory
        from donations.models import Donation
        from news.factories import HomePageFactory

        home = HomePageFactory(parent=Page.get_first_root_node(), slug="front")
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "testserver", "root_page": home}
        )
        DonatePageFactory(parent=home)
        donations = [
            DonationFactory(provider_ref=f"cs_bench_{n}", donor__email=f"d{n}@example.org")
            for n in range(options.events)
        ]
        client = Client()
        bodies = [completed(donation, n) for n, donation in enumerate(donations)]

        started = time.perf_counter()
        for body in bodies:
            response = client.post(
                "/donations/stripe/webhook/",
                data=body,
                content_type="application/json",
                headers={"Stripe-Signature": signed(body)},
            )
            assert response.status_code == 200, response.content
        applied = time.perf_counter() - started
        assert Donation.objects.filter(status="succeeded").count() == options.events

        again = bodies[:200]
        started = time.perf_counter()
        for body in again:
            client.post(
                "/donations/stripe/webhook/",
                data=body,
                content_type="application/json",
                headers={"Stripe-Signature": signed(body)},
            )
        repeated = time.perf_counter() - started

        client.get("/donate/")  # routes and campaign totals cached, as on a live site
        started = time.perf_counter()
        for _ in range(options.requests):
            assert client.get("/donate/").status_code == 200
        plain = time.perf_counter() - started
        started = time.perf_counter()
        for n in range(options.requests):
            client.get(f"/donate/?amount={n + 5}&frequency=monthly&currency=EUR")
        prefilled = time.perf_counter() - started

        results = [
            ("webhooks applied (new gift succeeded, receipt sent)", options.events, applied),
            ("webhooks repeated (duplicate, no-op)", len(again), repeated),
            ("GET /donate/", options.requests, plain),
            ("GET /donate/?amount=...&frequency=monthly", options.requests, prefilled),
        ]
        print(f"database: {connection.vendor}")
        for label, count, seconds in results:
            print(f"{label + ':':52} {rate(count, seconds)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
