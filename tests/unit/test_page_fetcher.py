"""The link preview fetcher against a web site on 127.0.0.1: with the default rules every probe
is refused before a byte reaches the site; with the address rules lifted (as
LINK_PREVIEW_ALLOW_PRIVATE does) the limits on body, time, type and redirects still hold."""
import socket
import time

import pytest

from backend2.infra import page_fetcher
from backend2.infra.page_fetcher import EVERYTHING, Refused
from support.web_pages import WebSite

MB = 1024 * 1024


def fetch(url, exempt=(), kinds=("text/html",), max_bytes=MB, seconds=3):
    return page_fetcher.fetch(url, kinds, max_bytes, time.monotonic() + seconds, exempt)


def refusal(url, **options):
    with pytest.raises(Refused) as refused:
        fetch(url, **options)
    return refused.value.reason


def test_a_public_looking_page_is_fetched_when_the_rules_are_lifted(site):
    page = fetch(site.url("/page"), exempt=EVERYTHING)
    assert page.content_type == "text/html" and page.charset == "utf-8" and b"og:title" in page.body
    assert site.headers[0]["User-Agent"].startswith("Backend2-LinkPreview/")
    assert "Cookie" not in site.headers[0] and "Authorization" not in site.headers[0]


class Names(dict):
    """Names of a test's own making: name -> the addresses it answers, one per lookup (the last
    repeats); `looked_up` counts the lookups of each."""

    def __init__(self):
        super().__init__()
        self.looked_up = {}


@pytest.fixture
def names(monkeypatch):
    """Those names answered by the system resolver (`socket.getaddrinfo`, the library's, not our code)."""
    made, real = Names(), socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host not in made:
            return real(host, port, *args, **kwargs)
        made.looked_up[host] = made.looked_up.get(host, 0) + 1
        address = made[host][min(made.looked_up[host], len(made[host])) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return made


def test_every_probe_is_refused_by_default_and_the_site_sees_nothing(site, names):
    names["intranet.example"] = ["10.0.0.1"]  # a public-looking name for a private address
    probes = {
        site.url("/page"): "loopback",
        site.url("/page", host="localhost"): "loopback",
        site.url("/page", host="intranet.example"): "private",
        site.url("/page", host="2130706433"): "loopback",  # 127.0.0.1 as one number
        site.url("/page", host="127.1"): "loopback",
        "http://10.0.0.1/page": "private",
        "http://192.168.1.1/": "private",
        "http://172.16.5.4/": "private",
        "http://100.64.0.1/": "cgnat",
        "http://169.254.169.254/latest/meta-data/": "link_local",
        "http://224.0.0.1/": "multicast",
        site.url("/page", host="0.0.0.0"): "unspecified",
        site.url("/page", host="[::1]"): "loopback",
        site.url("/page", host="[::ffff:127.0.0.1]"): "ipv4_mapped",
        "http://[fd00::1]/": "unique_local",
        "http://[fec0::1]/": "site_local",
        site.url("/page", host="[2002:7f00:1::]"): "loopback",  # 6to4 carrying 127.0.0.1
        "http://[2002:a00:1::]/": "private",  # 6to4 carrying 10.0.0.1
        "http://[64:ff9b::a00:1]/": "private",  # NAT64 carrying 10.0.0.1
        "http://93.184.216.34:8080/": "port",
        "ftp://93.184.216.34/": "scheme",
        "http://user:secret@93.184.216.34/": "credentials",
    }
    for url, reason in probes.items():
        assert refusal(url) == reason, url
    assert site.requests == []


def test_a_redirect_from_an_allowed_page_to_a_private_one_is_refused_before_it_is_followed(site):
    private = WebSite()
    try:
        # The first site stands for a public one: only its own address and port are let through.
        first = {("127.0.0.1", site.port)}
        for target in (private.url("/page", host="localhost"), private.url("/page"), "http://10.1.2.3/"):
            site.redirect_to = target
            assert refusal(site.url("/redirect"), exempt=first) in ("loopback", "private")
        assert site.seen("/redirect") == 3 and private.requests == []
    finally:
        private.close()


def test_more_than_three_redirects_are_refused(site):
    assert refusal(site.url("/loop"), exempt=EVERYTHING) == "too_many_redirects"
    assert site.seen("/loop") == 4


def test_an_oversized_body_is_refused_without_reading_past_the_limit(site):
    assert refusal(site.url("/big"), exempt=EVERYTHING) == "too_large"
    assert refusal(site.url("/image.png"), exempt=EVERYTHING, kinds=("image/",), max_bytes=100) == "too_large"


def test_a_slow_body_is_given_up_on_at_the_deadline(site):
    started = time.monotonic()
    assert refusal(site.url("/slow"), exempt=EVERYTHING) == "timeout"
    assert time.monotonic() - started < 3.6


def test_headers_dripped_a_byte_at_a_time_are_cut_off_at_the_deadline(site):
    # 200 header bytes 0.1 s apart: no single read waits long, but all of them take 20 s.
    started = time.monotonic()
    assert refusal(site.url("/drip-head"), exempt=EVERYTHING) == "timeout"
    assert time.monotonic() - started < 3.4


def test_a_body_with_gaps_each_under_the_limit_is_cut_off_at_the_deadline(site):
    # A byte every 2 s: each gap is within the 3 s, all of them are not.
    started = time.monotonic()
    assert refusal(site.url("/gappy"), exempt=EVERYTHING) == "timeout"
    assert time.monotonic() - started < 3.4


def test_only_the_types_asked_for_are_read(site):
    assert refusal(site.url("/data.json"), exempt=EVERYTHING) == "content_type"
    assert refusal(site.url("/page"), exempt=EVERYTHING, kinds=("image/",)) == "content_type"


def test_the_connection_goes_to_the_address_resolved_once_with_the_name_as_host(site, names):
    # A name that rebinds: the site's address at the first lookup, an unreachable private one after.
    names["rebinding.example"] = ["127.0.0.1", "10.255.255.1"]
    page = fetch(site.url("/page", host="rebinding.example"), exempt=EVERYTHING)
    assert b"og:title" in page.body and names.looked_up == {"rebinding.example": 1}
    assert site.headers[-1]["Host"] == f"rebinding.example:{site.port}"
