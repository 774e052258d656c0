"""A real HTTP endpoint that receives what the OTP webhook sender POSTs."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    """A real HTTP endpoint on 127.0.0.1 that records what the OTP webhook sender POSTs."""

    def __init__(self):
        self.received = []
        self.fail = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.received.append(json.loads(self.rfile.read(length)))
                self.send_response(500 if receiver.fail else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/otp"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def code_for(self, phone, purpose):
        for message in reversed(self.received):
            if message["phone"] == phone and message["purpose"] == purpose:
                return message["code"]
        raise AssertionError(f"the webhook got no {purpose} code for {phone}")

    def close(self):
        self.server.shutdown()
        self.server.server_close()
