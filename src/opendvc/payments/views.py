"""The payment pages: pay a dossier's fees or an obligation found by its number, choose how, follow
the order to its result and download the e-receipt.

The portal's Content-Security-Policy lets forms post only to the portal itself, so choosing a
provider opens the order's page here, whose button is a plain link to the provider's page.
Nothing is settled from the browser's return: only the provider's own message (or its answer to a
query) changes an order, so the return page says what the bank reported and waits.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from opendvc.core.errors import ApiError
from opendvc.dossiers.models import DossierStatus
from opendvc.dossiers_web.views.citizen import owner_access
from opendvc.dossiers_web.views.common import audited, current_user, error_text
from opendvc.payments import receipts, selectors, services
from opendvc.payments.forms import PROVIDER_LABELS, ObligationLookupForm, ProviderForm
from opendvc.payments.models import Obligation, OrderStatus, PaymentOrder
from opendvc.payments.providers.registry import provider_get, providers_for_agency
from opendvc.payments.providers.vietqr import VietQrTransfer


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _start(request: HttpRequest, obligation: Obligation, provider: str) -> PaymentOrder:
    with audited(request):
        order, _start_info = services.payment_order_create(
            obligation=obligation,
            provider=provider,
            actor=current_user(request) if request.user.is_authenticated else None,
            ip=_client_ip(request),
            base_url=_base_url(request),
        )
    return order


def _sequence(request: HttpRequest) -> int | None:
    raw = request.GET.get("khoan", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1000 else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pay_dossier(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant pays one of the requests a dossier waits for (status 6), or the fees fixed at its
    submission (while it is at 1, 2, 4 or 5): ``?khoan=<n>`` or the first unpaid. Each request is paid
    on its own; a dossier at 6 goes on when all are paid, one paying its submission fees stays put."""
    access = owner_access(request, code)
    dossier = access.dossier
    rows = selectors.dossier_obligations(dossier_id=dossier.pk)
    sequence = _sequence(request)
    unpaid = [row for row in rows if not row.paid]
    if sequence is not None:
        chosen = next((row for row in rows if row.obligation.sequence == sequence), None)
        if chosen is None:
            raise Http404("obligation_not_found")
    else:
        chosen = unpaid[0] if unpaid else None
    if chosen is not None and chosen.paid_order is not None:
        return redirect("payments:order", reference=chosen.paid_order.reference)
    if chosen is None and rows:
        latest = selectors.dossier_payment(dossier_id=dossier.pk)
        if latest is not None:
            return redirect("payments:order", reference=latest.reference)
    providers = providers_for_agency(dossier.agency.code)
    form = ProviderForm(request.POST if request.method == "POST" else None, providers=providers)
    error, status = "", 200
    waiting = dossier.status == DossierStatus.PAYMENT_REQUESTED
    due_now = selectors.dossier_fees_due_now(status=dossier.status, rows=rows)
    payable = chosen in due_now if chosen is not None else waiting and not rows and bool(dossier.fee_amount)
    if not payable:
        error, status = _("Hồ sơ này không có khoản phí, lệ phí nào cần nộp lúc này."), 409
    elif request.method == "POST" and form.is_valid():
        try:
            obligation = services.obligation_for_dossier(
                dossier=dossier, sequence=chosen.obligation.sequence if chosen is not None else None
            )
            order = _start(request, obligation, form.cleaned_data["provider"])
        except ApiError as problem:
            if problem.code == "obligation_paid":
                paid = selectors.dossier_payment(dossier_id=dossier.pk)
                if paid is not None:
                    return redirect("payments:order", reference=paid.reference)
            error, status = error_text(problem), problem.status
        else:
            return redirect("payments:order", reference=order.reference)
    elif request.method == "POST":
        status = 400
    context = {
        "dossier": dossier,
        "amount": chosen.obligation.amount if chosen is not None else dossier.fee_amount,
        "description": dossier.procedure_version.name,
        "item": chosen.obligation.description if chosen is not None else "",
        "others": [row for row in due_now if row is not chosen],
        "at_submission": chosen is not None and chosen.obligation.due_at_submission,
        "form": form,
        "payable": payable,
        "error": error,
        "back_url": reverse("dossiers_web:my_dossier", kwargs={"code": dossier.code}),
    }
    return render(request, "payments/pay_dossier.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def pay_obligation(request: HttpRequest) -> HttpResponse:
    """Anyone can pay a traffic fine or a registration fee by its number; the amount comes from its source."""
    data = request.POST if request.method == "POST" else (request.GET if "reference" in request.GET else None)
    lookup = ObligationLookupForm(data)
    obligation: Obligation | None = None
    provider_form: ProviderForm | None = None
    error, status = "", 200
    if data is not None and lookup.is_valid():
        try:
            obligation = services.obligation_fetch(
                kind=lookup.cleaned_data["kind"], reference=lookup.cleaned_data["reference"]
            )
        except ApiError as problem:
            error, status = error_text(problem), problem.status
    elif data is not None:
        status = 400
    paid_order = None
    if obligation is not None:
        paid_order = selectors.obligation_paid_order(obligation=obligation)
        provider_form = ProviderForm(
            request.POST if request.method == "POST" else None, providers=providers_for_agency(obligation.agency.code)
        )
        if request.method == "POST" and paid_order is None:
            if provider_form.is_valid():
                try:
                    order = _start(request, obligation, provider_form.cleaned_data["provider"])
                except ApiError as problem:
                    error, status = error_text(problem), problem.status
                else:
                    return redirect("payments:order", reference=order.reference)
            else:
                status = 400
    context = {
        "lookup": lookup,
        "obligation": obligation,
        "provider_form": provider_form,
        "paid_order": paid_order,
        "error": error,
    }
    return render(request, "payments/pay_obligation.html", context, status=status)


def _visible_order(request: HttpRequest, reference: str) -> PaymentOrder:
    user = current_user(request) if request.user.is_authenticated else None
    order = selectors.order_for_viewer(reference=reference, user=user)
    if order is None:
        raise Http404("order_not_found")
    return order


def _order_context(order: PaymentOrder) -> dict[str, Any]:
    start = selectors.order_start(order=order)
    obligation = order.obligation
    if obligation.dossier_id is not None:
        again_url = reverse("payments:pay_dossier", kwargs={"code": obligation.reference})
        again_url += f"?khoan={obligation.sequence}"
    else:
        again_url = reverse("payments:pay_obligation") + f"?kind={obligation.kind}&reference={obligation.reference}"
    qr = ""
    if order.status == OrderStatus.PENDING and start.get("qr_payload"):
        from opendvc.dossiers.documents import qr_svg

        qr = qr_svg(start["qr_payload"])
    return {
        "order": order,
        "obligation": obligation,
        "provider_label": PROVIDER_LABELS.get(order.provider) or provider_get(order.provider).verbose_name,
        "redirect_url": start.get("redirect_url", "") if order.status == OrderStatus.PENDING else "",
        "qr": qr,
        "account": VietQrTransfer().account() if order.provider == "vietqr" else {},
        "again_url": again_url,
        "status_label": OrderStatus(order.status).label,
        "tone": {
            OrderStatus.SUCCEEDED: "success",
            OrderStatus.PENDING: "info",
            OrderStatus.CREATED: "info",
            OrderStatus.REFUNDED: "warning",
        }.get(OrderStatus(order.status), "error"),
        "dossier_url": reverse("dossiers_web:my_dossier", kwargs={"code": obligation.reference})
        if obligation.dossier_id
        else "",
    }


@require_safe
def order_page(request: HttpRequest, reference: str) -> HttpResponse:
    """An order's state: where to pay (a link, or the QR to scan), or how it ended, with the receipt."""
    return render(request, "payments/order.html", _order_context(_visible_order(request, reference)))


@require_safe
def order_return(request: HttpRequest, reference: str) -> HttpResponse:
    """Where the provider sends the payer back. What the bank says is shown; the order changes only by
    the provider's own confirmation, which may come before or after this page."""
    order = _visible_order(request, reference)
    report = provider_get(order.provider).read_return(request.GET.dict())
    context = _order_context(order)
    context["returned"] = report.outcome if report is not None and report.reference == order.reference else ""
    return render(request, "payments/order.html", context)


@require_safe
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The e-receipt (biên lai điện tử) of a successful payment, as PDF."""
    order = _visible_order(request, reference)
    if order.status != OrderStatus.SUCCEEDED:
        raise Http404("receipt_not_available")
    pdf = receipts.receipt_render(order=order, lang=request.LANGUAGE_CODE or "vi")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-lai-{order.receipt_number}.pdf"'
    return response
