"""The portal's own pages: home, the language switch, the error pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_home_page_has_the_search_box_and_popular_procedures(client: Client, db: None) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Cổng Dịch vụ công OpenDVC" in html
    assert re.search(r'<form class="odvc-search" action="/thu-tuc/" method="get" role="search">', html)
    assert '<label class="usa-label odvc-search__label" for="home-q">Bạn cần làm thủ tục gì?</label>' in html
    for code in ("1.001193", "1.004222", "3.000347", "3.000333", "1.001612", "1.013225"):
        assert f'href="/thu-tuc/{code}/"' in html
    assert 'class="usa-skipnav" href="#main-content"' in html
    assert '<main id="main-content"' in html
    assert 'href="/api/docs"' in html and "AGPL-3.0-or-later" in html
    assert "dữ liệu mẫu" in text_of(html)


def test_home_page_needs_no_database(client: Client) -> None:
    """No ``db`` fixture: pytest-django makes any query fail this test."""
    assert client.get("/").status_code == 200


def test_layout_loads_light_local_assets_only(client: Client, db: None) -> None:
    html = client.get("/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:css|js))"', html)
    assert sources == [
        "/static/vendor/uswds/css/uswds.min.css",
        "/static/css/opendvc.css",
        "/static/vendor/htmx/htmx.min.js",
    ]
    assert re.search(r'<script src="/static/vendor/htmx/htmx.min.js" defer></script>', html)


def test_language_switch_is_a_plain_form_to_set_language(client: Client, db: None) -> None:
    html = client.get("/thu-tuc/?q=khai+sinh").content.decode()
    form = re.search(r'<form class="odvc-language" action="/i18n/setlang/" method="post" aria-label="([^"]+)">', html)
    assert form and form.group(1) == "Chọn ngôn ngữ"
    assert '<input type="hidden" name="next" id="language-next" value="/thu-tuc/?q=khai+sinh">' in html
    assert re.search(r'<button type="submit" name="language" value="en" lang="en"[^>]*>English</button>', html)
    assert re.search(
        r'value="vi" lang="vi" class="odvc-language__button" aria-current="true">Tiếng Việt</button>', html
    )


def test_switching_to_english_and_back(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    home = client.get("/").content.decode()
    assert "Tìm thủ tục hành chính" in home

    response = client.post(reverse("language_set"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Find a public administrative procedure" in html
    assert "OpenDVC Public Service Portal" in html
    assert "Tìm thủ tục hành chính" not in html

    client.post(reverse("language_set"), {"language": "vi", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert "Tìm thủ tục hành chính" in html


def test_language_switch_does_not_return_to_another_site(db: None) -> None:
    response = Client().post(reverse("language_set"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_language_switch_only_answers_post(client: Client, db: None) -> None:
    assert client.get(reverse("language_set"), {"language": "en", "next": "/"}).status_code == 405


def test_cached_home_page_is_the_same_for_every_visitor(db: None) -> None:
    first, second = Client(), Client()
    first_html = first.get("/").content
    second.post(reverse("language_set"), {"language": "vi", "next": "/"})
    assert second.get("/").content == first_html
    assert b"csrfmiddlewaretoken" not in first_html


def test_cached_page_is_sent_in_the_encoding_the_browser_accepts(db: None) -> None:
    import gzip

    import brotli

    plain = Client().get("/")
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    as_gzip = Client().get("/", headers={"Accept-Encoding": "gzip"})
    assert as_gzip["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_gzip.content) == plain.content
    as_brotli = Client().get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert as_brotli["Content-Encoding"] == "br"
    assert brotli.decompress(as_brotli.content) == plain.content
    refused = Client().get("/", headers={"Accept-Encoding": "br;q=0, gzip"})
    assert refused["Content-Encoding"] == "gzip"


def test_unknown_address_gets_the_404_page(client: Client, db: None) -> None:
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    text = text_of(response.content.decode())
    assert "Không tìm thấy trang" in text
    assert "tìm thủ tục theo tên" in text


def test_404_page_in_english(client: Client, db: None) -> None:
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(DEBUG=False)
def test_500_page_does_not_touch_the_database(rf) -> None:
    """No ``db`` fixture: pytest-django makes any query fail this test."""
    from opendvc.web.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_500_page_falls_back_to_plain_html_when_the_template_fails(rf, monkeypatch: pytest.MonkeyPatch) -> None:
    from opendvc.web import views

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("template engine is down")

    monkeypatch.setattr(views, "render_to_string", broken)
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_page_memory_forgets_the_least_recently_used_page_beyond_its_byte_budget() -> None:
    from opendvc.web.pages import PageMemory

    with override_settings(PAGE_MEMORY_BYTES=8000):
        memory = PageMemory()
        memory.put(("a", "br"), b"a" * 400, seconds=60)
        memory.put(("b", "br"), b"b" * 400, seconds=60)
        assert memory.get(("a", "br")) == b"a" * 400  # "a" is now the more recently used
        for n in range(19):
            memory.put((f"c{n}", "br"), b"c" * 400, seconds=60)
        assert memory.get(("a", "br")) == b"a" * 400
        assert memory.get(("b", "br")) is None
        memory.put(("huge", "br"), b"h" * 2000, seconds=60)  # over an eighth of the budget: not kept
        assert memory.get(("huge", "br")) is None


def test_page_memory_entry_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    from opendvc.web import pages

    memory = pages.PageMemory()
    now = [1000.0]
    monkeypatch.setattr(pages.time, "monotonic", lambda: now[0])
    memory.put(("home", "gzip"), b"page", seconds=60)
    now[0] += 59
    assert memory.get(("home", "gzip")) == b"page"
    now[0] += 2
    assert memory.get(("home", "gzip")) is None


def test_worker_memory_serves_a_page_without_the_shared_cache(db: None) -> None:
    from django.core.cache import cache

    cache.clear()
    first = Client().get("/", headers={"Accept-Encoding": "br"})
    cache.clear()  # the shared cache lost it; this worker still holds the bytes it sent
    again = Client().get("/", headers={"Accept-Encoding": "br"})
    assert again.content == first.content and again["Content-Encoding"] == "br"
    assert first.templates and not again.templates  # served from memory: nothing rendered again
    with override_settings(PAGE_MEMORY_SECONDS=0):
        from opendvc.web.pages import page_memory

        page_memory.clear()
        assert Client().get("/", headers={"Accept-Encoding": "br"}).content == first.content
        assert not page_memory._entries  # with no memory time allowed, nothing is kept
