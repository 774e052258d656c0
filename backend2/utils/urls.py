"""Links in message text: the first one, and the one spelling of it that a cache is keyed by."""
import re
from urllib.parse import urlsplit, urlunsplit

import idna

LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}'\""
OPENERS = {")": "(", "]": "[", "}": "{"}
MAX_URL = 2048


def first_link(text):
    """The first http(s) link in `text` (without the punctuation that ends a sentence, but with a
    closing bracket that has its opening one in the link, as in .../wiki/Mercury_(planet)), or None."""
    match = LINK.search(text or "")
    if match is None:
        return None
    link = match.group(0)
    while link and link[-1] in TRAILING:
        closer = link[-1]
        if closer in OPENERS and link.count(OPENERS[closer]) >= link.count(closer):
            break
        link = link[:-1]
    return link if len(link) <= MAX_URL and normalised(link) else None


def normalised(url):
    """The URL with its scheme and host in lower case, the name in IDNA, no trailing dot, no default port, no
    fragment and a path of at least "/"; None for what is not an http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return None
    host = host[:-1] if host.endswith(".") else host  # example.com. is example.com
    try:  # IDNA 2008 with UTS #46 mapping, as browsers do (faß.de stays itself, not fass.de)
        host = idna.encode(host, uts46=True).decode("ascii") if not host.isascii() else host
    except (idna.IDNAError, UnicodeError):
        return None
    if not host:
        return None
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}[scheme]
    netloc = host if port in (None, default) else f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{netloc}" if userinfo else netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
