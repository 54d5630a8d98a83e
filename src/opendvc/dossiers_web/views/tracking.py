"""Public tracking: a dossier's progress by its code and the last four digits of the applicant's ID
number or phone, without signing in.

An unknown code and a wrong second factor get the same answer (``dossier_not_found``), so the page
cannot be used to find which codes exist; look-ups are limited per address like the API's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from opendvc.core.errors import ApiError
from opendvc.dossiers.models import DossierStatus
from opendvc.dossiers.selectors import dossier_track
from opendvc.dossiers_web import presenters
from opendvc.dossiers_web.forms import TrackForm
from opendvc.dossiers_web.views.common import error_text


def track_allowed(request: HttpRequest) -> bool:
    """At most ``DOSSIER_TRACK_RATE_PER_MINUTE`` look-ups a minute from one address (default 30).

    The count is the API's (same cache key), so the page and ``GET /api/v1/dossiers/track`` share it.
    """
    rate = int(getattr(settings, "DOSSIER_TRACK_RATE_PER_MINUTE", 30))
    key = f"dossiers:track:{request.META.get('REMOTE_ADDR', '')}"
    if cache.add(key, 1, timeout=60):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=60)
        return True
    return count <= rate


def too_many_requests() -> ApiError:
    return ApiError(
        "too_many_requests",
        "Bạn tra cứu quá nhiều lần; hãy thử lại sau một phút.",
        "Too many look-ups; try again in a minute.",
        status=429,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """The form (the code may come prefilled from the QR code of Form 01) and, once sent, the progress."""
    if request.method == "POST":
        form = TrackForm(request.POST)
    else:
        form = TrackForm(initial={"code": request.GET.get("code", "")[:60]})
    context: dict[str, object] = {"form": form, "not_found": False, "error": ""}
    status = 200
    if request.method == "POST" and form.is_valid():
        if not track_allowed(request):
            problem = too_many_requests()
            context["error"], status = error_text(problem), problem.status
        else:
            try:
                dossier = dossier_track(code=form.cleaned_data["code"], factor=form.cleaned_data["factor"])
            except ApiError as problem:
                if problem.code == "dossier_not_found":
                    context["not_found"], status = True, 404
                elif problem.code == "invalid_dossier_code":
                    form.add_error("code", error_text(problem))
                    status = 400
                else:
                    form.add_error("factor", error_text(problem))
                    status = 400
            else:
                context.update(
                    {
                        "dossier": dossier,
                        "status_plain": presenters.status_plain(dossier.status),
                        "status_label": str(DossierStatus(dossier.status).label),
                        "status_tone": presenters.STATUS_TONE[dossier.status],
                        "next_step": presenters.next_step_for_applicant(dossier),
                        "login_url": reverse("accounts:login")
                        + "?"
                        + urlencode({"next": reverse("dossiers_web:my_dossier", kwargs={"code": dossier.code})}),
                    }
                )
    elif request.method == "POST":
        status = 400
    context["title"] = _("Tra cứu hồ sơ")
    return render(request, "dossiers_web/tracking.html", context, status=status)
