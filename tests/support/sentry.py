"""A Sentry stand-in on 127.0.0.1: receives the envelopes sentry-sdk sends, as Sentry does."""
import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SentryStandIn:
    """Records every envelope POSTed to /api/<project>/envelope/ (decompressed) and its events."""

    def __init__(self):
        self.envelopes, self.events = [], []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli
                    body = brotli.decompress(body)
                stand_in.record(self.path, body.decode())
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"id": "0"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.dsn = f"http://public-key@127.0.0.1:{self.server.server_port}/42"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def record(self, path, text):
        self.envelopes.append((path, text))
        lines = text.split("\n")
        for header, payload in zip(lines[1::2], lines[2::2]):
            if json.loads(header).get("type") == "event":
                self.events.append(json.loads(payload))

    def close(self):
        self.server.shutdown()
        self.server.server_close()
