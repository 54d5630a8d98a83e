"""Fees paid with the dossier: a procedure whose catalogue says its fees are paid at submission owes
them from the moment the dossier is submitted online, for the amount of that moment, and paying them
records the payment on the dossier without moving its status."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client

from opendvc.catalog.models import Fee, FeePaymentMoment
from opendvc.core.errors import ApiError
from opendvc.dossiers import hooks
from opendvc.dossiers import services as dossier_services
from opendvc.dossiers.models import Dossier, DossierEvent, DossierStatus
from opendvc.dossiers.tests.factories import World, make_world, submission_documents
from opendvc.payments import services
from opendvc.payments.models import Obligation, OrderStatus, PaymentOrder
from opendvc.payments.tests.test_gateway_flows import _pay_delivered
from opendvc.payments.tests.test_pages import signed_in
from opendvc.reporting.models import DailyStat
from opendvc.sync.outbound import _records_for


def _at_submission(world: World) -> World:
    world.version.fee_payment_moment = FeePaymentMoment.AT_SUBMISSION
    world.version.save(update_fields=["fee_payment_moment"])
    return world


@pytest.fixture
def paid_with_dossier(db: None) -> World:
    """The world's procedure (8.000 đ) with its fees paid at submission."""
    return _at_submission(make_world())


def _submit(world: World) -> Dossier:
    return dossier_services.dossier_submit(
        applicant=world.citizen,
        agency=world.agency,
        procedure=world.procedure,
        procedure_version=world.version.number,
        form_data={"ho_ten_tre": "Nguyễn Văn An"},
        documents=submission_documents(world),
    ).dossier


def test_submission_fixes_the_obligation_in_its_transaction(paid_with_dossier: World) -> None:
    dossier = _submit(paid_with_dossier)

    obligation = Obligation.objects.get(dossier=dossier)
    assert (obligation.sequence, obligation.amount, obligation.due_at_submission) == (1, 8000, True)
    assert obligation.paid_at is None and obligation.agency == paid_with_dossier.agency
    assert obligation.payer_id_number == paid_with_dossier.citizen.personal_id
    assert dossier.status == DossierStatus.SUBMITTED


def test_no_obligation_when_fees_are_paid_on_request(db: None) -> None:
    world = make_world()
    assert world.version.fee_payment_moment == FeePaymentMoment.ON_REQUEST
    dossier = _submit(world)
    assert dossier.fee_amount == 8000 and not Obligation.objects.filter(dossier=dossier).exists()


def test_no_obligation_for_a_fee_free_procedure(db: None) -> None:
    world = _at_submission(make_world(fee=0))
    dossier = _submit(world)
    assert not Obligation.objects.filter(dossier=dossier).exists()
    free = _at_submission(make_world(fee=None))
    assert not Obligation.objects.filter(dossier=_submit(free)).exists()


def test_a_later_catalogue_fee_change_does_not_change_what_is_owed(paid_with_dossier: World) -> None:
    dossier = _submit(paid_with_dossier)
    fee = Fee.objects.get(version=paid_with_dossier.version)
    fee.amount = 50_000
    fee.save()  # as the catalogue admin does: the remembered catalogue is forgotten

    obligation = Obligation.objects.get(dossier=dossier)
    order, _start = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://testserver"
    )
    page = signed_in(paid_with_dossier.citizen).get(f"/thanh-toan/ho-so/{dossier.code}/").content.decode()
    assert obligation.amount == 8000 and order.amount == 8000
    assert "8.000 đ" in page and "50.000 đ" not in page
    # A dossier submitted after the change owes the new amount.
    assert Obligation.objects.get(dossier=_submit(paid_with_dossier)).amount == 50_000


def test_nothing_is_left_when_the_submission_fails_after_the_obligation(paid_with_dossier: World) -> None:
    def failing(*, dossier: Dossier, event: Any) -> None:
        if event.action == "submit":
            raise ApiError("late_failure", "Lỗi", "Failure", status=500)

    saved = list(hooks._listeners)
    hooks.event_listener_register(failing)  # after the payments listener: its obligation is written first
    try:
        with pytest.raises(ApiError):
            _submit(paid_with_dossier)
    finally:
        hooks._listeners[:] = saved
    assert not Dossier.objects.exists() and not Obligation.objects.exists() and not DossierEvent.objects.exists()


def test_confirmation_and_dossier_pages_lead_to_paying(paid_with_dossier: World) -> None:
    dossier = _submit(paid_with_dossier)
    client = signed_in(paid_with_dossier.citizen)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert f'href="/thanh-toan/ho-so/{dossier.code}/"' in page and "8.000 đ" in page
    assert "được nộp khi nộp hồ sơ" in page
    pay = client.get(f"/thanh-toan/ho-so/{dossier.code}/")
    assert pay.status_code == 200 and 'value="sandbox"' in pay.content.decode()


def test_confirmation_page_links_to_paying(paid_with_dossier: World) -> None:
    from opendvc.forms.models import DossierDraft

    dossier = _submit(paid_with_dossier)
    draft = DossierDraft.objects.create(
        user=paid_with_dossier.citizen,
        procedure=paid_with_dossier.procedure,
        procedure_version=paid_with_dossier.version,
        agency=paid_with_dossier.agency,
        dossier=dossier,
    )
    page = signed_in(paid_with_dossier.citizen).get(f"/nop-ho-so/soan/{draft.public_id}/da-nop/").content.decode()
    assert f'href="/thanh-toan/ho-so/{dossier.code}/"' in page and "8.000 đ" in page


def test_paying_over_the_sandbox_gateway_marks_the_dossier_paid_and_keeps_its_status(
    gateway: str, paid_with_dossier: World
) -> None:
    world = paid_with_dossier
    dossier = _submit(world)
    dossier = dossier_services.dossier_receive(dossier=dossier, actor=world.desk)
    assert dossier.status == DossierStatus.RECEIVED
    obligation = services.obligation_for_dossier(dossier=dossier)
    order, start = services.payment_order_create(
        obligation=obligation, provider="sandbox", actor=None, ip="127.0.0.1", base_url="http://127.0.0.1:9"
    )

    _answer, reply = _pay_delivered(gateway, start.redirect_url, "success")

    assert reply["code"] == "00"
    order.refresh_from_db()
    dossier.refresh_from_db()
    assert order.status == OrderStatus.SUCCEEDED and order.receipt_number
    assert dossier.status == DossierStatus.RECEIVED
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert event is not None and event.action == "payment_settled"
    assert (event.from_status, event.to_status) == (DossierStatus.RECEIVED, DossierStatus.RECEIVED)
    assert event.data["online"] is True and event.data["at_submission"] is True
    assert event.data["provider"] == "sandbox" and event.data["reference"] == order.reference
    records, _latest = _records_for([dossier.pk])
    assert records[dossier.pk]["DuocThanhToanTrucTuyen"] == 2
    receipt = signed_in(world.citizen).get(f"/thanh-toan/bien-lai/{order.reference}.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    officer_page = signed_in(world.desk).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Khi nộp hồ sơ" in officer_page and "Đã nộp trực tuyến lúc" in officer_page
    assert order.receipt_number in officer_page


def test_desk_officer_sees_the_submission_fee_unpaid(paid_with_dossier: World) -> None:
    dossier = _submit(paid_with_dossier)
    page = signed_in(paid_with_dossier.desk).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Phí, lệ phí của hồ sơ" in page and "Khi nộp hồ sơ" in page and "Chưa nộp" in page


def test_submission_fee_not_payable_once_the_dossier_is_refused(paid_with_dossier: World) -> None:
    dossier = _submit(paid_with_dossier)
    dossier_services.dossier_refuse(dossier=dossier, actor=paid_with_dossier.desk, reasons=["Sai thủ tục"])
    answer = signed_in(paid_with_dossier.citizen).post(f"/thanh-toan/ho-so/{dossier.code}/", {"provider": "vietqr"})
    assert answer.status_code == 409 and not PaymentOrder.objects.exists()


def test_a_later_request_at_status_6_is_paid_on_its_own_and_settles_the_dossier(paid_with_dossier: World) -> None:
    world = paid_with_dossier
    dossier = _submit(world)
    first = Obligation.objects.get(dossier=dossier)
    services.payment_confirm(
        reference=services.payment_order_create(
            obligation=first, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://t"
        )[0].reference,
        amount=8000,
        source="statement",
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    dossier = dossier_services.dossier_receive(dossier=dossier, actor=world.desk)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.IN_PROGRESS, current_step="appraise")
    dossier.refresh_from_db()
    dossier = dossier_services.dossier_request_payment(dossier=dossier, actor=world.specialist, amount=5000)
    second = Obligation.objects.get(dossier=dossier, sequence=2)
    order, _start = services.payment_order_create(
        obligation=second, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://t"
    )
    services.payment_confirm(reference=order.reference, amount=5000, source="statement")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROGRESS
    settled = list(DossierEvent.objects.filter(dossier=dossier, action="payment_settled").order_by("seq"))
    assert [(e.from_status, e.to_status) for e in settled] == [(1, 1), (6, 4)]
    assert "at_submission" not in settled[1].data
    # Two online payments, one dossier paid online in the statistics — and the rebuild agrees.
    assert [e.data["first_online"] for e in settled] == [True, False]
    assert DailyStat.objects.filter(agency=world.agency).aggregate(n=Sum("paid_online"))["n"] == 1
    call_command("reporting_rebuild", verbosity=0)
    assert DailyStat.objects.filter(agency=world.agency).aggregate(n=Sum("paid_online"))["n"] == 1


def test_dossier_page_does_not_offer_payment_for_on_request_fees_before_6(world: World) -> None:
    dossier = _submit(world)
    client = Client()
    client.force_login(world.citizen)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert f'href="/thanh-toan/ho-so/{dossier.code}/"' not in page
