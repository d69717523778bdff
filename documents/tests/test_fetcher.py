"""The documents' URL fetcher serves the project's static files and nothing else."""

import http.server
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from documents.pdf import BASE_URL, LocalOnlyFetcher, RefusedURL, html_to_pdf

STATIC_CSS = "documents/pdf/documents.css"


@pytest.fixture
def fetcher():
    return LocalOnlyFetcher(font_files={"/_fonts/test.otf": b"OTTO-test"})


def test_serves_static_files_by_static_url_and_by_file_url(fetcher):
    by_url = fetcher(f"{BASE_URL}static/{STATIC_CSS}")
    assert b"@font-face" in by_url.read()
    path = Path(finders.find(STATIC_CSS))
    assert b"@font-face" in fetcher(path.as_uri()).read()


def test_serves_the_font_subsets_and_images_it_was_given(fetcher):
    assert fetcher(f"{BASE_URL}_fonts/test.otf").read() == b"OTTO-test"
    own = "data:image/png;base64,iVBORw0KGgo="
    response = LocalOnlyFetcher(data_uris=[own])(own)
    assert response.read() == b"\x89PNG\r\n\x1a\n" and response.content_type == "image/png"
    with pytest.raises(RefusedURL):
        LocalOnlyFetcher(data_uris=[own])("data:image/png;base64,AAAA")


def test_waits_for_a_subset_still_being_cut_and_refuses_one_that_could_not_be(fetcher):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        cut, failed = pool.submit(lambda: b"OTTO-cut"), pool.submit(lambda: None)
        pending = LocalOnlyFetcher(font_files={"/_fonts/a.otf": cut, "/_fonts/b.otf": failed})
        assert pending(f"{BASE_URL}_fonts/a.otf").read() == b"OTTO-cut"
        with pytest.raises(RefusedURL):
            pending(f"{BASE_URL}_fonts/b.otf")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "http://127.0.0.1:8000/static/documents/pdf/documents.css",  # even our own site, over the network
        "file:///etc/passwd",
        (Path(settings.BASE_DIR) / "config" / "settings" / "base.py").as_uri(),  # a project file outside static
        "file://evil.example.com/etc/passwd",
        f"{BASE_URL}static/../config/settings/base.py",
        f"{BASE_URL}static/%2e%2e/%2e%2e/config/settings/base.py",
        f"{BASE_URL}static/documents/nope.css",
        f"{BASE_URL}etc/passwd",
        "ftp://example.com/x",
        "data:text/plain,hello",
        "javascript:alert(1)",
    ],
)
def test_refuses_everything_else(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher(url)


def test_refuses_a_symlink_out_of_static(tmp_path, settings):
    static_dir = tmp_path / "static"
    static_dir.mkdir()
    (static_dir / "ok.css").write_text("p{}")
    (static_dir / "leak.css").symlink_to(Path(settings.BASE_DIR) / "manage.py")
    settings.STATICFILES_DIRS = [static_dir]
    fetcher = LocalOnlyFetcher()
    assert fetcher((static_dir / "ok.css").as_uri()).read() == b"p{}"
    with pytest.raises(RefusedURL):
        fetcher((static_dir / "leak.css").as_uri())


@pytest.fixture
def listening_server():
    """A real HTTP server on localhost that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body{color:red}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_a_rendered_page_reaches_no_server(listening_server):
    url, hits = listening_server
    html = f"""<html><head><link rel="stylesheet" href="{url}/style.css">
      <style>@import url("{url}/import.css"); body {{ background: url("{url}/bg.png"); }}</style></head>
      <body><p>一行字</p><img src="{url}/img.png"><img src="file:///etc/hosts"></body></html>"""
    pdf = html_to_pdf(html)
    assert pdf.data.startswith(b"%PDF") and pdf.pages == 1
    assert hits == []
