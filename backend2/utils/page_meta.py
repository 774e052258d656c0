"""What a web page says about itself, for its link preview: Open Graph first, then the Twitter
card, then `<title>` and the meta description, read by a real HTML parser (Beautiful Soup on
the standard library's parser), never by patterns."""
from urllib.parse import urljoin

from bs4 import BeautifulSoup

LIMITS = {"title": 300, "description": 1000, "siteName": 200}
SOURCES = {
    "title": (("property", "og:title"), ("name", "twitter:title")),
    "description": (("property", "og:description"), ("name", "twitter:description"), ("name", "description")),
    "siteName": (("property", "og:site_name"),),
    "image": (("property", "og:image"), ("property", "og:image:url"), ("name", "twitter:image")),
}


def page_meta(body, charset, page_url):
    """{title, description, siteName, image (an absolute http(s) URL)}: each None when the page
    does not say it."""
    soup = BeautifulSoup(body, "html.parser", from_encoding=charset)
    metas = {}
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        for attribute in ("property", "name"):
            key = (attribute, (tag.get(attribute) or "").strip().lower())
            if content and key[1] and key not in metas:
                metas[key] = " ".join(content.split())
    found = {field: next((metas[key] for key in keys if metas.get(key)), None) for field, keys in SOURCES.items()}
    if not found["title"] and soup.title and soup.title.string:
        found["title"] = " ".join(soup.title.string.split()) or None
    for field, limit in LIMITS.items():
        if found[field]:
            found[field] = found[field][:limit]
    if found["image"]:
        image = urljoin(page_url, found["image"])
        found["image"] = image if image.startswith(("http://", "https://")) else None
    return found
