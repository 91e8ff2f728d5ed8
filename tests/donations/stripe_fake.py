"""Stripe at its HTTP boundary, for tests: a local server that answers like the Stripe API, and
webhook bodies built from tests/fixtures/stripe/ and signed exactly as Stripe signs them."""

import copy
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stripe"
WEBHOOK_SECRET = "whsec_test_secret"


def fixture(name):
    """A Stripe API object in the current shape, fresh each time (tests change their copy)."""
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))


def signature(body, secret=WEBHOOK_SECRET, timestamp=None):
    """The Stripe-Signature header: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<body>")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


_counter = iter(range(1, 10**9))


def event(event_type, obj, event_id=None, created=None):
    """A webhook body wrapping `obj` the way Stripe wraps it (the fixture event's envelope)."""
    envelope = fixture("event")
    envelope.update(
        id=event_id or f"evt_test_{next(_counter):06d}",
        type=event_type,
        created=int(time.time()) if created is None else created,
        api_version="2026-10-28.endive",
        data={"object": obj},
    )
    return json.dumps(envelope)


def post_event(client, body, secret=WEBHOOK_SECRET, header=None):
    return client.post(
        "/donations/stripe/webhook/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": header or signature(body, secret)},
    )


class FakeStripe:
    """Records every request; answers checkout sessions, products and portal sessions."""

    def __init__(self):
        self.requests = []
        self.products = set()
        self.delay = 0
        self.status = None  # answer every request with this HTTP status instead
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self):
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def sessions(self):
        return [r for r in self.requests if r["path"] == "/v1/checkout/sessions"]

    def answer(self, method, path, params):
        if self.status:
            return self.status, {"error": {"type": "api_error", "message": "Stripe is down"}}
        if path == "/v1/checkout/sessions" and method == "POST":
            session = fixture("checkout.session")
            number = len(self.sessions())
            session.update(
                id=f"cs_test_{number:04d}",
                url=f"https://checkout.stripe.com/c/pay/cs_test_{number:04d}",
                mode=params.get("mode"),
                status="open",
                payment_status="unpaid",
                customer_email=params.get("customer_email"),
                metadata={
                    key[len("metadata[") : -1]: value
                    for key, value in params.items()
                    if key.startswith("metadata[")
                },
            )
            return 200, session
        if path.startswith("/v1/products/") and method == "GET":
            product_id = path.rsplit("/", 1)[1]
            if product_id not in self.products:
                return 404, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": f"No such product: '{product_id}'",
                    }
                }
            return 200, {**fixture("product"), "id": product_id}
        if path == "/v1/products" and method == "POST":
            self.products.add(params["id"])
            return 200, {**fixture("product"), "id": params["id"], "name": params["name"]}
        if path == "/v1/billing_portal/sessions" and method == "POST":
            portal = fixture("billing_portal.session")
            portal.update(customer=params["customer"], return_url=params["return_url"])
            portal["url"] = f"https://billing.stripe.com/p/session/{params['customer']}"
            return 200, portal
        return 404, {"error": {"type": "invalid_request_error", "message": "unknown"}}

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def respond(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                path, _, query = self.path.partition("?")
                params = dict(parse_qsl(raw or query, keep_blank_values=True))
                fake.requests.append(
                    {
                        "method": method,
                        "path": path,
                        "params": params,
                        "headers": dict(self.headers),
                    }
                )
                if fake.delay:
                    time.sleep(fake.delay)
                status, payload = fake.answer(method, path, params)
                body = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Request-Id", "req_test")
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the slow-Stripe tests)

            def do_GET(self):  # noqa: N802 - the standard library's name
                self.respond("GET")

            def do_POST(self):  # noqa: N802
                self.respond("POST")

            def log_message(self, *args):
                pass

        return Handler
