"""CPU time and peak memory of reading a link preview's page (utils/page_meta.py) for 1 MB pages
built to be costly: nested or repeated tags, thousands of meta tags, one huge tag.

    .venv/bin/python bench/page_meta.py
"""
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from backend2.utils.page_meta import page_meta  # noqa: E402

MB = 1 << 20
PAGES = {
    "nested divs in the body": b"<html><head><title>t</title></head><body>" + b"<div>" * (MB // 5),
    "1 MB of meta tags": b"<html><head>" + b"<meta name=a content=b>" * (MB // 23),
    "one tag of 256k attributes": b"<html><head><title>t</title><meta " + b"a=b " * (MB // 4) + b">",
    "nested b/i, no body tag": b"<title>x</title>" + b"<b><i>" * (MB // 6),
    "tiny tags, no body tag": b"<title>x</title>" + b"<a>" * (MB // 3),
}

for name, page in PAGES.items():
    tracemalloc.start()
    started = time.process_time()
    page_meta(page, None, "http://example.com/")
    cpu = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{name:32} {cpu * 1000:7.0f} ms CPU  {peak / MB:6.1f} MB peak")
