"""The data-quality page: refused synchronised records per system, agency and check, and the quarantine.

Officers see the agencies they serve; the portal's operators (staff) see every system.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from opendvc.accounts.selectors import officer_agency_ids
from opendvc.sync import selectors
from opendvc.sync.records import REASONS


@require_safe
@login_required
def quality_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    allowed = user.is_staff or user.is_superuser or bool(officer_agency_ids(user=user))
    if not allowed:
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
    }
    return render(request, "sync/quality.html", context)
