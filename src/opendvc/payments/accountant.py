"""The accountant's pages: the day's collections, the reconciliation with each provider (and the desk),
statement upload, the refunds (each one's state; send it again, or record a bank transfer returned by
hand) and the payment reports their source systems refused or have not taken.

Only officers with the accountant role (``accounts.OfficerRole.ACCOUNTANT``) see them, and only for
the agencies where they hold it; anyone else gets the 403 page.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from opendvc.accounts.models import OfficerRole
from opendvc.accounts.selectors import officer_agency_ids
from opendvc.agencies.models import Agency
from opendvc.core.errors import ApiError
from opendvc.dossiers_web.views.common import audited, current_user, error_text
from opendvc.payments import outbound, selectors, services
from opendvc.payments.forms import PROVIDER_LABELS, PartialRefundForm, StatementForm
from opendvc.payments.models import RefundStatus, SourceReport
from opendvc.payments.providers.registry import provider_get
from opendvc.web.templatetags.formatting import vnd


def _accountant_agencies(request: HttpRequest) -> set[int]:
    return officer_agency_ids(user=current_user(request), roles=[OfficerRole.Role.ACCOUNTANT])


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/not_accountant.html", status=403)


def _day(request: HttpRequest) -> tuple[date, str]:
    raw = (request.GET.get("ngay") or request.POST.get("ngay") or "").strip()
    today = timezone.localdate()
    if not raw:
        return today, ""
    try:
        return datetime.strptime(raw, "%d/%m/%Y").date(), ""
    except ValueError:
        return today, _("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 02/12/2026.")


def _agency_choices(agency_ids: set[int]) -> list[tuple[str, str]]:
    return [
        (str(pk), name)
        for pk, name in Agency.objects.filter(pk__in=agency_ids).order_by("name").values_list("pk", "name")
    ]


def _providers() -> list[tuple[str, str]]:
    from django.conf import settings

    names: list[str] = []
    for entries in getattr(settings, "PAYMENT_PROVIDERS", {}).values():
        names += [name for name in entries if name not in names]
    return [(name, str(PROVIDER_LABELS.get(name, provider_get(name).verbose_name))) for name in names]


@login_required
@require_safe
def collections(request: HttpRequest) -> HttpResponse:
    """What the accountant's agencies collected on a day: each payment, its provider and receipt."""
    agency_ids = _accountant_agencies(request)
    if not agency_ids:
        return _forbidden(request)
    day, error = _day(request)
    orders = list(selectors.collections_for(agency_ids=agency_ids, day=day)[:500])
    summary = selectors.summarise(orders)
    context = {
        "day": day,
        "error": error,
        "orders": orders,
        "summary": summary,
        "labels": dict(_providers()),
    }
    return render(request, "payments/collections.html", context, status=400 if error else 200)


#: The reconciliation's name for money taken at the one-stop desk (cash, or a card on the desk's terminal).
DESK_LABEL = gettext_lazy("Thu tại quầy (tiền mặt, thẻ qua máy POS)")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Run the reconciliation of one provider and day (POST: it asks the provider and may confirm orders).

    The desk (``kenh=desk``) is our own ledger: each receipt of the day with the officer who took the
    money, and the totals per officer to match with the cash handed over; nobody outside is asked.
    """
    agency_ids = _accountant_agencies(request)
    if not agency_ids:
        return _forbidden(request)
    day, error = _day(request)
    providers = [*_providers(), (services.DESK_PROVIDER, str(DESK_LABEL))]
    provider = request.POST.get("kenh") or request.GET.get("kenh") or (providers[0][0] if providers else "")
    rows: list[services.ReconciliationRow] | None = None
    desk: selectors.DeskDay | None = None
    if provider not in dict(providers):
        error = _("Chọn một kênh thanh toán.")
    elif provider == services.DESK_PROVIDER and not error:
        desk = selectors.desk_receipts_for(agency_ids=agency_ids, day=day)
    elif request.method == "POST" and not error:
        with audited(request):
            rows = services.payments_reconcile(
                agency_ids=agency_ids, provider=provider, day=day, actor=current_user(request)
            )
    english = (get_language() or "vi").startswith("en")
    todo = {key: texts[1] if english else texts[0] for key, texts in services.RECONCILIATION_TODO.items()}
    context = {
        "day": day,
        "error": error,
        "providers": providers,
        "provider": provider,
        "rows": rows,
        "desk": desk,
        "todo": todo,
        "mismatches": [r for r in rows or [] if r.kind not in ("ok", "waiting", "closed")],
        "statement_form": StatementForm(agencies=_agency_choices(agency_ids)),
    }
    return render(request, "payments/reconciliation.html", context, status=400 if error else 200)


@login_required
@require_POST
def statement_upload(request: HttpRequest) -> HttpResponse:
    """Import a bank statement (CSV): each credit naming an order's reference settles that order."""
    agency_ids = _accountant_agencies(request)
    if not agency_ids:
        return _forbidden(request)
    form = StatementForm(request.POST, request.FILES, agencies=_agency_choices(agency_ids))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("payments:reconciliation")
    agency = Agency.objects.get(pk=int(form.cleaned_data["agency"]))
    try:
        text = form.cleaned_data["file"].read().decode("utf-8-sig")
        lines = services.statement_parse_csv(text)
        with audited(request):
            results = services.statement_lines_import(agency=agency, lines=lines, actor=current_user(request))
    except UnicodeDecodeError:
        messages.error(request, _("Tệp sao kê phải là CSV mã hoá UTF-8."))
        return redirect("payments:reconciliation")
    except ApiError as problem:
        messages.error(request, error_text(problem))
        return redirect("payments:reconciliation")
    matched = sum(1 for r in results if r.outcome == "matched")
    messages.success(
        request,
        _("Đã nhập %(count)s dòng sao kê; %(matched)s dòng xác nhận được giao dịch.")
        % {"count": len(results), "matched": matched},
    )
    day = results[0].booked_on if results else timezone.localdate()
    return redirect(f"{reverse('payments:reconciliation')}?kenh=vietqr&ngay={day:%d/%m/%Y}")


def _refund_in_scope(request: HttpRequest, reference: str) -> tuple[set[int], bool]:
    agency_ids = _accountant_agencies(request)
    known = selectors.refund_for_agencies(reference=reference, agency_ids=agency_ids) is not None
    return agency_ids, known


@login_required
@require_safe
def refunds(request: HttpRequest) -> HttpResponse:
    """Every refund of the accountant's agencies, newest first, with its state and what to do."""
    agency_ids = _accountant_agencies(request)
    if not agency_ids:
        return _forbidden(request)
    return _refunds_page(request, agency_ids, PartialRefundForm())


def _refunds_page(
    request: HttpRequest, agency_ids: set[int], form: PartialRefundForm, status: int = 200
) -> HttpResponse:
    context = {
        "refunds": selectors.refunds_for(agency_ids=agency_ids)[:500],
        "manual": [name for name in dict(_providers()) if not provider_get(name).can_refund],
        "partial_form": form,
    }
    return render(request, "payments/refunds.html", context, status=status)


@login_required
@require_POST
def refund_partial(request: HttpRequest) -> HttpResponse:
    """Return part of a paid order of the accountant's agencies; errors are shown in place."""
    agency_ids = _accountant_agencies(request)
    if not agency_ids:
        return _forbidden(request)
    form = PartialRefundForm(request.POST)
    if not form.is_valid():
        return _refunds_page(request, agency_ids, form, status=400)
    try:
        with audited(request):
            refund = outbound.refund_partial_open(
                order_reference=form.cleaned_data["order_reference"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                actor=current_user(request),
                agency_ids=agency_ids,
            )
    except ApiError as problem:
        field = {"order_not_found": "order_reference", "order_not_paid": "order_reference"}.get(problem.code, "amount")
        if problem.code == "refund_reason_required":
            field = "reason"
        form.add_error(field, error_text(problem))
        return _refunds_page(request, agency_ids, form, status=problem.status)
    messages.success(
        request,
        _("Đã yêu cầu hoàn %(amount)s của giao dịch %(order)s (%(ref)s).")
        % {
            "amount": vnd(refund.amount),
            "order": refund.order.reference,
            "ref": refund.reference,
        },
    )
    return redirect("payments:refunds")


@login_required
@require_POST
def refund_send(request: HttpRequest, reference: str) -> HttpResponse:
    """Send a refund to its provider now (again after a refusal); the provider refunds it once."""
    agency_ids, known = _refund_in_scope(request, reference)
    if not agency_ids:
        return _forbidden(request)
    if not known:
        raise Http404("refund_not_found")
    try:
        with audited(request):
            refund = outbound.refund_send(reference=reference, actor=current_user(request))
    except ApiError as problem:
        messages.error(request, error_text(problem))
    else:
        if refund.status == RefundStatus.DONE:
            messages.success(request, _("Kênh thanh toán đã hoàn tiền cho người nộp (%(ref)s).") % {"ref": reference})
        elif refund.status == RefundStatus.FAILED:
            messages.error(
                request,
                _("Kênh thanh toán không hoàn tiền (%(code)s); kiểm tra với kênh rồi gửi lại.")
                % {"code": refund.last_error},
            )
        else:
            messages.warning(request, _("Kênh thanh toán chưa trả lời; yêu cầu sẽ được gửi lại tự động."))
    return redirect("payments:refunds")


@login_required
@require_POST
def refund_record(request: HttpRequest, reference: str) -> HttpResponse:
    """Record a bank transfer the accountant returned by hand (VietQR payments)."""
    agency_ids, known = _refund_in_scope(request, reference)
    if not agency_ids:
        return _forbidden(request)
    if not known:
        raise Http404("refund_not_found")
    try:
        with audited(request):
            outbound.refund_record_manual(
                reference=reference,
                actor=current_user(request),
                bank_transaction=request.POST.get("bank_transaction", ""),
            )
    except ApiError as problem:
        messages.error(request, error_text(problem))
    else:
        messages.success(request, _("Đã ghi nhận khoản hoàn trả %(ref)s.") % {"ref": reference})
    return redirect("payments:refunds")


def _source_report_todo(report: SourceReport) -> tuple[str, str]:
    """What happened to the report, and what the accountant does about it."""
    if report.sent_at is None:
        return (
            _("Chưa báo được (đã gửi %(count)s lần)") % {"count": report.attempts},
            _(
                "Hệ thống nguồn chưa nhận được báo nộp; Cổng tiếp tục gửi lại tự động. Nếu kéo dài, báo quản trị hệ "
                "thống kiểm tra kết nối. Người nộp đã có biên lai của Cổng: nếu họ bị hệ thống nguồn báo còn nợ, "
                "xác nhận với cơ quan quản lý khoản phải nộp bằng mã giao dịch và số biên lai."
            ),
        )
    if report.answer == "paid_otherwise":
        return (
            _("Bị từ chối: khoản đã được nộp qua kênh khác"),
            _(
                "Người nộp có thể đã nộp hai lần. Đối chiếu với cơ quan quản lý khoản phải nộp; nếu đúng đã nộp hai "
                "lần, hoàn trả giao dịch này cho người nộp."
            ),
        )
    if report.answer == "amount_mismatch":
        return (
            _("Bị từ chối: số tiền không khớp"),
            _(
                "Hệ thống nguồn ghi số tiền khác số tiền đã thu. Liên hệ cơ quan quản lý khoản phải nộp để xác định "
                "số đúng, rồi thu bổ sung hoặc hoàn trả phần chênh lệch."
            ),
        )
    return (
        _("Bị từ chối (mã %(code)s)") % {"code": report.answer},
        _("Liên hệ cơ quan quản lý khoản phải nộp với mã giao dịch và số biên lai để xử lý."),
    )


@login_required
@require_safe
def source_reports(request: HttpRequest) -> HttpResponse:
    """Payments of fines and registration fees their source system refused, or has not taken after
    several attempts: each with what to do (the portal took the money; the source must know it)."""
    agency_ids = _accountant_agencies(request)
    if not agency_ids:
        return _forbidden(request)
    rows = []
    for report in selectors.source_reports_to_follow(agency_ids=agency_ids)[:500]:
        state, todo = _source_report_todo(report)
        rows.append({"report": report, "state": state, "todo": todo})
    return render(request, "payments/source_reports.html", {"rows": rows})
