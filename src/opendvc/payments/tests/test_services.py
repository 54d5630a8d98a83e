"""Orders, confirmations and statements through the services (VietQR needs no network)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from opendvc.audit.models import AuditEntry
from opendvc.core.errors import ApiError
from opendvc.dossiers.models import Dossier, DossierEvent
from opendvc.dossiers.tests.factories import World
from opendvc.payments import services
from opendvc.payments.models import OrderStatus, PaymentEvent, PaymentOrder, StatementLine
from opendvc.payments.services import REFERENCE_RE, StatementLineInput


def _order(dossier: Dossier, world: World) -> PaymentOrder:
    obligation = services.obligation_for_dossier(dossier=dossier)
    order, start = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=world.citizen, ip="127.0.0.1", base_url="http://testserver"
    )
    assert start.qr_payload.endswith(start.qr_payload[-4:]) and order.reference in start.qr_payload
    return order


def test_order_fixes_amount_and_currency_from_the_obligation(world: World, fee_dossier: Dossier) -> None:
    order = _order(fee_dossier, world)
    assert (order.amount, order.currency, order.status) == (8000, "VND", OrderStatus.PENDING)
    assert REFERENCE_RE.fullmatch(order.reference)
    assert [e.action for e in PaymentEvent.objects.filter(order=order).order_by("id")] == ["created", "pending"]


def test_confirmation_settles_the_dossier_online_once(world: World, fee_dossier: Dossier) -> None:
    order = _order(fee_dossier, world)
    first = services.payment_confirm(reference=order.reference, amount=8000, source="statement", transaction_id="T1")
    again = services.payment_confirm(reference=order.reference, amount=8000, source="statement", transaction_id="T1")
    assert (first.outcome, again.outcome) == ("applied", "duplicate")
    fee_dossier.refresh_from_db()
    assert fee_dossier.status == 4
    settled = DossierEvent.objects.filter(dossier=fee_dossier, action="payment_settled")
    assert settled.count() == 1
    assert settled[0].data["online"] is True and settled[0].data["provider"] == "vietqr"
    assert settled[0].data["platform"] == 2
    order.refresh_from_db()
    assert order.receipt_number.startswith("BL-") and order.obligation.paid_at is not None
    assert AuditEntry.objects.filter(action="payment.confirm", object_id=order.reference).count() == 1


def test_wrong_amount_is_refused_and_changes_nothing(world: World, fee_dossier: Dossier) -> None:
    order = _order(fee_dossier, world)
    with pytest.raises(ApiError) as refused:
        services.payment_confirm(reference=order.reference, amount=7000, source="statement")
    assert refused.value.code == "amount_mismatch"
    order.refresh_from_db()
    fee_dossier.refresh_from_db()
    assert order.status == OrderStatus.PENDING and fee_dossier.status == 6
    assert PaymentEvent.objects.filter(order=order, action="rejected_amount").count() == 1


def test_a_late_failure_never_overwrites_a_success(world: World, fee_dossier: Dossier) -> None:
    order = _order(fee_dossier, world)
    services.payment_confirm(reference=order.reference, amount=8000, source="statement")
    late = services.payment_fail(reference=order.reference, outcome="failed", code="51", source="callback")
    order.refresh_from_db()
    assert late.outcome == "ignored" and order.status == OrderStatus.SUCCEEDED


def test_second_attempt_paid_for_a_paid_obligation_is_marked_for_refund(world: World, fee_dossier: Dossier) -> None:
    first, second = _order(fee_dossier, world), _order(fee_dossier, world)
    services.payment_confirm(reference=first.reference, amount=8000, source="statement")
    outcome = services.payment_confirm(reference=second.reference, amount=8000, source="statement")
    second.refresh_from_db()
    assert outcome.outcome == "refund_due" and second.status == OrderStatus.REFUNDED
    assert PaymentOrder.objects.filter(obligation=first.obligation, status=OrderStatus.SUCCEEDED).count() == 1
    assert DossierEvent.objects.filter(dossier=fee_dossier, action="payment_settled").count() == 1


def test_database_refuses_two_succeeded_orders_for_one_obligation(world: World, fee_dossier: Dossier) -> None:
    first, second = _order(fee_dossier, world), _order(fee_dossier, world)
    services.payment_confirm(reference=first.reference, amount=8000, source="statement")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentOrder.objects.filter(pk=second.pk).update(status=OrderStatus.SUCCEEDED)


def test_no_new_order_for_a_paid_obligation(world: World, fee_dossier: Dossier) -> None:
    order = _order(fee_dossier, world)
    services.payment_confirm(reference=order.reference, amount=8000, source="statement")
    with pytest.raises(ApiError) as refused:
        _order(fee_dossier, world)
    assert refused.value.code == "obligation_paid"


def test_dossier_not_waiting_for_payment_has_no_obligation(world: World) -> None:
    from opendvc.dossiers.tests.factories import dossier_in_state

    dossier = dossier_in_state(world, status=4, step="appraise")
    with pytest.raises(ApiError) as refused:
        services.obligation_for_dossier(dossier=dossier)
    assert refused.value.code == "payment_not_requested"


def test_statement_lines_settle_by_reference_and_amount(world: World, fee_dossier: Dossier) -> None:
    order = _order(fee_dossier, world)
    lines = [
        StatementLineInput(
            "FT001", date.today(), 8000, f"CT tu 0123 {order.reference[:8]} {order.reference[8:]} nop phi"
        ),
        StatementLineInput("FT001", date.today(), 8000, f"{order.reference}"),
        StatementLineInput("FT002", date.today(), 5000, "chuyen tien"),
        StatementLineInput("FT003", date.today(), 8000, "OD261202ZZZZZZZZZZ"),
    ]
    results = services.statement_lines_import(agency=world.agency, lines=lines, actor=None)
    assert [r.outcome for r in results] == ["matched", "duplicate_line", "no_reference", "unknown_reference"]
    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCEEDED and order.provider_transaction == "FT001"
    assert StatementLine.objects.count() == 3


def test_statement_line_with_another_amount_does_not_settle(world: World, fee_dossier: Dossier) -> None:
    order = _order(fee_dossier, world)
    [line] = services.statement_lines_import(
        agency=world.agency, lines=[StatementLineInput("FT9", date.today(), 800, order.reference)], actor=None
    )
    order.refresh_from_db()
    assert line.outcome == "amount_mismatch" and order.status == OrderStatus.PENDING


def test_statement_of_another_agency_cannot_settle_this_agency_order(world: World, fee_dossier: Dossier) -> None:
    order = _order(fee_dossier, world)
    [line] = services.statement_lines_import(
        agency=world.other_agency, lines=[StatementLineInput("FT5", date.today(), 8000, order.reference)], actor=None
    )
    order.refresh_from_db()
    assert line.outcome == "unknown_reference" and order.status == OrderStatus.PENDING


def test_statement_csv_reads_dates_and_dotted_amounts() -> None:
    rows = services.statement_parse_csv(
        "ma_giao_dich,ngay,so_tien,noi_dung\nFT1,02/12/2026,1.250.000,OD261202ABCDEFGHJK\n"
    )
    assert rows == [StatementLineInput("FT1", date(2026, 12, 2), 1250000, "OD261202ABCDEFGHJK")]
    with pytest.raises(ApiError) as refused:
        services.statement_parse_csv("FT1,2026-12-02,10,x\n")
    assert refused.value.code == "statement_invalid"


def test_unpaid_bank_transfer_expires_after_its_lifetime(world: World, fee_dossier: Dossier) -> None:
    order = _order(fee_dossier, world)
    assert services.payments_pending_resolve(older_than=timedelta(0))["expired"] == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    later = order.expires_at + timedelta(minutes=6)
    counts = services.payments_pending_resolve(older_than=timedelta(0), now=later)
    order.refresh_from_db()
    assert counts["expired"] == 1 and order.status == OrderStatus.EXPIRED


def test_provider_not_offered_by_the_agency_is_refused(world: World, fee_dossier: Dossier, settings: object) -> None:
    settings.PAYMENT_PROVIDERS = {"*": ["sandbox"]}  # type: ignore[attr-defined]
    obligation = services.obligation_for_dossier(dossier=fee_dossier)
    with pytest.raises(ApiError) as refused:
        services.payment_order_create(
            obligation=obligation, provider="vietqr", actor=None, ip="", base_url="http://testserver"
        )
    assert refused.value.code == "provider_not_offered"
    assert not PaymentOrder.objects.exists()


def test_events_are_append_only(world: World, fee_dossier: Dossier) -> None:
    from opendvc.audit.models import AppendOnlyError

    order = _order(fee_dossier, world)
    event = PaymentEvent.objects.filter(order=order).first()
    assert event is not None
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()


@pytest.mark.parametrize(("platform", "expected"), [(1, 1), (2, 2)])
def test_the_sync_record_says_which_platform_took_the_payment(
    world: World, fee_dossier: Dossier, platform: int, expected: int
) -> None:
    from opendvc.dossiers.services import dossier_payment_settled
    from opendvc.sync.outbound import _records_for

    dossier_payment_settled(dossier=fee_dossier, reference="OD1", online=True, provider="x", platform=platform)
    records, _latest = _records_for([fee_dossier.pk])
    assert records[fee_dossier.pk]["DuocThanhToanTrucTuyen"] == expected


def test_a_payment_at_the_desk_is_not_online_in_the_sync_record(world: World, fee_dossier: Dossier) -> None:
    from opendvc.dossiers.services import dossier_payment_settled
    from opendvc.sync.outbound import _records_for

    dossier_payment_settled(dossier=fee_dossier, actor=world.desk, reference="tiền mặt")
    records, _latest = _records_for([fee_dossier.pk])
    assert records[fee_dossier.pk]["DuocThanhToanTrucTuyen"] == 0
