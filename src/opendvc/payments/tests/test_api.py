"""Statement lines through the API: the agency's accountant only."""

from __future__ import annotations

from django.test import Client

from opendvc.accounts.services import access_token_create
from opendvc.dossiers.models import Dossier
from opendvc.dossiers.tests.factories import World, officer_with
from opendvc.payments import services
from opendvc.payments.models import OrderStatus, StatementLine


def _post(user: object, body: dict[str, object]) -> object:
    _token, secret = access_token_create(user=user, name="ngân hàng")  # type: ignore[arg-type]
    return Client().post(
        "/api/v1/payments/statements", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )


def test_accountant_posts_a_statement_line_that_settles_the_transfer(world: World, fee_dossier: Dossier) -> None:
    obligation = services.obligation_for_dossier(dossier=fee_dossier)
    order, _start = services.payment_order_create(
        obligation=obligation, provider="vietqr", actor=None, ip="", base_url="http://testserver"
    )
    line = {"bank_transaction": "FT7", "booked_on": "2026-12-02", "amount": 8000, "description": order.reference}
    answer = _post(officer_with(world.agency, "accountant"), {"agency": world.agency.code, "lines": [line, line]})
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert answer.json()["lines"] == [  # type: ignore[attr-defined]
        {"bank_transaction": "FT7", "outcome": "matched", "order": order.reference},
        {"bank_transaction": "FT7", "outcome": "duplicate_line", "order": order.reference},
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.SUCCEEDED


def test_an_officer_without_the_accountant_role_is_refused(world: World) -> None:
    line = {"bank_transaction": "FT8", "booked_on": "2026-12-02", "amount": 8000, "description": "x"}
    answer = _post(world.desk, {"agency": world.agency.code, "lines": [line]})
    assert answer.status_code == 403 and answer.json()["code"] == "not_accountant"  # type: ignore[attr-defined]
    other = _post(officer_with(world.other_agency, "accountant"), {"agency": world.agency.code, "lines": [line]})
    assert other.status_code == 403  # type: ignore[attr-defined]
    assert not StatementLine.objects.exists()
