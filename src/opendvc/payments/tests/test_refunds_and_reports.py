"""Money paid twice goes back through the provider (or is recorded by the accountant for a bank
transfer), and a fine paid here is reported to the system that issued it — each over real HTTP to the
reference peers, including the peer being down."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from django.test import Client
from django.utils import timezone

from opendvc.audit.models import AuditEntry
from opendvc.dossiers.models import Dossier, DossierEvent
from opendvc.dossiers.tests.factories import AgencyFactory, World, officer_with
from opendvc.payments import outbound, services
from opendvc.payments.models import (
    ObligationKind,
    OrderStatus,
    PaymentEvent,
    PaymentOrder,
    Refund,
    RefundStatus,
    SourceReport,
)
from opendvc.payments.providers.registry import provider_get
from opendvc.payments.sources import PaymentReport, obligation_source
from opendvc.payments.tests.test_gateway_flows import _notifications, _pay, _start, deliver
from opendvc.payments.tests.test_pages import signed_in

DOWN = "http://127.0.0.1:9"


def _paid_twice(dossier: Dossier, gateway: str, provider: str) -> tuple[PaymentOrder, PaymentOrder]:
    """Two tabs: both orders are paid at the gateway; the second confirmation becomes a refund."""
    first, first_url = _start(dossier, provider)
    second, second_url = _start(dossier, provider)
    _pay(first_url, "success")
    _pay(second_url, "success")
    for order in (first, second):
        [message] = _notifications(gateway, order.reference)
        deliver(message)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OrderStatus.SUCCEEDED, OrderStatus.REFUNDED)
    return first, second


def _gateway_refunds(gateway: str, reference: str) -> list[dict[str, Any]]:
    return list(requests.get(f"{gateway}/refunds/{reference}", timeout=10).json()["refunds"])


@pytest.mark.parametrize("provider", ["sandbox", "national", "vnpay"])
def test_the_second_payment_is_refunded_through_its_provider_once(
    provider: str, paying: tuple[World, Dossier], gateway: str
) -> None:
    _world, dossier = paying
    first, second = _paid_twice(dossier, gateway, provider)
    refund = Refund.objects.get(order=second)
    assert (refund.status, refund.amount, refund.provider) == (RefundStatus.REQUESTED, 8000, provider)

    counts = outbound.refunds_due_send()

    refund.refresh_from_db()
    assert counts["done"] == 1 and refund.status == RefundStatus.DONE and refund.provider_reference
    [returned] = _gateway_refunds(gateway, second.reference)
    assert (returned["refund_reference"], returned["amount"], returned["status"]) == (refund.reference, 8000, "done")
    assert _gateway_refunds(gateway, first.reference) == []
    actions = list(PaymentEvent.objects.filter(order=second).values_list("action", flat=True))
    assert actions[-2:] == ["refund_requested", "refund_done"]
    assert AuditEntry.objects.filter(action="payment.refund_done", object_id=refund.reference).exists()

    assert outbound.refund_send(reference=refund.reference).status == RefundStatus.DONE
    assert outbound.refunds_due_send()["done"] == 0
    assert len(_gateway_refunds(gateway, second.reference)) == 1
    assert DossierEvent.objects.filter(dossier=dossier, action="payment_settled").count() == 1


@pytest.mark.parametrize("provider", ["sandbox", "national", "vnpay"])
def test_the_gateway_returns_money_once_per_refund_reference(
    provider: str, paying: tuple[World, Dossier], gateway: str
) -> None:
    _world, dossier = paying
    _first, second = _paid_twice(dossier, gateway, provider)
    plugin = provider_get(provider)
    again = [
        plugin.refund(second, refund_reference=f"RF-{second.reference}", amount=8000, reason="x") for _ in range(2)
    ]
    assert [result.outcome for result in again] == ["done", "done"]
    assert again[0].provider_reference == again[1].provider_reference
    other = plugin.refund(second, refund_reference=f"RF-OTHER-{second.reference}", amount=8000, reason="x")
    assert other.outcome == "refused"
    assert [r["status"] for r in _gateway_refunds(gateway, second.reference)] == ["done", "refused"]


@pytest.mark.parametrize(
    ("provider", "secret_setting", "code"),
    [
        ("sandbox", "PAYMENT_SANDBOX_SECRET", "bad_signature"),
        ("national", "PAYMENT_PP_SECRET", "97"),
        ("vnpay", "VNPAY_HASH_SECRET", "97"),
    ],
)
def test_a_refund_signed_with_another_secret_is_refused_by_the_gateway(
    provider: str, secret_setting: str, code: str, paying: tuple[World, Dossier], gateway: str, settings: Any
) -> None:
    _world, dossier = paying
    _first, second = _paid_twice(dossier, gateway, provider)
    setattr(settings, secret_setting, "not-the-merchant-secret")
    refund = outbound.refund_send(reference=Refund.objects.get(order=second).reference)
    assert (refund.status, refund.last_error) == (RefundStatus.FAILED, code)
    assert _gateway_refunds(gateway, second.reference) == []
    assert PaymentEvent.objects.filter(order=second, action="refund_failed").exists()


def test_a_refund_waits_while_the_provider_is_down_and_is_sent_later(
    paying: tuple[World, Dossier], gateway: str, settings: Any
) -> None:
    _world, dossier = paying
    _first, second = _paid_twice(dossier, gateway, "vnpay")
    refund = Refund.objects.get(order=second)
    settings.OPENDVC_PAYMENT_GATEWAY_URL = DOWN
    now = timezone.now()
    assert outbound.refunds_due_send(now=now) == {"done": 0, "failed": 0, "waiting": 1}
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED and refund.attempts == 1 and refund.last_error
    assert refund.next_attempt_at is not None and refund.next_attempt_at > now
    assert outbound.refunds_due_send(now=now) == {"done": 0, "failed": 0, "waiting": 0}

    settings.OPENDVC_PAYMENT_GATEWAY_URL = gateway
    assert outbound.refunds_due_send(now=refund.next_attempt_at)["done"] == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.DONE and refund.attempts == 2
    assert len(_gateway_refunds(gateway, second.reference)) == 1


def test_a_bank_transfer_paid_twice_is_refunded_by_the_accountant(world: World, fee_dossier: Dossier) -> None:
    obligation = services.obligation_for_dossier(dossier=fee_dossier)
    orders = [
        services.payment_order_create(
            obligation=obligation, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://testserver"
        )[0]
        for _ in range(2)
    ]
    day = timezone.localdate()
    services.statement_lines_import(
        agency=world.agency,
        lines=[
            services.StatementLineInput(f"FT{n}", day, 8000, f"{order.reference} NOP PHI")
            for n, order in enumerate(orders)
        ],
        actor=None,
    )
    refund = Refund.objects.get(order=orders[1])
    assert refund.status == RefundStatus.REQUESTED and refund.next_attempt_at is None
    assert outbound.refunds_due_send(now=timezone.now() + timedelta(days=1))["waiting"] == 0
    with pytest.raises(services.ApiError) as manual:
        outbound.refund_send(reference=refund.reference)
    assert manual.value.code == "refund_manual"

    accountant = officer_with(world.agency, "accountant")
    client = signed_in(accountant)
    page = client.get("/ke-toan/hoan-tien/").content.decode()
    assert refund.reference in page and "Đã yêu cầu hoàn tiền" in page
    empty = client.post(f"/ke-toan/hoan-tien/{refund.reference}/ghi-nhan/", {"bank_transaction": " "})
    assert empty.status_code == 302
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED
    client.post(f"/ke-toan/hoan-tien/{refund.reference}/ghi-nhan/", {"bank_transaction": "FT-HOAN-001"})
    refund.refresh_from_db()
    assert (refund.status, refund.provider_reference, refund.done_by) == (RefundStatus.DONE, "FT-HOAN-001", accountant)
    assert AuditEntry.objects.filter(action="payment.refund_recorded", actor=accountant).exists()
    assert "Đã hoàn tiền" in client.get("/ke-toan/hoan-tien/").content.decode()


def test_the_accountant_resends_a_refused_refund_and_others_cannot(
    paying: tuple[World, Dossier], gateway: str, settings: Any
) -> None:
    world, dossier = paying
    _first, second = _paid_twice(dossier, gateway, "sandbox")
    refund = Refund.objects.get(order=second)
    settings.PAYMENT_SANDBOX_SECRET = "rotated-too-early"
    outbound.refund_send(reference=refund.reference)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    assert outbound.refunds_due_send(now=timezone.now() + timedelta(days=1))["done"] == 0

    path = f"/ke-toan/hoan-tien/{refund.reference}/gui/"
    assert signed_in(world.desk).post(path).status_code == 403
    assert signed_in(officer_with(world.other_agency, "accountant")).post(path).status_code == 404
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED

    settings.PAYMENT_SANDBOX_SECRET = "opendvc-sandbox-development-secret"
    accountant = officer_with(world.agency, "accountant")
    client = signed_in(accountant)
    assert "Hoàn tiền không thành công" in client.get("/ke-toan/hoan-tien/").content.decode()
    assert client.post(path).status_code == 302
    refund.refresh_from_db()
    assert refund.status == RefundStatus.DONE
    assert AuditEntry.objects.filter(action="payment.refund_resend", actor=accountant).exists()
    assert len(_gateway_refunds(gateway, second.reference)) == 1


# --- Reporting a paid fine to its source ---------------------------------------------------------------


@pytest.fixture
def fines_source(reference_service: Any, settings: Any, request: pytest.FixtureRequest) -> str:
    """A source of its own for the test: what is paid there stays paid for the whole session."""
    url = reference_service("obligations", OBLIGATIONS_TEST_SCOPE=request.node.name)
    settings.OPENDVC_OBLIGATIONS_URL = url
    return url


def _source_lookup(url: str, reference: str) -> dict[str, Any]:
    answer = requests.get(
        f"{url}/api/v1/obligations",
        params={"kind": "traffic_fine", "reference": reference},
        headers={"Authorization": "Bearer opendvc-obligations-development-key"},
        timeout=10,
    )
    return dict(answer.json())


def _pay_fine(world: World, reference: str) -> PaymentOrder:
    AgencyFactory.create(code="G01.79", level1="G01", name="Công an Thành phố Hồ Chí Minh")
    obligation = services.obligation_fetch(kind=ObligationKind.TRAFFIC_FINE, reference=reference)
    order, _start_info = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://testserver"
    )
    services.payment_confirm(reference=order.reference, amount=order.amount, source="statement")
    order.refresh_from_db()
    return order


def test_a_paid_fine_is_reported_to_its_source_later_when_the_source_is_down(
    world: World, fines_source: str, settings: Any
) -> None:
    order = _pay_fine(world, "01234/QĐ-XPHC")
    report = SourceReport.objects.get(obligation=order.obligation)
    assert report.sent_at is None and _source_lookup(fines_source, "01234/QĐ-XPHC")["status"] == "unpaid"

    settings.OPENDVC_OBLIGATIONS_URL = DOWN
    now = timezone.now()
    assert outbound.source_reports_due_send(now=now) == {"sent": 0, "waiting": 1}
    report.refresh_from_db()
    assert report.sent_at is None and report.attempts == 1 and report.next_attempt_at > now
    assert outbound.source_reports_due_send(now=now) == {"sent": 0, "waiting": 0}

    settings.OPENDVC_OBLIGATIONS_URL = fines_source
    assert outbound.source_reports_due_send(now=report.next_attempt_at) == {"sent": 1, "waiting": 0}
    report.refresh_from_db()
    assert report.sent_at is not None and report.answer == "recorded"
    looked_up = _source_lookup(fines_source, "01234/QĐ-XPHC")
    assert (looked_up["status"], looked_up["paid_by"]) == ("paid", order.reference)
    assert outbound.source_reports_due_send(now=timezone.now() + timedelta(days=1))["sent"] == 0
    assert AuditEntry.objects.filter(action="payment.source_reported", object_id=order.reference).exists()


def test_the_source_counts_a_repeated_report_once_and_refuses_another_payment(world: World, fines_source: str) -> None:
    order = _pay_fine(world, "01235/QĐ-XPHC")
    report = outbound.source_report_send(report_id=SourceReport.objects.get(obligation=order.obligation).pk)
    assert report.answer == "recorded"
    message = PaymentReport(
        kind="traffic_fine",
        reference="01235/QĐ-XPHC",
        order_reference=order.reference,
        amount=400000,
        currency="VND",
        paid_at="",
        receipt_number=order.receipt_number,
    )
    assert obligation_source().payment_report(message) == "already_recorded"
    from opendvc.payments.sources import SourceRefused

    with pytest.raises(SourceRefused) as twice:
        obligation_source().payment_report(PaymentReport(**{**message.__dict__, "order_reference": "OD261203OTHER"}))
    assert twice.value.code == "paid_otherwise"
    forged = requests.post(
        f"{fines_source}/api/v1/obligations/payments",
        json=message.__dict__,
        headers={"Authorization": "Bearer opendvc-obligations-development-key", "X-Signature": "00"},
        timeout=10,
    )
    assert forged.status_code == 401


def test_a_fine_reported_paid_reads_as_paid_at_its_source(world: World, fines_source: str) -> None:
    order = _pay_fine(world, "01234/QĐ-XPHC")
    assert obligation_source().fetch(kind="traffic_fine", reference="01234/QĐ-XPHC").paid is False
    outbound.source_reports_due_send()
    assert obligation_source().fetch(kind="traffic_fine", reference="01234/QĐ-XPHC").paid is True
    page = Client().get("/thanh-toan/nghia-vu/", {"kind": "traffic_fine", "reference": "01234/QĐ-XPHC"})
    assert page.status_code == 200 and order.reference in page.content.decode()


def test_dossier_fees_are_not_reported_to_any_source(world: World, fee_dossier: Dossier) -> None:
    obligation = services.obligation_for_dossier(dossier=fee_dossier)
    order, _start_info = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://testserver"
    )
    services.payment_confirm(reference=order.reference, amount=8000, source="statement")
    assert not SourceReport.objects.exists()
