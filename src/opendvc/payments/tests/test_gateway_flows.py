"""Each provider plugin against the reference gateway over real HTTP.

The payer's choice is posted to the gateway's pay page as the browser would; redirects are not
followed. The gateway's server-to-server message goes to an address nobody listens on, so the test
hands the exact signed message the gateway logged to the portal's endpoint (``deliver``) — or does
not, to play a lost callback. The browser journeys (``tests/browser``) run the whole loop live.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.test import Client

from opendvc.dossiers.models import Dossier, DossierEvent
from opendvc.dossiers.tests.factories import World
from opendvc.payments import services
from opendvc.payments.models import OrderStatus, PaymentOrder
from opendvc.payments.providers.base import ProviderUnavailable
from opendvc.payments.providers.registry import provider_get
from opendvc.payments.signing import vnpay_sign

#: Where the gateway sends its notifications in these tests: a closed port (the message is logged).
NOWHERE = "http://127.0.0.1:9"


def _start(dossier: Dossier, provider: str) -> tuple[PaymentOrder, str]:
    obligation = services.obligation_for_dossier(dossier=dossier)
    order, start = services.payment_order_create(
        obligation=obligation, provider=provider, actor=None, ip="127.0.0.1", base_url=NOWHERE
    )
    return order, start.redirect_url


def deliver(message: dict[str, Any]) -> dict[str, Any]:
    """Hand one message the gateway logged to the portal's endpoint, as the gateway sent it."""
    path = urlsplit(message["url"]).path
    if message["method"] == "GET":
        return dict(Client().get(path, message["body"]).json())
    return dict(Client().post(path, message["body"], content_type="application/json").json())


def _pay_delivered(gateway: str, redirect_url: str, choice: str) -> tuple[requests.Response, dict[str, Any]]:
    answer = _pay(redirect_url, choice)
    reference = _reference_from_location(answer)
    [message] = _notifications(gateway, reference)
    return answer, deliver(message)


def _reference_from_location(answer: requests.Response) -> str:
    return urlsplit(answer.headers["Location"]).path.rstrip("/").rsplit("/", 1)[-1]


def _pay(redirect_url: str, choice: str, *, deliver: bool = True) -> requests.Response:
    """Open the gateway's page and submit the payer's choice, as the browser does."""
    opened = requests.get(redirect_url, timeout=15)
    assert opened.status_code == 200, opened.text
    parts = urlsplit(redirect_url)
    reference = _reference_from_page(opened.text)
    protocol = parts.path.strip("/").split("/")[0]
    action = f"{parts.scheme}://{parts.netloc}/{protocol}/pay/{reference}"
    return requests.post(
        action, data={"choice": choice, "deliver": "1" if deliver else "0"}, allow_redirects=False, timeout=15
    )


def _reference_from_page(html: str) -> str:
    start = html.index("Mã tham chiếu: <strong>") + len("Mã tham chiếu: <strong>")
    return html[start : html.index("</strong>", start)]


def _notifications(gateway: str, reference: str) -> list[dict[str, Any]]:
    return list(requests.get(f"{gateway}/notifications/{reference}", timeout=10).json()["notifications"])


@pytest.mark.parametrize("provider", ["sandbox", "national", "vnpay"])
def test_success_is_confirmed_by_the_provider_callback(
    provider: str, paying: tuple[World, Dossier], gateway: str
) -> None:
    _world, dossier = paying
    order, url = _start(dossier, provider)
    answer, reply = _pay_delivered(gateway, url, "success")
    assert reply in (
        {"RspCode": "00", "Message": "Confirm Success"},
        {"code": "00", "message": "Confirm Success"},
        {"MaLoi": "00", "MoTaLoi": "Confirm Success"},
    )
    assert (
        answer.status_code == 302
        and urlsplit(answer.headers["Location"]).path == f"/thanh-toan/ket-qua/{order.reference}/"
    )
    order.refresh_from_db()
    dossier.refresh_from_db()
    assert order.status == OrderStatus.SUCCEEDED and dossier.status == 4
    event = DossierEvent.objects.get(dossier=dossier, action="payment_settled")
    assert event.data["provider"] == provider and event.data["platform"] == (1 if provider == "national" else 2)


@pytest.mark.parametrize(("choice", "status"), [("failure", OrderStatus.FAILED), ("cancel", OrderStatus.CANCELLED)])
def test_failure_and_cancel_leave_the_dossier_waiting(
    choice: str, status: str, paying: tuple[World, Dossier], gateway: str
) -> None:
    _world, dossier = paying
    order, url = _start(dossier, "vnpay")
    _pay_delivered(gateway, url, choice)
    order.refresh_from_db()
    dossier.refresh_from_db()
    assert order.status == status and dossier.status == 6


def test_get_bill_answers_the_open_order_signed_and_refuses_a_forged_request(
    paying: tuple[World, Dossier], settings: Any
) -> None:
    from opendvc.payments.providers.national import callback_checksum, short_checksum, wire_time

    _world, dossier = paying
    order, _url = _start(dossier, "national")
    ask = {
        "LoaiBanTin": "GET_BILL",
        "PhienBan": "1.0.6",
        "MaDoiTac": settings.PAYMENT_PP_PARTNER,
        "MaThamChieu": order.reference,
        "ThoiGianGD": wire_time(),
    }
    ask["MaXacThuc"] = short_checksum("GET_BILL", ask, settings.PAYMENT_PP_SECRET)
    bill = Client().post("/payments/national/bill", ask, content_type="application/json").json()
    assert (bill["MaLoi"], bill["SoTien"], bill["TenNguoiNop"]) == ("00", "8000", dossier.applicant_name)
    assert bill["MaXacThuc"] == callback_checksum(bill, settings.PAYMENT_PP_SECRET)
    forged = {**ask, "MaXacThuc": short_checksum("GET_BILL", ask, "guess")}
    assert Client().post("/payments/national/bill", forged, content_type="application/json").json()["MaLoi"] == "97"


def test_replayed_vnpay_ipn_credits_once_and_answers_02(paying: tuple[World, Dossier], gateway: str) -> None:
    _world, dossier = paying
    order, url = _start(dossier, "vnpay")
    _pay(url, "success")
    [first] = _notifications(gateway, order.reference)
    assert deliver(first)["RspCode"] == "00"
    assert deliver(first)["RspCode"] == "02"
    assert DossierEvent.objects.filter(dossier=dossier, action="payment_settled").count() == 1


def test_forged_vnpay_ipn_answers_97_and_changes_nothing(paying: tuple[World, Dossier], gateway: str) -> None:
    _world, dossier = paying
    order, url = _start(dossier, "vnpay")
    returned = _pay(url, "success", deliver=False)
    params = dict(parse_qsl(urlsplit(returned.headers["Location"]).query))
    forged = {**params, "vnp_SecureHash": vnpay_sign(params, "not-the-merchant-secret")}
    assert Client().get("/payments/vnpay/ipn", forged).json()["RspCode"] == "97"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_vnpay_ipn_with_another_amount_answers_04(paying: tuple[World, Dossier], gateway: str, settings: Any) -> None:
    _world, dossier = paying
    order, url = _start(dossier, "vnpay")
    returned = _pay(url, "success", deliver=False)
    params = dict(parse_qsl(urlsplit(returned.headers["Location"]).query))
    params.pop("vnp_SecureHash")
    params["vnp_Amount"] = "100"
    params["vnp_SecureHash"] = vnpay_sign(params, settings.VNPAY_HASH_SECRET)
    assert Client().get("/payments/vnpay/ipn", params).json()["RspCode"] == "04"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_ipn_for_an_unknown_order_answers_01(db: None, settings: Any) -> None:
    params = {
        "vnp_TxnRef": "OD261202ZZZZZZZZZZ",
        "vnp_Amount": "800000",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TmnCode": settings.VNPAY_TMN_CODE,
    }
    params["vnp_SecureHash"] = vnpay_sign(params, settings.VNPAY_HASH_SECRET)
    assert Client().get("/payments/vnpay/ipn", params).json()["RspCode"] == "01"


@pytest.mark.parametrize("provider", ["sandbox", "national", "vnpay"])
def test_return_without_callback_is_settled_by_the_query_job(provider: str, paying: tuple[World, Dossier]) -> None:
    _world, dossier = paying
    order, url = _start(dossier, provider)
    _pay(url, "success", deliver=False)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    counts = services.payments_pending_resolve(older_than=timedelta(0))
    order.refresh_from_db()
    dossier.refresh_from_db()
    assert counts["settled"] == 1 and order.status == OrderStatus.SUCCEEDED and dossier.status == 4


def test_callback_after_the_query_settled_is_a_duplicate(paying: tuple[World, Dossier], gateway: str) -> None:
    _world, dossier = paying
    order, url = _start(dossier, "national")
    _pay(url, "success")
    services.payments_pending_resolve(older_than=timedelta(0))
    [late] = _notifications(gateway, order.reference)
    assert deliver(late)["MaLoi"] == "02"
    assert DossierEvent.objects.filter(dossier=dossier, action="payment_settled").count() == 1


def test_timeout_sends_nothing_and_the_order_expires(paying: tuple[World, Dossier], gateway: str) -> None:
    _world, dossier = paying
    order, url = _start(dossier, "sandbox")
    answer = _pay(url, "timeout")
    assert answer.status_code == 200 and _notifications(gateway, order.reference) == []
    assert "hết thời gian" in answer.text
    services.payments_pending_resolve(older_than=timedelta(0))
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED and dossier.status == 6


def test_two_tabs_paying_one_obligation_one_succeeds_the_other_is_refunded(
    paying: tuple[World, Dossier], gateway: str
) -> None:
    _world, dossier = paying
    first, first_url = _start(dossier, "vnpay")
    second, second_url = _start(dossier, "sandbox")
    _pay(first_url, "success")
    _pay(second_url, "success")
    [to_second] = _notifications(gateway, second.reference)
    [to_first] = _notifications(gateway, first.reference)
    assert deliver(to_second)["code"] == "00"
    assert deliver(to_first)["RspCode"] == "00"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.status, first.status) == (OrderStatus.SUCCEEDED, OrderStatus.REFUNDED)
    assert DossierEvent.objects.filter(dossier=dossier, action="payment_settled").count() == 1


def test_provider_down_keeps_the_order_pending_and_nothing_is_lost(
    paying: tuple[World, Dossier], settings: Any, gateway: str
) -> None:
    _world, dossier = paying
    order, url = _start(dossier, "sandbox")
    _pay(url, "success", deliver=False)
    settings.OPENDVC_PAYMENT_GATEWAY_URL = "http://127.0.0.1:9"
    with pytest.raises(ProviderUnavailable):
        provider_get("sandbox").query(order)
    counts = services.payments_pending_resolve(older_than=timedelta(0))
    order.refresh_from_db()
    assert counts["unavailable"] == 1 and order.status == OrderStatus.PENDING
    with pytest.raises(services.ApiError) as refused:
        _start(dossier, "sandbox")
    assert refused.value.code == "provider_unavailable"
    settings.OPENDVC_PAYMENT_GATEWAY_URL = gateway
    services.payments_pending_resolve(older_than=timedelta(0))
    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCEEDED


def test_reconciliation_confirms_a_lost_callback_and_lists_refunds(paying: tuple[World, Dossier], gateway: str) -> None:
    from django.utils import timezone

    world, dossier = paying
    lost, lost_url = _start(dossier, "vnpay")
    _pay(lost_url, "success")
    waiting, _waiting_url = _start(dossier, "vnpay")
    rows = services.payments_reconcile(
        agency_ids={world.agency.pk}, provider="vnpay", day=timezone.localdate(), actor=None
    )
    kinds = {row.reference: row.kind for row in rows}
    assert kinds == {lost.reference: "settled_now", waiting.reference: "waiting"}
    lost.refresh_from_db()
    assert lost.status == OrderStatus.SUCCEEDED
    [late] = _notifications(gateway, lost.reference)
    assert deliver(late)["RspCode"] == "02"


def test_reconciliation_with_the_provider_down_says_to_run_it_again(
    paying: tuple[World, Dossier], settings: Any
) -> None:
    from django.utils import timezone

    world, dossier = paying
    order, _url = _start(dossier, "national")
    settings.OPENDVC_PAYMENT_GATEWAY_URL = "http://127.0.0.1:9"
    [row] = services.payments_reconcile(
        agency_ids={world.agency.pk}, provider="national", day=timezone.localdate(), actor=None
    )
    assert (row.reference, row.kind) == (order.reference, "provider_unavailable")
