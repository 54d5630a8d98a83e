"""A dossier paid at the one-stop desk: the officer's record settles its obligations, with a receipt,
so it is neither paid twice nor missing from the accountant's collections."""

from __future__ import annotations

import pytest
from django.utils import timezone

from opendvc.audit.models import AuditEntry
from opendvc.core.errors import ApiError
from opendvc.dossiers import services as dossier_services
from opendvc.dossiers.models import Dossier, DossierEvent, DossierStatus
from opendvc.dossiers.tests.factories import World, dossier_in_state
from opendvc.payments import selectors, services
from opendvc.payments.models import Obligation, OrderStatus, PaymentEvent, PaymentOrder
from opendvc.payments.tests.test_pages import signed_in


def _requested(world: World) -> Dossier:
    dossier = dossier_in_state(world, status=4, step="appraise", assignee=world.specialist)
    return dossier_services.dossier_request_payment(dossier=dossier, actor=world.specialist)


def _pay_online(world: World, obligation: Obligation) -> PaymentOrder:
    order, _start = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://testserver"
    )
    services.statement_lines_import(
        agency=world.agency,
        lines=[services.StatementLineInput("FT-1", timezone.localdate(), obligation.amount, order.reference)],
        actor=None,
    )
    order.refresh_from_db()
    return order


def _counts(dossier: Dossier) -> tuple[int, int, int, int]:
    return (
        DossierEvent.objects.filter(dossier=dossier).count(),
        PaymentOrder.objects.filter(obligation__dossier=dossier).count(),
        PaymentEvent.objects.filter(order__obligation__dossier=dossier).count(),
        Obligation.objects.filter(dossier=dossier, paid_at__isnull=False).count(),
    )


def test_desk_payment_settles_the_obligation_with_a_receipt_and_the_officer_audited(world: World) -> None:
    dossier = _requested(world)
    dossier = dossier_services.dossier_payment_settled(dossier=dossier, actor=world.desk, reference="Tiền mặt")

    assert dossier.status == DossierStatus.IN_PROGRESS
    obligation = Obligation.objects.get(dossier=dossier)
    order = PaymentOrder.objects.get(obligation=obligation)
    assert obligation.paid_at is not None and obligation.paid_at == order.settled_at
    assert (order.provider, order.status, order.amount, order.created_by) == ("desk", "succeeded", 8000, world.desk)
    assert order.receipt_number == f"BL-{timezone.localtime(order.settled_at):%Y}-{order.reference[2:]}"
    event = PaymentEvent.objects.get(order=order)
    assert (event.action, event.source, event.to_status) == ("succeeded", "desk", "succeeded")
    audit = AuditEntry.objects.get(action="payment.desk", object_id=order.reference)
    assert audit.actor == world.desk and audit.outcome == AuditEntry.Outcome.OK
    settled = DossierEvent.objects.get(dossier=dossier, action="payment_settled")
    assert settled.data["online"] is False
    assert order in selectors.collections_for(agency_ids={world.agency.pk}, day=timezone.localdate())


def test_online_payment_after_desk_payment_is_refused_as_already_paid(world: World) -> None:
    dossier = _requested(world)
    dossier_services.dossier_payment_settled(dossier=dossier, actor=world.desk)
    obligation = Obligation.objects.get(dossier=dossier)
    with pytest.raises(ApiError) as refused:
        services.payment_order_create(
            obligation=obligation, provider="vietqr", actor=world.citizen, ip="127.0.0.1", base_url="http://t"
        )
    assert refused.value.code == "obligation_paid"
    assert PaymentOrder.objects.filter(obligation=obligation).count() == 1


def test_desk_payment_of_an_obligation_paid_online_is_refused_and_writes_nothing(world: World) -> None:
    dossier = _requested(world)
    dossier = dossier_services.dossier_request_payment(dossier=dossier, actor=world.specialist, amount=5000)
    first, second = Obligation.objects.filter(dossier=dossier).order_by("sequence")
    _pay_online(world, first)
    # The second request paid too while the dossier stayed at 6 (a confirmation the dossier missed).
    Obligation.objects.filter(pk=second.pk).update(paid_at=timezone.now())
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PAYMENT_REQUESTED
    before = _counts(dossier)

    with pytest.raises(ApiError) as refused:
        dossier_services.dossier_payment_settled(dossier=dossier, actor=world.desk)

    assert refused.value.code == "obligation_paid_online"
    assert refused.value.message_en and refused.value.message_vi
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PAYMENT_REQUESTED and _counts(dossier) == before
    assert not PaymentOrder.objects.filter(obligation__dossier=dossier, provider="desk").exists()
    assert AuditEntry.objects.filter(
        action="dossier.payment_settled", outcome=AuditEntry.Outcome.REFUSED, reason="obligation_paid_online"
    ).exists()


def test_desk_payment_settles_only_the_requests_still_unpaid(world: World) -> None:
    dossier = _requested(world)
    dossier = dossier_services.dossier_request_payment(dossier=dossier, actor=world.specialist, amount=5000)
    first, second = Obligation.objects.filter(dossier=dossier).order_by("sequence")
    online = _pay_online(world, first)
    dossier.refresh_from_db()
    dossier = dossier_services.dossier_payment_settled(dossier=dossier, actor=world.desk)
    assert dossier.status == DossierStatus.IN_PROGRESS
    assert list(PaymentOrder.objects.filter(obligation=first, status=OrderStatus.SUCCEEDED)) == [online]
    desk = PaymentOrder.objects.get(obligation=second, status=OrderStatus.SUCCEEDED)
    assert (desk.provider, desk.amount) == ("desk", 5000)


def test_desk_payment_outside_status_6_is_refused_and_writes_nothing(world: World) -> None:
    dossier = dossier_in_state(world, status=4, step="appraise", assignee=world.specialist, fee_amount=8000)
    before = _counts(dossier)
    with pytest.raises(ApiError) as refused:
        dossier_services.dossier_payment_settled(dossier=dossier, actor=world.desk)
    assert refused.value.code == "transition_not_allowed"
    assert _counts(dossier) == before and not Obligation.objects.filter(dossier=dossier).exists()


def test_desk_payment_by_an_officer_of_another_agency_is_refused_and_writes_nothing(world: World) -> None:
    dossier = _requested(world)
    before = _counts(dossier)
    with pytest.raises(ApiError) as refused:
        dossier_services.dossier_payment_settled(dossier=dossier, actor=world.foreign_officer)
    assert refused.value.code == "dossier_not_found"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PAYMENT_REQUESTED and _counts(dossier) == before
    assert Obligation.objects.get(dossier=dossier).paid_at is None


def test_online_confirmation_arriving_after_desk_payment_is_refunded_not_counted_twice(world: World) -> None:
    dossier = _requested(world)
    obligation = Obligation.objects.get(dossier=dossier)
    order, _start = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://testserver"
    )
    dossier_services.dossier_payment_settled(dossier=dossier, actor=world.desk)
    settlement = services.payment_confirm(reference=order.reference, amount=8000, source="statement")
    assert settlement.outcome == "refund_due"
    assert PaymentOrder.objects.filter(obligation=obligation, status=OrderStatus.SUCCEEDED).get().provider == "desk"


def test_dossier_page_shows_paid_at_desk_with_the_date(world: World) -> None:
    dossier = dossier_in_state(world, status=4, step="appraise", assignee=world.specialist)
    dossier = dossier_services.dossier_request_payment(dossier=dossier, actor=world.specialist)
    dossier_services.dossier_payment_settled(dossier=dossier, actor=world.desk)
    order = PaymentOrder.objects.get(obligation__dossier=dossier)
    page = signed_in(world.citizen).get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Đã nộp tại quầy lúc" in page and order.receipt_number in page
    assert f"{timezone.localtime(order.settled_at):%d/%m/%Y}" in page
