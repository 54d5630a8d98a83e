"""The payment pages through Django's client: paying, the order and its receipt, the accountant's pages,
and who may see what."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opendvc.dossiers.models import Dossier
from opendvc.dossiers.tests.factories import AgencyFactory, CitizenFactory, World, dossier_in_state, officer_with
from opendvc.payments import services
from opendvc.payments.models import Obligation, OrderStatus, PaymentOrder


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pay_by_qr(client: Client, dossier: Dossier) -> PaymentOrder:
    answer = client.post(f"/thanh-toan/ho-so/{dossier.code}/", {"provider": "vietqr"})
    assert answer.status_code == 302, answer.content.decode()[:500]
    return PaymentOrder.objects.get(obligation__dossier=dossier)


def test_dossier_page_offers_online_payment_with_the_amount(world: World, fee_dossier: Dossier) -> None:
    page = signed_in(world.citizen).get(f"/ho-so-cua-toi/{fee_dossier.code}/").content.decode()
    assert f'href="/thanh-toan/ho-so/{fee_dossier.code}/"' in page and "8.000 đ" in page


def test_citizen_chooses_vietqr_and_sees_the_qr_with_the_reference(world: World, fee_dossier: Dossier) -> None:
    client = signed_in(world.citizen)
    page = client.get(f"/thanh-toan/ho-so/{fee_dossier.code}/").content.decode()
    for provider in ("sandbox", "national", "vnpay", "vietqr"):
        assert f'value="{provider}"' in page
    order = _pay_by_qr(client, fee_dossier)
    order_page = client.get(f"/thanh-toan/don/{order.reference}/").content.decode()
    assert "<svg" in order_page and order.reference in order_page and "113366668888" in order_page


def test_no_provider_chosen_is_an_error_in_place(world: World, fee_dossier: Dossier) -> None:
    answer = signed_in(world.citizen).post(f"/thanh-toan/ho-so/{fee_dossier.code}/", {})
    assert answer.status_code == 400 and "Chọn một cách thanh toán." in answer.content.decode()
    assert not PaymentOrder.objects.exists()


def test_someone_else_cannot_pay_or_see_the_dossier_order(world: World, fee_dossier: Dossier) -> None:
    order = _pay_by_qr(signed_in(world.citizen), fee_dossier)
    stranger = signed_in(world.other_citizen)
    assert stranger.get(f"/thanh-toan/ho-so/{fee_dossier.code}/").status_code == 404
    assert stranger.get(f"/thanh-toan/don/{order.reference}/").status_code == 404
    assert Client().get(f"/thanh-toan/don/{order.reference}/").status_code == 404
    services.payment_confirm(reference=order.reference, amount=8000, source="statement")
    assert stranger.get(f"/thanh-toan/bien-lai/{order.reference}.pdf").status_code == 404
    assert signed_in(world.foreign_officer).get(f"/thanh-toan/bien-lai/{order.reference}.pdf").status_code == 404


def test_dossier_not_waiting_for_payment_cannot_be_paid(world: World) -> None:
    dossier = dossier_in_state(world, status=4, step="appraise")
    answer = signed_in(world.citizen).post(f"/thanh-toan/ho-so/{dossier.code}/", {"provider": "vietqr"})
    assert answer.status_code == 409 and not PaymentOrder.objects.exists()


def test_receipt_is_a_pdf_once_paid_and_the_dossier_shows_it(world: World, fee_dossier: Dossier) -> None:
    client = signed_in(world.citizen)
    order = _pay_by_qr(client, fee_dossier)
    assert client.get(f"/thanh-toan/bien-lai/{order.reference}.pdf").status_code == 404
    services.payment_confirm(reference=order.reference, amount=8000, source="statement")
    receipt = client.get(f"/thanh-toan/bien-lai/{order.reference}.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    dossier_page = client.get(f"/ho-so-cua-toi/{fee_dossier.code}/").content.decode()
    assert "Phí, lệ phí đã nộp" in dossier_page and f"/thanh-toan/bien-lai/{order.reference}.pdf" in dossier_page
    assert signed_in(world.desk).get(f"/thanh-toan/bien-lai/{order.reference}.pdf").status_code == 200


def test_paying_again_after_success_leads_to_the_paid_order(world: World, fee_dossier: Dossier) -> None:
    client = signed_in(world.citizen)
    order = _pay_by_qr(client, fee_dossier)
    services.payment_confirm(reference=order.reference, amount=8000, source="statement")
    answer = client.get(f"/thanh-toan/ho-so/{fee_dossier.code}/")
    assert answer.status_code == 302 and answer["Location"] == f"/thanh-toan/don/{order.reference}/"


def test_the_browser_return_never_settles_an_order(world: World, fee_dossier: Dossier) -> None:
    client = signed_in(world.citizen)
    order = _pay_by_qr(client, fee_dossier)
    page = client.get(f"/thanh-toan/ket-qua/{order.reference}/", {"status": "succeeded", "signature": "x"})
    order.refresh_from_db()
    assert page.status_code == 200 and order.status == OrderStatus.PENDING


def test_amount_words_on_receipts() -> None:
    from opendvc.payments.receipts import amount_in_words

    assert amount_in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert amount_in_words(800_000) == "Tám trăm nghìn đồng"
    assert amount_in_words(8_015) == "Tám nghìn không trăm mười lăm đồng"
    assert amount_in_words(21_000_005) == "Hai mươi mốt triệu không trăm lẻ năm đồng"


# --- Standalone obligations -----------------------------------------------------------------------


@pytest.fixture
def police(db: None) -> Any:
    return AgencyFactory.create(code="G01.79", level1="G01", name="Công an Thành phố Hồ Chí Minh")


def test_a_traffic_fine_is_found_by_its_decision_number_and_paid_signed_out(
    police: Any, obligations_source: str
) -> None:
    client = Client()
    page = client.get("/thanh-toan/nghia-vu/", {"kind": "traffic_fine", "reference": "01234/qđ-xphc"}).content.decode()
    assert "800.000 đ" in page and "Nguyễn Văn An" in page
    answer = client.post(
        "/thanh-toan/nghia-vu/", {"kind": "traffic_fine", "reference": "01234/QĐ-XPHC", "provider": "vietqr"}
    )
    assert answer.status_code == 302
    order = PaymentOrder.objects.get()
    assert (order.amount, order.obligation.agency, order.created_by) == (800000, police, None)
    assert client.get(answer["Location"]).status_code == 200


def test_an_unknown_number_says_how_to_fix_it(police: Any, obligations_source: str) -> None:
    answer = Client().get("/thanh-toan/nghia-vu/", {"kind": "traffic_fine", "reference": "99999/QĐ-XPHC"})
    assert answer.status_code == 404 and "Kiểm tra lại số quyết định" in answer.content.decode()
    assert not Obligation.objects.exists()


def test_a_fine_paid_at_its_source_cannot_be_paid_again(db: None, obligations_source: str) -> None:
    AgencyFactory.create(code="G01.01", level1="G01", name="Công an Thành phố Hà Nội")
    answer = Client().get("/thanh-toan/nghia-vu/", {"kind": "traffic_fine", "reference": "00999/QĐ-XPHC"})
    assert answer.status_code == 409


def test_source_down_is_a_clear_503(police: Any, settings: Any) -> None:
    settings.OPENDVC_OBLIGATIONS_URL = "http://127.0.0.1:9"
    answer = Client().get("/thanh-toan/nghia-vu/", {"kind": "traffic_fine", "reference": "01234/QĐ-XPHC"})
    assert answer.status_code == 503 and "thử lại sau" in answer.content.decode()


def test_a_signed_in_payer_order_is_theirs_only(police: Any, obligations_source: str) -> None:
    payer = CitizenFactory.create()
    client = signed_in(payer)
    answer = client.post(
        "/thanh-toan/nghia-vu/", {"kind": "traffic_fine", "reference": "01235/QĐ-XPHC", "provider": "vietqr"}
    )
    assert client.get(answer["Location"]).status_code == 200
    assert Client().get(answer["Location"]).status_code == 404


# --- The accountant -------------------------------------------------------------------------------


def test_only_accountants_see_collections_and_reconciliation(world: World) -> None:
    for path in ("/ke-toan/thu-phi/", "/ke-toan/doi-soat/"):
        assert signed_in(world.desk).get(path).status_code == 403
    accountant = officer_with(world.agency, "accountant")
    assert signed_in(accountant).get("/ke-toan/thu-phi/").status_code == 200


def test_collections_list_the_agency_payments_of_the_day_only(world: World, fee_dossier: Dossier) -> None:
    order = _pay_by_qr(signed_in(world.citizen), fee_dossier)
    services.payment_confirm(reference=order.reference, amount=8000, source="statement")
    mine = signed_in(officer_with(world.agency, "accountant")).get("/ke-toan/thu-phi/").content.decode()
    theirs = signed_in(officer_with(world.other_agency, "accountant")).get("/ke-toan/thu-phi/").content.decode()
    assert order.reference in mine and "8.000 đ" in mine
    assert order.reference not in theirs


def test_statement_upload_settles_the_transfer_and_reconciliation_lists_the_stray_line(
    world: World, fee_dossier: Dossier
) -> None:
    from django.utils import timezone

    order = _pay_by_qr(signed_in(world.citizen), fee_dossier)
    accountant = signed_in(officer_with(world.agency, "accountant"))
    today = timezone.localdate().strftime("%d/%m/%Y")
    csv = (
        "ma_giao_dich,ngay,so_tien,noi_dung\n"
        f"FT100,{today},8.000,{order.reference} nop phi\nFT101,{today},50.000,ung ho\n"
    )
    answer = accountant.post(
        "/ke-toan/sao-ke/",
        {"agency": str(world.agency.pk), "file": SimpleUploadedFile("sao-ke.csv", csv.encode(), "text/csv")},
    )
    assert answer.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCEEDED
    page = accountant.post("/ke-toan/doi-soat/", {"kenh": "vietqr", "ngay": today}).content.decode()
    assert "FT101" in page and "xác định người nộp" in page and "FT100" not in page


def test_accountant_cannot_upload_for_another_agency(world: World) -> None:
    accountant = signed_in(officer_with(world.agency, "accountant"))
    csv = b"FT1,02/12/2026,8000,x\n"
    accountant.post(
        "/ke-toan/sao-ke/",
        {"agency": str(world.other_agency.pk), "file": SimpleUploadedFile("s.csv", csv, "text/csv")},
    )
    from opendvc.payments.models import StatementLine

    assert not StatementLine.objects.exists()


def test_pages_speak_english_when_asked(world: World, fee_dossier: Dossier) -> None:
    client = signed_in(world.citizen)
    client.cookies["django_language"] = "en"
    page = client.get(f"/thanh-toan/ho-so/{fee_dossier.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pay the fees" in page and "Choose how to pay" in page
