"""What a page says about itself (utils/page_meta.py) and the one spelling of a link the
preview cache is keyed by (utils/urls.py)."""
from backend2.utils.page_meta import page_meta
from backend2.utils.urls import first_link, normalised


def test_open_graph_comes_first_then_the_twitter_card_then_title_and_description():
    page = b"""<html><head><title>Title tag</title><meta name="description" content="Meta text">
    <meta name="twitter:title" content="Card title"><meta name="twitter:image" content="//cdn.example/i.jpg">
    </head></html>"""
    assert page_meta(page, None, "https://example.org/a/b") == {
        "title": "Card title", "description": "Meta text", "siteName": None, "image": "https://cdn.example/i.jpg"}
    plain = b"<title>\n  Just   this </title><p>body"
    assert page_meta(plain, None, "http://x.example/")["title"] == "Just this"


def test_broken_markup_scripts_and_odd_images_give_no_surprises():
    page = ("<html><head><meta property='og:title' content='Caf\u00e9 &amp; more'><script>var t='<title>no</title>'"
            "</script><meta property='og:image' content='javascript:alert(1)'><meta property=og:description "
            f"content='{'long ' * 400}'>").encode("latin-1", "replace")
    found = page_meta(page, "latin-1", "https://example.org/")
    assert found["title"] == "Caf\u00e9 & more" and found["image"] is None and len(found["description"]) == 1000


def test_only_the_head_is_read():
    in_body = b"<html><head><title>Head title</title></head><body><meta property='og:title' content='Body'></body>"
    assert page_meta(in_body, None, "http://x.example/")["title"] == "Head title"
    ended = b"<title>Head title</title><div><meta property='og:title' content='Body'>"  # a <div> ends the head
    assert page_meta(ended, None, "http://x.example/")["title"] == "Head title"
    pixel = b"<head><noscript><img src=/px></noscript><meta property='og:title' content='After the pixel'>"
    assert page_meta(pixel, None, "http://x.example/")["title"] == "After the pixel"
    padded = b"<html><head>" + b"<link rel=x>" * 30000 + b"<meta property='og:title' content='Too far'>"
    assert len(padded) > 64 * 1024 and page_meta(padded, None, "http://x.example/")["title"] is None
    # A megabyte of tags that cannot be in a head: the first of them ends the reading.
    assert page_meta(b"<title>x</title>" + b"<a>" * 350000, None, "http://x.example/")["title"] == "x"


def test_the_first_link_and_its_normal_form():
    assert first_link("see https://Example.ORG:443/Path?q=1#frag, and http://other.example") == (
        "https://Example.ORG:443/Path?q=1#frag")
    assert normalised("HTTPS://Example.ORG:443/Path?q=1#frag") == "https://example.org/Path?q=1"
    assert normalised("http://b\u00fccher.example") == "http://xn--bcher-kva.example/"
    assert normalised("http://[::1]:80") == "http://[::1]/"
    assert first_link("ftp://example.org and mailto:a@b.c") is None
    assert normalised("http://example.org:99999/") is None
    assert normalised("http://fa\u00df.de/") == "http://xn--fa-hia.de/"  # IDNA 2008: not fass.de
    assert normalised("http://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com/") == "http://example.com/"
    assert normalised("http://Example.com./a") == normalised("http://example.com/a") == "http://example.com/a"
    assert normalised("http://./") is None


def test_a_links_own_brackets_stay_and_a_sentences_go():
    assert first_link("see (https://en.wikipedia.org/wiki/Mercury_(planet))") == (
        "https://en.wikipedia.org/wiki/Mercury_(planet)")
    assert first_link("https://en.wikipedia.org/wiki/Mercury_(planet).") == "https://en.wikipedia.org/wiki/Mercury_(planet)"
    assert first_link("(see https://example.org/a)") == "https://example.org/a"
    assert first_link("[https://example.org/x]!") == "https://example.org/x"
