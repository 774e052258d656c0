"""What a web page says about itself, for its link preview: Open Graph first, then the Twitter
card, then `<title>` and the meta description, read by a real HTML parser (the standard
library's, on text decoded as Beautiful Soup's UnicodeDammit decodes it), never by patterns.

Only the page's head is read: the parser stops at the first tag that cannot be in a head (as a
browser's head ends there: `<body>`, `<div>`, `<a>`, ...) and never reads past HEAD_MAX_BYTES,
and it keeps nothing but `<meta>` tags and the title's text, so a megabyte of nested tags costs
milliseconds and no tree (bench/page_meta.py)."""
from html.parser import HTMLParser
from urllib.parse import urljoin

from bs4 import UnicodeDammit

LIMITS = {"title": 300, "description": 1000, "siteName": 200}
SOURCES = {
    "title": (("property", "og:title"), ("name", "twitter:title")),
    "description": (("property", "og:description"), ("name", "twitter:description"), ("name", "description")),
    "siteName": (("property", "og:site_name"),),
    "image": (("property", "og:image"), ("property", "og:image:url"), ("name", "twitter:image")),
}
HEAD_MAX_BYTES = 64 * 1024
# What may stand in a document's head; any other start tag ends it.
HEAD_TAGS = {"html", "head", "title", "meta", "link", "base", "style", "script", "noscript", "template"}


def page_meta(body, charset, page_url):
    """{title, description, siteName, image (an absolute http(s) URL)}: each None when the page
    does not say it."""
    head = _Head()
    text = UnicodeDammit(body[:HEAD_MAX_BYTES], [charset] if charset else [], is_html=True).unicode_markup or ""
    try:
        head.feed(text)
        head.close()
    except _HeadEnded:
        pass
    found = {field: next((head.metas[key] for key in keys if head.metas.get(key)), None)
             for field, keys in SOURCES.items()}
    if not found["title"] and head.title is not None:
        found["title"] = " ".join("".join(head.title).split()) or None
    for field, limit in LIMITS.items():
        if found[field]:
            found[field] = found[field][:limit]
    if found["image"]:
        image = urljoin(page_url, found["image"])
        found["image"] = image if image.startswith(("http://", "https://")) else None
    return found


class _HeadEnded(Exception):
    """The parser reached the end of the head."""


class _Head(HTMLParser):
    """Collects the head's meta tags ({(attribute, key): content}, the first of each) and the
    first title's text, and stops where the head ends."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.metas, self.title, self._in_title, self._in_noscript = {}, None, False, False

    def handle_starttag(self, tag, attrs):
        if tag == "noscript":
            self._in_noscript = True
        if tag not in HEAD_TAGS:
            if self._in_noscript:  # a tracking pixel's <img> in the head's <noscript>
                return
            raise _HeadEnded()
        if tag == "meta":
            values = {name: value or "" for name, value in attrs}
            content = values.get("content")
            for attribute in ("property", "name"):
                key = (attribute, values.get(attribute, "").strip().lower())
                if content and key[1] and key not in self.metas:
                    self.metas[key] = " ".join(content.split())
        elif tag == "title" and self.title is None:
            self.title, self._in_title = [], True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "noscript":
            self._in_noscript = False
        elif tag == "head":
            raise _HeadEnded()

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
