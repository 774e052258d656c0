"""A web site on 127.0.0.1 for link previews: pages, an image, redirects, and pages that break
the rules (too large, too slow, dripped a byte at a time, not HTML), recording every request it sees."""
import io
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

PAGE = """<!doctype html><html><head><title>Plain title</title>
<meta property="og:title" content="The Open Graph title">
<meta property="og:description" content="What the page is about">
<meta property="og:site_name" content="Stand-in Site">
<meta property="og:image" content="/image.png">
<meta name="description" content="the plain description"></head><body>hello</body></html>"""
TITLE_ONLY = "<html><head><title> Only  a title </title><meta name=twitter:description content='Card text'></head></html>"


def png(size=(1200, 800)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def animated_gif(frames, size=(100, 100)):
    """A GIF of `frames` frames, each a different colour."""
    images = [Image.new("RGB", size, ((40 * i) % 256, 255 - (40 * i) % 256, i % 256)) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=20, loop=0)
    return buffer.getvalue()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that stopped reading (as the fetcher does past its limits) is no error here."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class WebSite:
    """`site.url(path)`; `site.requests` lists the paths asked for, `site.seen(path)` counts them;
    `redirect_to` is where /redirect sends a client; `image` (`image_type`) is what /image.png serves."""

    def __init__(self):
        self.requests, self.headers = [], []
        self.redirect_to = "/page"
        self.image, self.image_type = png(), "image/png"
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.requests.append(self.path)
                site.headers.append(dict(self.headers))
                path = self.path.split("?")[0]
                if path in ("/page", "/other"):
                    self._send(200, "text/html; charset=utf-8", PAGE.encode())
                elif path == "/late":  # within the fetch's time, but later than a quick edit
                    time.sleep(1)
                    self._send(200, "text/html; charset=utf-8", PAGE.encode())
                elif path == "/title-only":
                    self._send(200, "text/html", TITLE_ONLY.encode())
                elif path == "/image.png":
                    self._send(200, site.image_type, site.image)
                elif path == "/redirect":
                    self._send(302, "text/html", b"", location=site.redirect_to)
                elif path == "/loop":
                    self._send(302, "text/html", b"", location="/loop")
                elif path == "/big":
                    self._stream("text/html", [b"<html>" + b"x" * 65536] * 40)
                elif path == "/slow":
                    self._stream("text/html", (b"<p>" for _ in range(100)), pause=0.2)
                elif path == "/drip-head":
                    self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Pad: " + b"a" * 200, pause=0.1)
                elif path == "/gappy":
                    self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\n", pause=0)
                    self._drip(b"<p>ab", pause=2.0)
                elif path == "/data.json":
                    self._send(200, "application/json", b'{"title": "not html"}')
                else:
                    self._send(404, "text/plain", b"no")

            def _send(self, status, content_type, body, location=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Set-Cookie", "tracker=1; Path=/")
                if location:
                    self.send_header("Location", location)
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, content_type, chunks, pause=0.0):
                """No Content-Length: the client learns the size only by reading."""
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        time.sleep(pause)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def _drip(self, data, pause):
                """`data` a byte at a time, `pause` seconds apart: each gap within any per-read timeout."""
                try:
                    for byte in data:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(pause)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path, host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"

    def seen(self, path):
        return sum(1 for asked in self.requests if asked.split("?")[0] == path)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
