"""A real browser (Debian's Chromium driven by Playwright) and a local web server for tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chrome
        finally:
            chrome.close()


class Watcher:
    """Collects console errors and any request that leaves this machine."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", self._request)

    def _request(self, request):
        url = request.url
        if not url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")):
            self.outside.append(url)


def open_page(chrome, url):
    """A new page at ``url``, loaded, with a :class:`Watcher` on it."""
    page = chrome.new_page()
    watcher = Watcher(page)
    page.goto(url, wait_until="networkidle")
    return page, watcher
