"""Signed links to stored files: `?exp=<unix time>&sig=<HMAC>`, so an image tag or a download
manager can fetch a file without a header, until the link expires."""
import base64
import hashlib
import hmac

DAY = 86400


def expiry(now, ttl_seconds):
    """When a link made now expires: at least `ttl_seconds` from now, rounded up to a whole
    period (a day, or the TTL when shorter), so one file gets the same link for that whole period
    and the apps' image caches keep working."""
    period = max(1, min(DAY, int(ttl_seconds)))
    return (int(now + ttl_seconds) // period + 1) * period


def signature(name, expires, secret):
    mac = hmac.new(secret.encode(), f"{name}.{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def signed(url, prefix, secret, ttl_seconds, now):
    """`url` with `exp` and `sig` when it is a plain link to one of our files (`prefix` + name);
    anything else (another site's link, an already signed one, None) as it is."""
    if not isinstance(url, str) or not url.startswith(prefix) or "?" in url:
        return url
    expires = expiry(now, ttl_seconds)
    return f"{url}?exp={expires}&sig={signature(url[len(prefix):], expires, secret)}"


def plain(url):
    """A link as stored: without the query a signed link carries."""
    return url.split("?", 1)[0] if isinstance(url, str) else url


def check(name, expires, given, secret, now):
    """'ok', 'expired' or 'invalid' for a link's `exp` and `sig` (as received: text)."""
    if not (isinstance(expires, str) and expires.isdigit() and isinstance(given, str)):
        return "invalid"
    if not hmac.compare_digest(signature(name, int(expires), secret), given):
        return "invalid"
    return "ok" if int(expires) > now else "expired"
