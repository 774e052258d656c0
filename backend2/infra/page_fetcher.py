"""Fetching a web page or image for a link preview without letting a link reach what it must not
(httpcore's connection pool, a new one for each hop, so nothing is kept between them).

A link in a message is anyone's input, so every fetch is held to these rules, and a breach is a
`Refused` with its reason (counted by the caller):
- http or https only, no user name or password in the URL, ports 80 and 443 only;
- the name is resolved once, every address it resolves to must be public (not loopback,
  private, link-local, CGNAT, multicast, unspecified, reserved, IPv6 unique-local, site-local or
  IPv4-mapped, nor a 6to4, Teredo or NAT64 address carrying an IPv4 address that is not public),
  and the connection goes to that address, never to a second lookup (no DNS rebinding): the
  URL is rewritten to the address, with the name kept for `Host` and TLS (SNI and the certificate);
- at most MAX_REDIRECTS redirects, each checked again as a new link;
- the body is read up to `max_bytes` and within the deadline (the whole fetch: every hop,
  resolving, connecting, the TLS handshake, writing and reading), and its type must be one the
  caller asked for; no content encoding (it could hide a far larger body). The deadline is held
  at the socket: every read and write waits at most until it (_DeadlineStream), so a server that
  drips its headers or body a byte at a time is cut off there, not at a per-read timeout;
- no cookies, no credentials, no proxy from the environment; a user agent that names Backend2.
`exempt` lifts the address and port rules (LINK_PREVIEW_ALLOW_PRIVATE, for tests and development).
"""
import ipaddress
import socket
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as ResolveTimeout
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from backend2.utils.urls import normalised
from backend2.version import VERSION

MAX_REDIRECTS = 3
ALLOWED_PORTS = (80, 443)
USER_AGENT = f"Backend2-LinkPreview/{VERSION} (+link previews for a chat app)"
CGNAT = ipaddress.ip_network("100.64.0.0/10")
UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
EVERYTHING = "everything"
FAILURES = (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol,
            httpcore.ConnectionNotAvailable, OSError)


class Refused(Exception):
    """A fetch the rules forbid; `reason` names the rule."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class Unavailable(Exception):
    """The page could not be had (no answer, an error status, a broken connection)."""


@dataclass(frozen=True)
class Fetched:
    url: str                # after redirects
    content_type: str       # its main type, lower case: text/html
    charset: str | None
    body: bytes


def address_refusal(address):
    """The rule an IP address breaks, or None for a public address. An IPv6 address that carries
    an IPv4 one (6to4, Teredo, NAT64) is held to that address's rules too."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return "ipv4_mapped"
    checks = (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback), ("link_local", ip.is_link_local),
              ("multicast", ip.is_multicast), ("cgnat", ip.version == 4 and ip in CGNAT),
              ("unique_local", ip.version == 6 and ip in UNIQUE_LOCAL),
              ("site_local", ip.version == 6 and ip.is_site_local))
    reason = next((reason for reason, broken in checks if broken), None)
    if reason is None and ip.version == 6:
        carried = _carried_ipv4(ip)
        reason = carried and address_refusal(str(carried))
    if reason is None and (ip.is_private or ip.is_reserved or not ip.is_global):
        reason = "private" if ip.is_private else "reserved"
    return reason or None


def _carried_ipv4(ip):
    """The IPv4 address inside a 6to4, Teredo (its client) or NAT64 (64:ff9b::/96) address, if any."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def fetch(url, content_types, max_bytes, deadline, exempt=()):
    """GET `url` under the rules above; `content_types` the main types accepted ("text/html",
    "image/"), `deadline` a time.monotonic() by which it is done. Raises Refused or Unavailable."""
    for _ in range(MAX_REDIRECTS + 1):
        pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), retries=0, max_connections=1,
                                       network_backend=_DeadlineBackend(deadline))
        with pool:
            response, headers = _get(pool, _checked_form(url), deadline, exempt)
            if response.status in (301, 302, 303, 307, 308) and headers.get("location"):
                response.close()
                url = urljoin(url, headers["location"])
                continue
            return _read(response, headers, url, content_types, max_bytes, deadline)
    raise Refused("too_many_redirects", url)


def _checked_form(url):
    """The URL with its name in IDNA (so `Host` and SNI are ASCII); refused if it is no http(s) URL."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused("scheme", scheme)
    form = normalised(url)
    if form is None:
        raise Refused("invalid_url", url)
    return form


def _get(pool, url, deadline, exempt):
    """One request of `url` (in its checked form) to the one address its name resolves to."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise Refused("credentials")
    host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    address = _resolve(host, port, exempt, deadline)
    if exempt != EVERYTHING and (address, port) not in exempt and port not in ALLOWED_PORTS:
        raise Refused("port", str(port))
    literal = f"[{address}]" if ":" in address else address
    target = f"{parts.scheme}://{literal}:{port}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
    left = _left(deadline)
    headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": USER_AGENT, "Accept-Encoding": "identity",
               "Accept": "text/html,image/*;q=0.9"}
    extensions = {"timeout": {"connect": left, "read": left, "write": left, "pool": left}}
    if parts.scheme == "https" and not _is_ip(host):
        extensions["sni_hostname"] = host
    try:
        response = pool.handle_request(httpcore.Request("GET", target, headers=list(headers.items()),
                                                        extensions=extensions))
    except httpcore.TimeoutException:
        raise Refused("timeout", url)
    except FAILURES as exc:
        raise Unavailable(f"{url}: {exc!r}")
    return response, {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in response.headers}


def _resolve(host, port, exempt, deadline):
    """The one address to connect to: every address the name has must be allowed."""
    lookup = _lookup(host, port)
    try:
        found = lookup.result(timeout=_left(deadline))
    except ResolveTimeout:
        raise Refused("timeout", f"resolving {host}")
    except (socket.gaierror, UnicodeError) as exc:
        raise Unavailable(f"cannot resolve {host}: {exc}")
    addresses = list(dict.fromkeys(info[4][0].split("%")[0] for info in found))
    if not addresses:
        raise Unavailable(f"{host} has no address")
    if exempt != EVERYTHING:
        for address in addresses:
            reason = (address, port) not in exempt and address_refusal(address)
            if reason:
                raise Refused(reason, f"{host} is {address}")
    return addresses[0]


def _lookup(host, port):
    """getaddrinfo on a thread of its own, so a slow DNS answer is waited for only until the deadline
    and a lookup that hangs past it holds no one else's turn (it ends with the resolver's timeout)."""
    future = Future()

    def run():
        try:
            future.set_result(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name="link-preview-dns", daemon=True).start()
    return future


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _left(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise Refused("timeout")
    return left


def _read(response, headers, url, content_types, max_bytes, deadline):
    try:
        if not 200 <= response.status < 300:
            raise Unavailable(f"{url} answered {response.status}")
        content_type = headers.get("content-type", "")
        main_type = content_type.split(";")[0].strip().lower()
        if not any(main_type == kind or (kind.endswith("/") and main_type.startswith(kind)) for kind in content_types):
            raise Refused("content_type", main_type or "none")
        if headers.get("content-encoding", "identity").lower() != "identity":
            raise Refused("content_encoding", headers["content-encoding"])
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise Refused("too_large", declared)
        body = bytearray()
        for chunk in response.stream:
            body += chunk
            if len(body) > max_bytes:
                raise Refused("too_large", f"more than {max_bytes} bytes")
            _left(deadline)
        return Fetched(url, main_type, _charset_of(content_type), bytes(body))
    except httpcore.TimeoutException:
        raise Refused("timeout", url)
    except FAILURES as exc:
        raise Unavailable(f"{url}: {exc!r}")
    finally:
        response.close()


def _charset_of(content_type):
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"'")
    return None


def _until(deadline, timeout, expired):
    """The wait for one socket operation: `timeout`, but never past `deadline` (then `expired`)."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the fetch's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the fetch's deadline
    (httpcore's own timeouts are per operation, so bytes a second apart would never trip them)."""

    def __init__(self, stream, deadline):
        self._stream, self._deadline = stream, deadline

    def read(self, max_bytes, timeout=None):
        return self._stream.read(max_bytes, _until(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer, timeout=None):
        self._stream.write(buffer, _until(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self):
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        wait = _until(self._deadline, timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, wait), self._deadline)

    def get_extra_info(self, info):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own sockets, each a _DeadlineStream; TCP only (no Unix sockets)."""

    def __init__(self, deadline):
        self._backend, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        wait = _until(self._deadline, timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, wait, local_address, socket_options),
                               self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.UnsupportedProtocol("no Unix sockets")

    def sleep(self, seconds):
        time.sleep(seconds)
