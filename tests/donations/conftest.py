import pytest

from donations.factories import DonatePageFactory

from .stripe_fake import WEBHOOK_SECRET, FakeStripe, post_event


@pytest.fixture
def donate_page(home):
    return DonatePageFactory(parent=home)


@pytest.fixture
def test_gateway(settings):
    settings.PAYMENTS_TEST_GATEWAY = True


@pytest.fixture
def fake_stripe():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_on(settings, fake_stripe):
    """Stripe configured, its API answered by the local fake, webhooks signed with a test secret."""
    settings.STRIPE_SECRET_KEY = "sk_test_portal"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_portal"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.STRIPE_TIMEOUTS = (0.5, 0.5)
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    return fake_stripe


@pytest.fixture
def webhooks_on(settings):
    """Only the webhook secret: for tests that post events without calling Stripe's API."""
    settings.STRIPE_SECRET_KEY = "sk_test_portal"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: no call may go out


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Wrap a request so its on-commit work (receipts, cache clearing) runs as a commit would."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def webhook(client, committed):
    """Post a signed Stripe webhook body, as Stripe would, and let its transaction commit."""

    def send(body, secret=WEBHOOK_SECRET, header=None):
        return committed(post_event, client, body, secret=secret, header=header)

    return send


@pytest.fixture
def client():
    """A reader's browser: it names the page a form was posted from, as every browser does
    (portal.abuse.same_origin refuses a post that names none)."""
    from django.test import Client

    return Client(headers={"Origin": "http://testserver"})


@pytest.fixture
def fake_paypal():
    from .paypal_fake import FakePayPal

    fake = FakePayPal().start()
    yield fake
    fake.stop()


@pytest.fixture
def paypal_on(settings, fake_paypal):
    """PayPal configured for the sandbox, its IPN postback answered by the local fake."""
    from .paypal_fake import RECEIVER

    settings.PAYPAL_RECEIVER_EMAIL = RECEIVER
    settings.PAYPAL_TEST = True
    settings.PAYPAL_IPN_POSTBACK_URL = fake_paypal.url
    settings.PAYPAL_POSTBACK_TIMEOUTS = (0.5, 0.5)
    return fake_paypal


@pytest.fixture
def ipn(client, committed):
    """Post an IPN as PayPal does: form-encoded in its charset, from `sender`'s address; its
    verification and application (queued on commit) run as the worker would run them."""
    from .paypal_fake import encode

    def send(fields_or_body, charset=None, sender="127.0.0.1"):
        body = fields_or_body
        if isinstance(body, dict):
            body = encode(body, charset)
        return committed(
            client.post,
            "/donations/paypal/ipn/",
            body,
            content_type="application/x-www-form-urlencoded",
            REMOTE_ADDR=sender,
        )

    return send
