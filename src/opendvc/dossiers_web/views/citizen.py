"""The applicant's pages: "my dossiers", one dossier with its timeline and what to do now, the
supplement upload and the withdrawal with its confirmation.

A dossier that is not the person's own (or their organisation's) is a 404, like an unknown code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from opendvc.core.calendar import display_calendar
from opendvc.core.errors import ApiError
from opendvc.dossiers import services
from opendvc.dossiers.models import Dossier, DossierStatus, Role
from opendvc.dossiers.selectors import (
    DossierAccess,
    dossier_due_explanation,
    dossier_events,
    dossier_get_for_user,
    dossier_list_for_owner,
    dossier_timeline,
    dossier_timeliness,
)
from opendvc.dossiers.services import DocumentInput
from opendvc.dossiers.transitions import Action
from opendvc.dossiers_web import presenters
from opendvc.dossiers_web import selectors as page_selectors
from opendvc.dossiers_web.forms import CitizenSupplyForm, WithdrawReasonForm
from opendvc.dossiers_web.views.common import audited, current_user, error_text, language
from opendvc.dossiers_web.views.details import dossier_details
from opendvc.payments.selectors import dossier_fees_due_now, dossier_obligations

PAGE_SIZE = 20


@dataclass(frozen=True)
class OwnRow:
    dossier: Dossier
    status: str
    tone: str
    next_step: presenters.NextStep
    due: presenters.DueCell
    url: str


@login_required
@require_safe
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """The person's dossiers (and their organisations'), newest first, in keyset pages."""
    user = current_user(request)
    status = request.GET.get("status", "")
    status_value = int(status) if status.isdigit() and int(status) in DossierStatus.values else None
    cursor = request.GET.get("cursor") or None
    error = ""
    try:
        page = dossier_list_for_owner(user=user, status=status_value, cursor=cursor, limit=PAGE_SIZE)
    except ApiError as problem:
        error = error_text(problem)
        cursor = None
        page = dossier_list_for_owner(user=user, status=status_value, limit=PAGE_SIZE)
    now = timezone.now()
    calendar = display_calendar()
    rows = [
        OwnRow(
            dossier=d,
            status=presenters.status_plain(d.status),
            tone=presenters.STATUS_TONE[d.status],
            next_step=presenters.next_step_for_applicant(d),
            due=presenters.due_cell(d, now=now, calendar=calendar),
            url=reverse("dossiers_web:my_dossier", kwargs={"code": d.code}),
        )
        for d in page.items
    ]
    params = {"status": str(status_value)} if status_value else {}
    context = {
        "rows": rows,
        "status": status_value,
        "statuses": [(value, presenters.status_plain(value)) for value in DossierStatus.values],
        "next_url": "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else "",
        "first_url": "?" + urlencode(params) if cursor else "",
        "error": error,
    }
    return render(request, "dossiers_web/citizen/my_dossiers.html", context)


def owner_access(request: HttpRequest, code: str) -> DossierAccess:
    try:
        access = dossier_get_for_user(user=current_user(request), code=code)
    except ApiError as error:
        raise Http404(error.code) from error
    if Role.APPLICANT not in access.roles:
        raise Http404("dossier_not_found")
    return access


def _supplement_request(dossier: Dossier) -> tuple[list[str], list[int]]:
    """What the last supplement request asked for: its reasons and the components named."""
    for event in reversed(dossier_events(dossier=dossier)):
        if event.action == Action.REQUEST_SUPPLEMENT:
            data = event.data or {}
            return list(data.get("reasons", [])), [int(pk) for pk in data.get("required_document_ids", [])]
    return [], []


def render_own_dossier(
    request: HttpRequest,
    access: DossierAccess,
    *,
    supply_form: CitizenSupplyForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    d = access.dossier
    actions = access.actions
    supplement_reasons: list[str] = []
    if d.status == DossierStatus.SUPPLEMENT_REQUESTED and Action.SUPPLY in actions:
        supplement_reasons, asked = _supplement_request(d)
        if supply_form is None:
            names = dict(
                (row.pk, row.name) for row in page_selectors.required_documents(version_id=d.procedure_version_id)
            )
            supply_form = CitizenSupplyForm(documents=[(pk, names[pk]) for pk in asked if pk in names])
    else:
        supply_form = None
    timeline = dossier_timeline(dossier=d, for_officer=False)
    context = {
        "dossier": d,
        "details": dossier_details(d, for_officer=False),
        "status_plain": presenters.status_plain(d.status),
        "status_label": str(DossierStatus(d.status).label),
        "status_tone": presenters.STATUS_TONE[d.status],
        "step_label": presenters.step_label(d.current_step) if d.status == DossierStatus.IN_PROGRESS else "",
        "next_step": presenters.next_step_for_applicant(d),
        "timeline": presenters.timeline_items(timeline, language=language(), for_officer=False),
        "explanation": dossier_due_explanation(dossier=d, timeline=timeline),
        "timeliness": presenters.TIMELINESS_LABELS.get(dossier_timeliness(dossier=d), ""),
        "paused": d.status == DossierStatus.SUPPLEMENT_REQUESTED,
        "supply_form": supply_form,
        "supplement_reasons": supplement_reasons,
        "can_withdraw": Action.WITHDRAW in actions,
        "forms": page_selectors.form_links(dossier=d, for_officer=False),
        "notifications": page_selectors.notifications_about(dossier=d),
        **_payment_context(d),
        "error": error,
    }
    return render(request, "dossiers_web/citizen/dossier.html", context, status=status)


def _payment_context(d: Dossier) -> dict[str, Any]:
    """The dossier's payment requests (paid or not, amount, date) and what is left to pay now."""
    obligations = dossier_obligations(dossier_id=d.pk)
    waiting = d.status == DossierStatus.PAYMENT_REQUESTED
    unpaid = [row for row in obligations if not row.paid]
    due_now = dossier_fees_due_now(status=d.status, rows=obligations)
    due = sum(row.obligation.amount for row in due_now) if obligations else int(d.fee_amount or 0) * waiting
    return {
        "obligations": obligations,
        "all_paid": bool(obligations) and not unpaid,
        "can_pay": due > 0,
        "amount_due": due,
        "payable_sequences": {row.obligation.sequence for row in due_now} if obligations and due > 0 else set(),
        "pay_at_submission": any(row.obligation.due_at_submission for row in due_now) and not waiting,
    }


@login_required
@require_safe
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    return render_own_dossier(request, owner_access(request, code))


@login_required
@require_POST
def supply(request: HttpRequest, code: str) -> HttpResponse:
    """Upload the documents asked for, then hand them in with the dossiers service (the clock restarts)."""
    user = current_user(request)
    access = owner_access(request, code)
    d = access.dossier
    if Action.SUPPLY not in access.actions:
        problem = services.transition_not_allowed(action=Action.SUPPLY, status=d.status)
        return render_own_dossier(request, access, error=error_text(problem), status=problem.status)
    _reasons, asked = _supplement_request(d)
    names = dict((row.pk, row.name) for row in page_selectors.required_documents(version_id=d.procedure_version_id))
    form = CitizenSupplyForm(request.POST, request.FILES, documents=[(pk, names[pk]) for pk in asked if pk in names])
    if not form.is_valid():
        return render_own_dossier(request, access, supply_form=form, status=400)
    documents = []
    for document_id, upload in form.files_by_document():
        try:
            attachment = services.attachment_upload(user=user, file=upload)
        except ApiError as problem:
            field = f"doc_{document_id}" if document_id is not None else "other"
            form.add_error(field, f"{upload.name}: {error_text(problem)}")
            return render_own_dossier(request, access, supply_form=form, status=problem.status)
        documents.append(DocumentInput(attachment_id=attachment.pk, required_document_id=document_id))
    try:
        with audited(request):
            dossier = services.dossier_supplement_submit(
                dossier=d, actor=user, documents=documents, note=form.cleaned_data.get("note", "")
            )
    except ApiError as problem:
        if problem.status == 404:
            raise Http404(problem.code) from problem
        form.add_error(None, error_text(problem))
        return render_own_dossier(request, owner_access(request, code), supply_form=form, status=problem.status)
    message = _("Đã gửi giấy tờ bổ sung. Cơ quan tiếp tục giải quyết hồ sơ.")
    if dossier.due_at is not None:
        message += " " + _("Ngày hẹn trả mới: %(due)s.") % {"due": presenters.moment_text(dossier.due_at)}
    messages.success(request, message)
    return redirect("dossiers_web:my_dossier", code=dossier.code)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Ask before withdrawing, saying what it means; withdraw on the confirmed POST."""
    access = owner_access(request, code)
    d = access.dossier
    form = WithdrawReasonForm(request.POST or None)
    error = ""
    status = 200
    if Action.WITHDRAW not in access.actions:
        error = error_text(services.transition_not_allowed(action=Action.WITHDRAW, status=d.status))
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            with audited(request):
                services.dossier_withdraw(dossier=d, actor=current_user(request), reason=form.cleaned_data["reason"])
        except ApiError as problem:
            if problem.status == 404:
                raise Http404(problem.code) from problem
            error, status = error_text(problem), problem.status
        else:
            messages.success(request, _("Đã rút hồ sơ %(code)s. Cơ quan dừng giải quyết hồ sơ này.") % {"code": d.code})
            return redirect("dossiers_web:my_dossier", code=d.code)
    context = {"dossier": d, "form": form, "error": error, "allowed": Action.WITHDRAW in access.actions}
    return render(request, "dossiers_web/citizen/withdraw.html", context, status=status)
