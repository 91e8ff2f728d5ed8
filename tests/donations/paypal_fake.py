"""PayPal at its HTTP boundary, for tests: IPN bodies encoded exactly as PayPal posts them
(form-encoded in the IPN's charset), from tests/fixtures/paypal/ or built here, and a local
server that answers the IPN postback as PayPal's does."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

from donations import money

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "paypal"
RECEIVER = "gifts@newsroom.example"


def fixture(name):
    """A real IPN's fields and, where the source kept it, its raw body."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


def encode(fields, charset=None):
    """The body PayPal posts: percent-escapes of the text encoded in the IPN's charset."""
    charset = charset or fields.get("charset") or "windows-1252"
    return urlencode(fields, encoding=charset).encode("ascii")


def web_accept(gift, status="Completed", **fields):
    """A donation-button IPN for a gift made through our checkout."""
    return {
        "txn_type": "web_accept",
        "payment_status": status,
        "txn_id": f"TXN{gift.pk:06d}",
        "receiver_email": RECEIVER,
        "business": RECEIVER,
        "mc_gross": str(money.to_major(gift.total, gift.currency)),
        "mc_currency": gift.currency,
        "custom": f"donation={gift.pk}",
        "invoice": gift.provider_ref,
        "payment_date": "10:15:00 Mar 03, 2026 PST",
        "first_name": "Jörg",
        "last_name": "Müller",
        "payer_email": gift.donor.email,
        "charset": "windows-1252",
        "ipn_track_id": f"track{gift.pk}",
        **fields,
    }


def reversal(gift, status, txn_id, amount, **fields):
    """A refund, reversal or cancelled reversal of a gift's payment: no txn_type, negative gross."""
    return {
        "payment_status": status,
        "txn_id": txn_id,
        "parent_txn_id": gift.payment_ref or f"TXN{gift.pk:06d}",
        "receiver_email": RECEIVER,
        "mc_gross": amount,
        "mc_currency": gift.currency,
        "custom": f"donation={gift.pk}",
        "payment_date": "11:00:00 Mar 05, 2026 PST",
        "charset": "windows-1252",
        **fields,
    }


def subscription(gift, txn_type, **fields):
    """A subscription notice for a pledge made through our checkout."""
    pledge = gift.recurring
    base = {
        "txn_type": txn_type,
        "subscr_id": f"I-SUB{pledge.pk:05d}",
        "receiver_email": RECEIVER,
        "mc_currency": pledge.currency,
        "custom": f"donation={gift.pk}&pledge={pledge.pk}",
        "payer_id": "PAYER42",
        "first_name": "Іван",
        "charset": "UTF-8",
    }
    if txn_type == "subscr_signup":
        base.update(
            mc_amount3=str(money.to_major(pledge.total, pledge.currency)),
            period3="1 M",
            subscr_date="09:00:00 Mar 01, 2026 PST",
        )
    if txn_type == "subscr_payment":
        base.update(
            payment_status="Completed", mc_gross=str(money.to_major(pledge.total, pledge.currency))
        )
    return {**base, **fields}


class FakePayPal:
    """Answers `cmd=_notify-validate` with `answer` ("VERIFIED", "INVALID") and keeps each
    postback body; `down()` makes it unreachable."""

    def __init__(self):
        self.answer = "VERIFIED"
        self.postbacks = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.postbacks.append(body)
                reply = fake.answer.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webscr"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
