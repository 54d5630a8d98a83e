"""The accountant's reconciliation of the desk: each receipt the one-stop desk issued on a day, who took
the money, and the totals per officer to match with the cash handed over."""

from __future__ import annotations

from django.utils import timezone

from opendvc.dossiers import services as dossier_services
from opendvc.dossiers.models import Dossier
from opendvc.dossiers.tests.factories import World, dossier_in_state, officer_with
from opendvc.payments import selectors
from opendvc.payments.models import PaymentEvent, PaymentOrder
from opendvc.payments.tests.test_pages import signed_in


def _paid_at_desk(world: World, officer: object, *, amount: int, note: str) -> PaymentOrder:
    dossier = dossier_in_state(world, status=4, step="appraise", assignee=world.specialist)
    dossier = dossier_services.dossier_request_payment(dossier=dossier, actor=world.specialist, amount=amount)
    dossier_services.dossier_payment_settled(dossier=dossier, actor=officer, reference=note)  # type: ignore[arg-type]
    return PaymentOrder.objects.get(obligation__dossier=dossier, provider="desk")


def _today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def test_desk_day_lists_each_receipt_with_its_officer_and_the_totals_per_officer(world: World) -> None:
    second = officer_with(world.agency, "desk", full_name="Lê Văn Quầy")
    first_a = _paid_at_desk(world, world.desk, amount=150_000, note="Tiền mặt, phiếu thu 0012")
    first_b = _paid_at_desk(world, world.desk, amount=8_000, note="Tiền mặt")
    other = _paid_at_desk(world, second, amount=1_250_000, note="POS 778899")

    day = selectors.desk_receipts_for(agency_ids={world.agency.pk}, day=timezone.localdate())

    assert [r.order for r in day.receipts] == [first_a, first_b, other]
    assert (day.count, day.total) == (3, 1_408_000)
    totals = {row.username: (row.officer_name, row.count, row.total) for row in day.officers}
    assert totals == {
        world.desk.username: (world.desk.full_name, 2, 158_000),
        second.username: ("Lê Văn Quầy", 1, 1_250_000),
    }
    assert [r.note for r in day.receipts] == ["Tiền mặt, phiếu thu 0012", "Tiền mặt", "POS 778899"]

    page = signed_in(officer_with(world.agency, "accountant")).get(
        "/ke-toan/doi-soat/", {"kenh": "desk", "ngay": _today()}
    )
    html = page.content.decode()
    assert page.status_code == 200
    for order in (first_a, first_b, other):
        assert order.receipt_number in html and order.obligation.reference in html
    assert "158.000 đ" in html and "1.250.000 đ" in html and "1.408.000 đ" in html
    assert "Lê Văn Quầy" in html and "POS 778899" in html
    # Our own ledger only: nothing was asked of a provider.
    assert not PaymentEvent.objects.filter(source="query").exists()


def test_desk_day_of_another_agency_shows_none_of_them(world: World) -> None:
    order = _paid_at_desk(world, world.desk, amount=150_000, note="Tiền mặt")
    foreign = officer_with(world.other_agency, "accountant")

    assert selectors.desk_receipts_for(agency_ids={world.other_agency.pk}, day=timezone.localdate()).count == 0
    html = signed_in(foreign).post("/ke-toan/doi-soat/", {"kenh": "desk", "ngay": _today()}).content.decode()
    assert order.receipt_number not in html and order.obligation.reference not in html
    assert "0 biên lai, tổng 0 đ" in html


def test_desk_day_counts_only_that_day_and_only_desk_receipts(world: World, fee_dossier: Dossier) -> None:
    from datetime import timedelta

    from opendvc.payments import services

    order = _paid_at_desk(world, world.desk, amount=150_000, note="Tiền mặt")
    online = services.obligation_for_dossier(dossier=fee_dossier)
    started, _start = services.payment_order_create(
        obligation=online, provider="vietqr", actor=None, ip="127.0.0.1", base_url="http://t"
    )
    services.payment_confirm(reference=started.reference, amount=8000, source="statement")

    today = selectors.desk_receipts_for(agency_ids={world.agency.pk}, day=timezone.localdate())
    assert [r.order for r in today.receipts] == [order]
    yesterday = selectors.desk_receipts_for(agency_ids={world.agency.pk}, day=timezone.localdate() - timedelta(days=1))
    assert yesterday.count == 0


def test_reconciliation_page_offers_the_desk(world: World) -> None:
    html = signed_in(officer_with(world.agency, "accountant")).get("/ke-toan/doi-soat/").content.decode()
    assert '<option value="desk"' in html and "Thu tại quầy" in html
