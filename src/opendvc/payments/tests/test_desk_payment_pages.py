"""The desk payment through the officer's pages: the form on the dossier page, its confirmation, the
errors it shows in place, who may use it, and the e-receipt it issues as PDF."""

from __future__ import annotations

import re
from html import unescape

from django.test import Client
from django.utils import timezone

from opendvc.dossiers import services as dossier_services
from opendvc.dossiers.models import Dossier, DossierStatus
from opendvc.dossiers.tests.documents.conftest import one_line, pdf_text
from opendvc.dossiers.tests.factories import World, dossier_in_state
from opendvc.payments.models import Obligation, OrderStatus, PaymentOrder
from opendvc.payments.tests.test_pages import signed_in

ACTION = "payment-settled"


def _waiting(world: World, *, amount: int | None = None) -> Dossier:
    dossier = dossier_in_state(world, status=4, step="appraise", assignee=world.specialist)
    return dossier_services.dossier_request_payment(dossier=dossier, actor=world.specialist, amount=amount)


def _action_url(dossier: Dossier) -> str:
    return f"/can-bo/ho-so/{dossier.code}/thao-tac/{ACTION}/"


def _record(client: Client, dossier: Dossier, reference: str) -> tuple[str, object]:
    """Send the form, then confirm with the values the confirmation page carries, as the officer does."""
    first = client.post(_action_url(dossier), {f"{ACTION}-reference": reference})
    assert first.status_code == 200, first.content.decode()[:1000]
    html = first.content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    hidden.pop("csrfmiddlewaretoken", None)
    return html, client.post(_action_url(dossier), {**{k: unescape(v) for k, v in hidden.items()}, "confirmed": "1"})


def test_desk_form_renders_for_the_agency_officer_while_the_fees_wait_at_6(world: World) -> None:
    dossier = _waiting(world)
    html = signed_in(world.desk).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert f'action="{_action_url(dossier)}"' in html
    assert f'name="{ACTION}-reference"' in html and f'for="id_{ACTION}-reference"' in html
    assert "Số biên lai hoặc mã giao dịch" in html and "Chưa nộp" in html


def test_desk_form_is_not_offered_before_6_nor_once_paid_online(world: World) -> None:
    at_4 = dossier_in_state(world, status=4, step="appraise", assignee=world.specialist)
    assert f'name="{ACTION}-reference"' not in signed_in(world.desk).get(f"/can-bo/ho-so/{at_4.code}/").content.decode()

    dossier = _waiting(world)
    obligation = Obligation.objects.get(dossier=dossier)
    # Paid online but the dossier's settlement has not happened yet (it stays at 6 for this test).
    Obligation.objects.filter(pk=obligation.pk).update(paid_at=timezone.now())
    html = signed_in(world.desk).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.PAYMENT_REQUESTED
    assert f'name="{ACTION}-reference"' not in html


def test_posting_the_desk_form_settles_the_dossier_with_a_desk_receipt(world: World) -> None:
    dossier = _waiting(world, amount=150_000)
    client = signed_in(world.desk)

    confirmation, done = _record(client, dossier, "BL-0001")

    assert "BL-0001" in confirmation and "Xác nhận" in confirmation
    assert done.status_code == 302  # type: ignore[attr-defined]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROGRESS
    order = PaymentOrder.objects.get(obligation__dossier=dossier)
    assert (order.provider, order.status, order.amount, order.created_by) == (
        "desk",
        OrderStatus.SUCCEEDED,
        150_000,
        world.desk,
    )
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Đã nộp tại quầy lúc" in page and order.receipt_number in page


def test_an_officer_of_another_agency_gets_404_and_nothing_changes(world: World) -> None:
    dossier = _waiting(world)
    client = signed_in(world.foreign_officer)
    assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 404
    answer = client.post(_action_url(dossier), {f"{ACTION}-reference": "BL-0001", "confirmed": "1"})
    assert answer.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PAYMENT_REQUESTED and not PaymentOrder.objects.exists()


def test_a_missing_or_bad_receipt_number_is_a_clear_error_in_place(world: World) -> None:
    dossier = _waiting(world)
    client = signed_in(world.desk)
    cases = {
        "": "Nhập số biên lai hoặc mã giao dịch máy POS đã giao cho người nộp.",
        "   ": "Nhập số biên lai hoặc mã giao dịch máy POS đã giao cho người nộp.",
        "tiền mặt": "phải có chữ số",
        "<script>1</script>": "phải có chữ số",
        "1" * 101: "dài tối đa 100 ký tự",
    }
    for reference, message in cases.items():
        answer = client.post(_action_url(dossier), {f"{ACTION}-reference": reference, "confirmed": "1"})
        html = unescape(answer.content.decode())
        assert answer.status_code == 400, reference
        assert message in html, reference
        assert 'class="usa-error-message"' in html or "usa-form-group--error" in html
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PAYMENT_REQUESTED and not PaymentOrder.objects.exists()


def test_desk_receipt_pdf_downloads_with_its_number_and_amount(world: World) -> None:
    dossier = _waiting(world, amount=1_250_000)
    _confirmation, done = _record(signed_in(world.desk), dossier, "POS 778899")
    assert done.status_code == 302  # type: ignore[attr-defined]
    order = PaymentOrder.objects.get(obligation__dossier=dossier, provider="desk")

    for user in (world.citizen, world.desk):
        answer = signed_in(user).get(f"/thanh-toan/bien-lai/{order.reference}.pdf")
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
        assert answer["Content-Disposition"] == f'attachment; filename="bien-lai-{order.receipt_number}.pdf"'
        text = one_line(pdf_text(answer.content))
        assert order.receipt_number in text
        assert "1.250.000 đ" in text and "Một triệu hai trăm năm mươi nghìn đồng" in text
        assert "Nộp tại Bộ phận Một cửa" in text
    assert signed_in(world.foreign_officer).get(f"/thanh-toan/bien-lai/{order.reference}.pdf").status_code == 404
