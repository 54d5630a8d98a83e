"""The synchronisation pages: data quality (refused records per system, agency and check, and the
quarantine) and the operator page of integrated systems and their credentials.

Officers see the data quality of the agencies they serve; the portal's operators (staff) see every
system. Only operators holding ``sync.change_integratedsystem`` open the systems page.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST, require_safe

from opendvc.accounts.selectors import officer_agency_ids
from opendvc.core.errors import ApiError, NotFound
from opendvc.sync import selectors, services
from opendvc.sync.models import SystemCredential
from opendvc.sync.records import REASONS


def _may_see_quality(user: Any) -> bool:
    return bool(user.is_staff or user.is_superuser or officer_agency_ids(user=user))


@require_safe
@login_required
def quality_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not _may_see_quality(user):
        return render(request, "sync/forbidden.html", status=403)
    reason = request.GET.get("reason", "")
    if reason not in REASONS:
        reason = ""
    after = request.GET.get("after", "")
    after_id = int(after) if after.isdigit() else None
    records = selectors.quarantine_list(user=user, reason=reason, after_id=after_id, limit=50)
    context = {
        "rows": selectors.quality_counts(user=user),
        "records": records,
        "reason": reason,
        "reasons": [(code, text[1]) for code, text in REASONS.items()],
        "next_after": records[-1].id if len(records) == 50 else None,
        "may_manage_systems": selectors.may_manage_systems(user=user),
    }
    return render(request, "sync/quality.html", context)


@require_safe
@login_required
def quarantined_record_page(request: HttpRequest, record_id: int) -> HttpResponse:
    """One refused record: the check it failed, how often it was sent, and the record as received,
    so the officer can tell the sending system what to correct."""
    user: Any = request.user
    if not _may_see_quality(user):
        return render(request, "sync/forbidden.html", status=403)
    try:
        record = selectors.quarantined_record_get(user=user, record_id=record_id)
    except NotFound as error:
        raise Http404(error.code) from error
    reason = request.GET.get("reason", "")
    context = {
        "record": record,
        "payload": json.dumps(record.payload, ensure_ascii=False, indent=2, sort_keys=True),
        "back_reason": reason if reason in REASONS else "",
    }
    return render(request, "sync/quarantined_record.html", context)


# --- integrated systems: the operator page --------------------------------------------------------


def _systems_forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "sync/forbidden.html", {"for_systems": True}, status=403)


@require_safe
@login_required
def systems_page(request: HttpRequest) -> HttpResponse:
    """Every integrated system: who runs it, what it may write for, its state and its credentials."""
    if not selectors.may_manage_systems(user=request.user):
        return _systems_forbidden(request)
    return render(request, "sync/systems.html", {"rows": selectors.integrated_system_list(user=request.user)})


@require_safe
@login_required
def system_page(request: HttpRequest, code: str) -> HttpResponse:
    if not selectors.may_manage_systems(user=request.user):
        return _systems_forbidden(request)
    try:
        row = selectors.integrated_system_get(user=request.user, code=code)
    except NotFound as error:
        raise Http404(error.code) from error
    return render(request, "sync/system.html", _system_context(row))


def _system_context(row: selectors.SystemRow, **extra: Any) -> dict[str, Any]:
    return {
        "row": row,
        "system": row.system,
        "overlap_hours": services.rotation_overlap_hours(),
        "kinds": SystemCredential.Kind,
        **extra,
    }


@require_POST
@login_required
def system_secret_issue(request: HttpRequest, code: str) -> HttpResponse:
    """Issue a new password or OAuth2 client and show it once (never stored in clear, not cached)."""
    return _system_action(request, code, action="secret")


@require_POST
@login_required
def system_status_set(request: HttpRequest, code: str) -> HttpResponse:
    return _system_action(request, code, action="status")


def _system_action(request: HttpRequest, code: str, *, action: str) -> HttpResponse:
    user: Any = request.user
    try:
        services.manage_check(user=user)
    except ApiError:
        return _systems_forbidden(request)
    try:
        row = selectors.integrated_system_get(user=user, code=code)
    except NotFound as error:
        raise Http404(error.code) from error
    try:
        if action == "secret":
            issued = services.integrated_system_secret_issue(
                system=row.system, kind=request.POST.get("kind", ""), actor=user
            )
            response = render(request, "sync/secret_issued.html", {"system": row.system, "issued": issued})
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store"
            return response
        services.integrated_system_status_set(
            system=row.system, status=request.POST.get("status", ""), actor=user, reason=request.POST.get("reason", "")
        )
    except ApiError as problem:
        fresh = selectors.integrated_system_get(user=user, code=code)
        context = _system_context(fresh, error=problem.message(), reason=request.POST.get("reason", ""))
        return render(request, "sync/system.html", context, status=problem.status)
    return redirect("sync:system", code=code)
