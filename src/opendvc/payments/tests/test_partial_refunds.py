"""Part of a paid order returned by the accountant (a charge collected twice in part): sent to the
provider over real HTTP, never beyond the order's amount, only within the accountant's agencies; the
order and its obligation stay paid."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from opendvc.audit.models import AuditEntry
from opendvc.core.errors import ApiError
from opendvc.dossiers.models import Dossier, DossierStatus
from opendvc.dossiers.tests.factories import World, officer_with
from opendvc.payments import outbound, services
from opendvc.payments.models import Obligation, OrderStatus, PaymentOrder, Refund, RefundStatus
from opendvc.payments.tests.test_gateway_flows import _pay_delivered, _start
from opendvc.payments.tests.test_pages import signed_in


def _paid(gateway: str, dossier: Dossier, provider: str = "sandbox") -> PaymentOrder:
    order, url = _start(dossier, provider)
    _answer, reply = _pay_delivered(gateway, url, "success")
    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCEEDED, reply
    return order


def _gateway_refunds(gateway: str, reference: str) -> list[dict[str, Any]]:
    return list(requests.get(f"{gateway}/refunds/{reference}", timeout=10).json()["refunds"])


@pytest.mark.parametrize("provider", ["sandbox", "vnpay"])
def test_part_of_a_paid_order_is_returned_once_and_the_order_stays_paid(
    provider: str, paying: tuple[World, Dossier], gateway: str
) -> None:
    world, dossier = paying
    order = _paid(gateway, dossier, provider)
    accountant = officer_with(world.agency, "accountant")

    refund = outbound.refund_partial_open(
        order_reference=order.reference,
        amount=3000,
        reason="Thu trùng phí cấp bản sao",
        actor=accountant,
        agency_ids={world.agency.pk},
    )
    assert (refund.partial, refund.amount, refund.status, refund.requested_by) == (True, 3000, "requested", accountant)
    done = outbound.refund_send(reference=refund.reference)
    again = outbound.refund_send(reference=refund.reference)

    assert done.status == RefundStatus.DONE and again.status == RefundStatus.DONE
    [returned] = _gateway_refunds(gateway, order.reference)
    assert (returned["refund_reference"], returned["amount"], returned["status"]) == (refund.reference, 3000, "done")
    order.refresh_from_db()
    dossier.refresh_from_db()
    assert order.status == OrderStatus.SUCCEEDED and dossier.status == DossierStatus.IN_PROGRESS
    assert Obligation.objects.get(pk=order.obligation_id).paid_at is not None
    assert AuditEntry.objects.filter(action="payment.refund_request_partial", actor=accountant).exists()


def test_refunds_never_reach_the_order_amount(paying: tuple[World, Dossier], gateway: str) -> None:
    world, dossier = paying
    order = _paid(gateway, dossier)
    accountant = officer_with(world.agency, "accountant")
    scope = {world.agency.pk}
    outbound.refund_partial_open(
        order_reference=order.reference, amount=5000, reason="Thu thừa", actor=accountant, agency_ids=scope
    )
    for amount in (3000, 8000, 0, -1):
        with pytest.raises(ApiError) as refused:
            outbound.refund_partial_open(
                order_reference=order.reference, amount=amount, reason="Thu thừa", actor=accountant, agency_ids=scope
            )
        assert refused.value.code == "refund_amount_invalid"
        assert "2.999 đ" in refused.value.message_vi
    second = outbound.refund_partial_open(
        order_reference=order.reference, amount=2999, reason="Thu thừa", actor=accountant, agency_ids=scope
    )
    assert second.amount == 2999 and Refund.objects.filter(order=order).count() == 2


def test_only_a_paid_order_of_ones_agencies_and_a_provider_that_can(
    paying: tuple[World, Dossier], gateway: str
) -> None:
    world, dossier = paying
    accountant = officer_with(world.agency, "accountant")
    open_order, _url = _start(dossier, "sandbox")
    with pytest.raises(ApiError) as unpaid:
        outbound.refund_partial_open(
            order_reference=open_order.reference,
            amount=1000,
            reason="x",
            actor=accountant,
            agency_ids={world.agency.pk},
        )
    assert unpaid.value.code == "order_not_paid"

    national, _start_info = services.payment_order_create(
        obligation=open_order.obligation, provider="national", actor=None, ip="127.0.0.1", base_url="http://t"
    )
    services.payment_confirm(reference=national.reference, amount=8000, source="callback")
    with pytest.raises(ApiError) as unconfirmed:
        outbound.refund_partial_open(
            order_reference=national.reference, amount=1000, reason="x", actor=accountant, agency_ids={world.agency.pk}
        )
    assert unconfirmed.value.code == "partial_refund_unavailable"

    foreign = officer_with(world.other_agency, "accountant")
    with pytest.raises(ApiError) as elsewhere:
        outbound.refund_partial_open(
            order_reference=national.reference,
            amount=1000,
            reason="x",
            actor=foreign,
            agency_ids={world.other_agency.pk},
        )
    assert elsewhere.value.code == "order_not_found"
    assert not Refund.objects.exists()


def test_accountant_asks_from_the_refunds_page_and_sees_errors_in_place(
    paying: tuple[World, Dossier], gateway: str
) -> None:
    world, dossier = paying
    order = _paid(gateway, dossier)
    client = signed_in(officer_with(world.agency, "accountant"))
    page = client.get("/ke-toan/hoan-tien/").content.decode()
    assert 'action="/ke-toan/hoan-tien/mot-phan/"' in page and 'for="id_order_reference"' in page

    too_much = client.post(
        "/ke-toan/hoan-tien/mot-phan/", {"order_reference": order.reference, "amount": "8000", "reason": "Thu thừa"}
    )
    assert too_much.status_code == 400 and "không quá 7.999 đ" in too_much.content.decode()
    missing = client.post("/ke-toan/hoan-tien/mot-phan/", {"order_reference": "", "amount": "", "reason": ""})
    assert missing.status_code == 400 and "Nhập mã giao dịch cần hoàn một phần." in missing.content.decode()
    assert not Refund.objects.exists()

    answer = client.post(
        "/ke-toan/hoan-tien/mot-phan/", {"order_reference": order.reference, "amount": "3000", "reason": "Thu trùng"}
    )
    assert answer.status_code == 302
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.partial, refund.reason) == (3000, True, "Thu trùng")
    listed = client.get("/ke-toan/hoan-tien/").content.decode()
    assert refund.reference in listed and "Hoàn một phần" in listed and "3.000 đ" in listed

    foreign = signed_in(officer_with(world.other_agency, "accountant"))
    refused = foreign.post(
        "/ke-toan/hoan-tien/mot-phan/", {"order_reference": order.reference, "amount": "1000", "reason": "x"}
    )
    assert refused.status_code == 404 and Refund.objects.count() == 1
