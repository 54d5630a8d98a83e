"""A dossier asked to pay more than once: each request is its own obligation with its own amount and
description, listed on the dossier page and paid on its own; the dossier leaves status 6 only when
every request is paid."""

from __future__ import annotations

import pytest
from django.utils import timezone

from opendvc.core.errors import ApiError
from opendvc.dossiers import services as dossier_services
from opendvc.dossiers.models import Dossier, DossierEvent, DossierStatus
from opendvc.dossiers.tests.factories import World, dossier_in_state
from opendvc.payments import services
from opendvc.payments.models import Obligation, PaymentOrder
from opendvc.payments.tests.test_pages import signed_in


def _appraising(world: World) -> Dossier:
    return dossier_in_state(world, status=4, step="appraise", assignee=world.specialist)


def _pay(world: World, obligation: Obligation, transaction: str) -> PaymentOrder:
    order, _start = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://testserver"
    )
    services.statement_lines_import(
        agency=world.agency,
        lines=[services.StatementLineInput(transaction, timezone.localdate(), obligation.amount, f"{order.reference}")],
        actor=None,
    )
    order.refresh_from_db()
    return order


def _settled(dossier: Dossier) -> int:
    return DossierEvent.objects.filter(dossier=dossier, action="payment_settled").count()


def test_a_second_charge_at_status_6_is_its_own_obligation_and_both_must_be_paid(world: World) -> None:
    dossier = dossier_services.dossier_request_payment(dossier=_appraising(world), actor=world.specialist)
    dossier = dossier_services.dossier_request_payment(
        dossier=dossier, actor=world.specialist, amount=50000, description="Phí thẩm định bổ sung"
    )
    first, second = Obligation.objects.filter(dossier=dossier).order_by("sequence")
    assert (first.sequence, first.amount, second.sequence, second.amount) == (1, 8000, 2, 50000)
    assert second.description.startswith("Phí thẩm định bổ sung")
    assert dossier.status == DossierStatus.PAYMENT_REQUESTED

    _pay(world, second, "FT-2")
    dossier.refresh_from_db()
    first.refresh_from_db()
    assert dossier.status == DossierStatus.PAYMENT_REQUESTED and first.paid_at is None and _settled(dossier) == 0
    assert services.obligation_for_dossier(dossier=dossier) == first

    _pay(world, first, "FT-1")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROGRESS and _settled(dossier) == 1


def test_a_charge_requested_after_the_first_was_paid_can_be_paid(world: World) -> None:
    dossier = dossier_services.dossier_request_payment(dossier=_appraising(world), actor=world.specialist)
    _pay(world, services.obligation_for_dossier(dossier=dossier), "FT-1")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROGRESS
    dossier = dossier_services.dossier_request_payment(dossier=dossier, actor=world.specialist, amount=120000)
    again = services.obligation_for_dossier(dossier=dossier)
    assert (again.sequence, again.amount, again.paid_at) == (2, 120000, None)
    _pay(world, again, "FT-2")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROGRESS and _settled(dossier) == 2


def test_the_dossier_page_lists_each_request_and_the_pay_page_pays_the_chosen_one(world: World) -> None:
    dossier = dossier_services.dossier_request_payment(dossier=_appraising(world), actor=world.specialist)
    dossier = dossier_services.dossier_request_payment(
        dossier=dossier, actor=world.specialist, amount=50000, description="Phí thẩm định bổ sung"
    )
    first = Obligation.objects.get(dossier=dossier, sequence=1)
    paid = _pay(world, first, "FT-1")
    client = signed_in(world.citizen)

    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Phí, lệ phí của hồ sơ" in page and "Phí thẩm định bổ sung" in page
    assert "8.000 đ" in page and "50.000 đ" in page and "Chưa nộp" in page
    assert f"/thanh-toan/bien-lai/{paid.reference}.pdf" in page
    assert timezone.localdate().strftime("%d/%m/%Y") in page
    assert "Số tiền phải nộp: <strong>50.000 đ</strong>" in page

    assert client.get(f"/thanh-toan/ho-so/{dossier.code}/?khoan=1")["Location"] == f"/thanh-toan/don/{paid.reference}/"
    chosen = client.get(f"/thanh-toan/ho-so/{dossier.code}/").content.decode()
    assert "50.000 đ" in chosen and "Phí thẩm định bổ sung" in chosen
    answer = client.post(f"/thanh-toan/ho-so/{dossier.code}/?khoan=2", {"provider": "vietqr"})
    assert answer.status_code == 302
    order = PaymentOrder.objects.exclude(pk=paid.pk).get()
    assert (order.obligation.sequence, order.amount) == (2, 50000)
    assert client.get(f"/thanh-toan/ho-so/{dossier.code}/?khoan=9").status_code == 404
    assert signed_in(world.other_citizen).get(f"/thanh-toan/ho-so/{dossier.code}/?khoan=2").status_code == 404


def test_only_the_specialist_at_appraisal_adds_a_charge(world: World) -> None:
    dossier = dossier_services.dossier_request_payment(dossier=_appraising(world), actor=world.specialist)
    with pytest.raises(ApiError):
        dossier_services.dossier_request_payment(dossier=dossier, actor=world.desk, amount=1000)
    assert Obligation.objects.filter(dossier=dossier).count() == 1


def test_a_dossier_waiting_from_before_gets_its_one_obligation_from_its_fee(world: World) -> None:
    dossier = dossier_in_state(world, status=6, step="appraise", fee_amount=8000)
    assert not Obligation.objects.filter(dossier=dossier).exists()
    obligation = services.obligation_for_dossier(dossier=dossier)
    assert (obligation.sequence, obligation.amount) == (1, 8000)
    assert services.obligation_for_dossier(dossier=dossier) == obligation
