"""The payments API: bank statement lines posted by the accountant's banking integration.

``POST /api/v1/payments/statements`` with a personal access token of an officer holding the
accountant role at the agency: each line naming an order's reference with its amount settles that
order (VietQR transfers). The same bank transaction posted twice is recorded once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from opendvc.accounts.auth import api_auth
from opendvc.accounts.models import OfficerRole, User
from opendvc.accounts.selectors import officer_agency_ids
from opendvc.agencies.models import Agency
from opendvc.core.errors import ApiError, NotFound
from opendvc.payments import services
from opendvc.payments.models import PaymentOrder

router = Router(tags=["Thanh toán"], auth=api_auth)


class ErrorOut(Schema):
    code: str
    message: str
    messages: dict[str, str]
    details: list[dict[str, Any]]


class StatementLineIn(Schema):
    bank_transaction: str
    booked_on: date
    amount: int
    description: str


class StatementIn(Schema):
    agency: str
    lines: list[StatementLineIn]


class StatementLineOut(Schema):
    bank_transaction: str
    outcome: str
    order: str | None


class StatementOut(Schema):
    lines: list[StatementLineOut]


@router.post("/statements", response={200: StatementOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def statements_post(request: HttpRequest, body: StatementIn) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    agency = Agency.objects.filter(code=body.agency.strip().upper()).first()
    if agency is None:
        raise NotFound(f"Không có cơ quan mã {body.agency}.", f"No agency {body.agency}.", code="agency_not_found")
    if agency.pk not in officer_agency_ids(user=user, roles=[OfficerRole.Role.ACCOUNTANT]):
        raise ApiError(
            "not_accountant",
            "Chỉ kế toán của cơ quan được gửi sao kê.",
            "Only the agency's accountants may post statements.",
            status=403,
        )
    if len(body.lines) > 5000:
        raise ApiError("statement_too_long", "Tối đa 5.000 dòng mỗi lần.", "At most 5,000 lines at a time.")
    results = services.statement_lines_import(
        agency=agency,
        lines=[
            services.StatementLineInput(
                bank_transaction=line.bank_transaction,
                booked_on=line.booked_on,
                amount=line.amount,
                description=line.description,
            )
            for line in body.lines
        ],
        actor=user,
    )
    references = dict(
        PaymentOrder.objects.filter(pk__in=[r.order_id for r in results if r.order_id]).values_list("pk", "reference")
    )
    return {
        "lines": [
            {"bank_transaction": r.bank_transaction, "outcome": r.outcome, "order": references.get(r.order_id or 0)}
            for r in results
        ]
    }
