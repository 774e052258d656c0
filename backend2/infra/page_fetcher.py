"""Fetching a web page or image for a link preview without letting a link reach what it must not
(httpx 0.28's transport, one request per hop, so nothing of a client's is kept between them).

A link in a message is anyone's input, so every fetch is held to these rules, and a breach is a
`Refused` with its reason (counted by the caller):
- http or https only, no user name or password in the URL, ports 80 and 443 only;
- the name is resolved once, every address it resolves to must be public (not loopback,
  private, link-local, CGNAT, multicast, unspecified, reserved, IPv6 unique-local or IPv4-mapped),
  and the connection goes to that address, never to a second lookup (no DNS rebinding): the
  URL is rewritten to the address, with the name kept for `Host` and TLS (SNI and the certificate);
- at most MAX_REDIRECTS redirects, each checked again as a new link;
- the body is read up to `max_bytes` and within the deadline (the whole fetch: every hop,
  resolving, connecting and reading), and its type must be one the caller asked for; no content
  encoding (it could hide a far larger body);
- no cookies, no credentials, no proxy from the environment; a user agent that names Backend2.
`exempt` lifts the address and port rules (LINK_PREVIEW_ALLOW_PRIVATE, for tests and development).
"""
import ipaddress
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ResolveTimeout
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from backend2.utils.urls import normalised
from backend2.version import VERSION

MAX_REDIRECTS = 3
ALLOWED_PORTS = (80, 443)
USER_AGENT = f"Backend2-LinkPreview/{VERSION} (+link previews for a chat app)"
CGNAT = ipaddress.ip_network("100.64.0.0/10")
EVERYTHING = "everything"
# Name lookups run here, so a slow DNS answer is waited for only until the deadline.
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="link-preview-dns")


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
    """The rule an IP address breaks, or None for a public address."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return "ipv4_mapped"
    checks = (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback), ("link_local", ip.is_link_local),
              ("multicast", ip.is_multicast), ("cgnat", ip.version == 4 and ip in CGNAT),
              ("unique_local", ip.version == 6 and ip in ipaddress.ip_network("fc00::/7")),
              ("private", ip.is_private), ("reserved", ip.is_reserved or not ip.is_global))
    return next((reason for reason, broken in checks if broken), None)


def fetch(url, content_types, max_bytes, deadline, exempt=()):
    """GET `url` under the rules above; `content_types` the main types accepted ("text/html",
    "image/"), `deadline` a time.monotonic() by which it is done. Raises Refused or Unavailable."""
    transport = httpx.HTTPTransport(verify=True, retries=0)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            response = _get(transport, _checked_form(url), deadline, exempt)
            if response.status_code in (301, 302, 303, 307, 308) and response.headers.get("location"):
                response.close()
                url = urljoin(url, response.headers["location"])
                continue
            return _read(response, url, content_types, max_bytes, deadline)
        raise Refused("too_many_redirects", url)
    finally:
        transport.close()


def _checked_form(url):
    """The URL with its name in IDNA (so `Host` and SNI are ASCII); refused if it is no http(s) URL."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused("scheme", scheme)
    form = normalised(url)
    if form is None:
        raise Refused("invalid_url", url)
    return form


def _get(transport, url, deadline, exempt):
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
    request = httpx.Request("GET", target, headers=headers, extensions=extensions)
    try:
        return transport.handle_request(request)
    except httpx.TimeoutException:
        raise Refused("timeout", url)
    except httpx.HTTPError as exc:
        raise Unavailable(str(exc))


def _resolve(host, port, exempt, deadline):
    """The one address to connect to: every address the name has must be allowed."""
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
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


def _read(response, url, content_types, max_bytes, deadline):
    try:
        if not 200 <= response.status_code < 300:
            raise Unavailable(f"{url} answered {response.status_code}")
        content_type = response.headers.get("content-type", "")
        main_type = content_type.split(";")[0].strip().lower()
        if not any(main_type == kind or (kind.endswith("/") and main_type.startswith(kind)) for kind in content_types):
            raise Refused("content_type", main_type or "none")
        if response.headers.get("content-encoding", "identity").lower() != "identity":
            raise Refused("content_encoding", response.headers["content-encoding"])
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise Refused("too_large", declared)
        body = bytearray()
        for chunk in response.stream:
            body += chunk
            if len(body) > max_bytes:
                raise Refused("too_large", f"more than {max_bytes} bytes")
            _left(deadline)
        return Fetched(url, main_type, _charset_of(content_type), bytes(body))
    except httpx.TimeoutException:
        raise Refused("timeout", url)
    except httpx.HTTPError as exc:
        raise Unavailable(str(exc))
    finally:
        response.close()


def _charset_of(content_type):
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"'")
    return None
