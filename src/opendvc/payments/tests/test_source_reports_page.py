"""The accountant's page of payment reports their source system refused or has not taken: a fine paid
here must be known there, so each one left over is shown with what to do, to that agency only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from opendvc.agencies.models import Agency
from opendvc.dossiers.tests.factories import AgencyFactory, World, officer_with
from opendvc.payments import outbound, services
from opendvc.payments.models import Obligation, ObligationKind, PaymentOrder, SourceReport
from opendvc.payments.sources import PaymentReport, obligation_source
from opendvc.payments.tests.test_pages import signed_in

DOWN = "http://127.0.0.1:9"
PAGE = "/ke-toan/bao-nguon/"


@pytest.fixture
def police(db: None) -> Agency:
    return AgencyFactory.create(code="G01.79", level1="G01", name="Công an Thành phố Hồ Chí Minh")


@pytest.fixture
def fines_source(reference_service: Any, settings: Any, request: pytest.FixtureRequest) -> str:
    url = reference_service("obligations", OBLIGATIONS_TEST_SCOPE=request.node.name)
    settings.OPENDVC_OBLIGATIONS_URL = url
    return url


def _pay(reference: str, *, amount: int | None = None, paid_elsewhere: bool = False) -> PaymentOrder:
    obligation = services.obligation_fetch(kind=ObligationKind.TRAFFIC_FINE, reference=reference)
    if amount is not None:  # our copy disagrees with the source (the fine was changed there since)
        Obligation.objects.filter(pk=obligation.pk).update(amount=amount)
        obligation.refresh_from_db()
    order, _start = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://testserver"
    )
    if paid_elsewhere:
        _paid_elsewhere(reference, obligation.amount)
    services.payment_confirm(reference=order.reference, amount=order.amount, source="statement")
    order.refresh_from_db()
    return order


def _paid_elsewhere(reference: str, amount: int) -> None:
    """The fine is paid at the source through another channel while the payer pays it here too."""
    obligation_source().payment_report(
        PaymentReport(
            kind="traffic_fine",
            reference=reference,
            order_reference="KB261204OTHER1",
            amount=amount,
            currency="VND",
            paid_at="",
            receipt_number="KB-1",
        )
    )


def test_refusals_and_failing_reports_are_listed_with_what_to_do(
    world: World, police: Agency, fines_source: str, settings: Any
) -> None:
    twice = _pay("01234/QĐ-XPHC", paid_elsewhere=True)
    mismatch = _pay("01235/QĐ-XPHC", amount=300_000)
    outbound.source_reports_due_send()
    assert SourceReport.objects.get(order=twice).answer == "paid_otherwise"
    assert SourceReport.objects.get(order=mismatch).answer == "amount_mismatch"

    failing = _pay_registration_fee()
    report = SourceReport.objects.get(order=failing)
    settings.OPENDVC_OBLIGATIONS_URL = DOWN
    now = timezone.now()
    for _attempt in range(3):
        outbound.source_report_send(report_id=report.pk, now=now)
        now += timedelta(hours=2)
    report.refresh_from_db()
    assert report.sent_at is None and report.attempts == 3

    accountant = officer_with(police, "accountant")
    finance = Agency.objects.get(code="G12")
    officer_with(finance, "accountant", username=accountant.username)  # the same person, for both agencies
    answer = signed_in(accountant).get(PAGE)
    html = answer.content.decode()
    assert answer.status_code == 200
    for order in (twice, mismatch, failing):
        assert order.reference in html and order.receipt_number in html
    assert "01234/QĐ-XPHC" in html and "800.000 đ" in html and "300.000 đ" in html
    assert "khoản đã được nộp qua kênh khác" in html and "hoàn trả giao dịch này cho người nộp" in html
    assert "số tiền không khớp" in html and "thu bổ sung hoặc hoàn trả phần chênh lệch" in html
    assert "Chưa báo được (đã gửi 3 lần)" in html and "tiếp tục gửi lại tự động" in html


def _pay_registration_fee() -> PaymentOrder:
    AgencyFactory.create(code="G12", level1="G12", name="Bộ Tài chính")
    obligation = services.obligation_fetch(kind=ObligationKind.REGISTRATION_FEE, reference="LPTB-79-2611-000123")
    order, _start = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://testserver"
    )
    services.payment_confirm(reference=order.reference, amount=order.amount, source="statement")
    order.refresh_from_db()
    return order


def test_reports_taken_or_still_being_retried_are_not_listed(world: World, police: Agency, fines_source: str) -> None:
    taken = _pay("01235/QĐ-XPHC")
    outbound.source_reports_due_send()
    assert SourceReport.objects.get(order=taken).answer == "recorded"
    html = signed_in(officer_with(police, "accountant")).get(PAGE).content.decode()
    assert taken.reference not in html and "Không có lần báo nào cần xử lý." in html


def test_another_agency_accountant_sees_none_and_others_are_refused(
    world: World, police: Agency, fines_source: str
) -> None:
    order = _pay("01234/QĐ-XPHC", paid_elsewhere=True)
    outbound.source_reports_due_send()
    assert SourceReport.objects.get(order=order).answer == "paid_otherwise"

    html = signed_in(officer_with(world.agency, "accountant")).get(PAGE).content.decode()
    assert order.reference not in html and "01234/QĐ-XPHC" not in html
    assert signed_in(world.desk).get(PAGE).status_code == 403
    assert signed_in(officer_with(police, "accountant")).get(PAGE).status_code == 200


def test_accountant_navigation_links_the_page(world: World) -> None:
    html = signed_in(officer_with(world.agency, "accountant")).get("/ke-toan/thu-phi/").content.decode()
    assert f'href="{PAGE}"' in html and "Báo về hệ thống nguồn" in html
