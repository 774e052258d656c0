"""Links in message text: the first one, and the one spelling of it that a cache is keyed by."""
import re
from urllib.parse import urlsplit, urlunsplit

LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}'\""
MAX_URL = 2048


def first_link(text):
    """The first http(s) link in `text` (without the punctuation that ends a sentence), or None."""
    match = LINK.search(text or "")
    if match is None:
        return None
    link = match.group(0).rstrip(TRAILING)
    return link if len(link) <= MAX_URL and normalised(link) else None


def normalised(url):
    """The URL with its scheme and host in lower case, the name in IDNA, no default port, no
    fragment and a path of at least "/"; None for what is not an http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}[scheme]
    netloc = host if port in (None, default) else f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{netloc}" if userinfo else netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
