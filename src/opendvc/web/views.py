"""Pages of the portal itself: the home page and the error pages."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from opendvc.web.pages import cached_page

logger = logging.getLogger(__name__)

MINIMAL_500 = (
    '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi hệ thống</title>'
    "<h1>Hệ thống đang gặp sự cố</h1><p>Xin vui lòng thử lại sau ít phút.</p></html>"
)


HOME_CACHE_SECONDS = 3600


def home(request: HttpRequest) -> HttpResponse:
    return cached_page(
        request,
        "web:home",
        lambda: render_to_string("web/home.html", {"shared_page": True}, request=request),
        timeout=HOME_CACHE_SECONDS,
    )


@csrf_exempt
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``, without a CSRF token.

    A forged request can do no more than switch the visitor's display language, while a token in
    the language form would make every page personal and uncacheable (``web.pages``). The return
    address is still checked against the allowed hosts by ``set_language``.
    """
    return set_language(request)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render without the database: the error may be the database itself."""
    try:
        return HttpResponseServerError(render_to_string("web/500.html", request=request))
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(MINIMAL_500)
