"""Look-ups in the population database (CSDL quốc gia về dân cư), each with the person's consent.

Only the person may consent to reading their own record (Decree 13/2023/NĐ-CP on personal data,
Art. 11; Law on Identification 2023, Art. 10): the portal asks for the signed-in citizen's own ID
only, records the consent, sends its id with the look-up, and writes an audit entry either way.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction
from django.utils import timezone

from opendvc.accounts.models import User
from opendvc.audit.services import audit_record
from opendvc.core.codes import CodeError, parse_personal_id, personal_id_mismatches
from opendvc.core.errors import ApiError
from opendvc.core.ratelimit import rate_limited, too_many_requests
from opendvc.population.base import Consent, PopulationError, PopulationRecord
from opendvc.population.models import PopulationConsent
from opendvc.population.registry import active_registry

SCOPE = ("identity", "residence")

_REFUSALS: dict[str, tuple[str, str, int]] = {
    "not_found": (
        "Cơ sở dữ liệu quốc gia về dân cư không có thông tin của số định danh này. Bạn hãy tự nhập thông tin.",
        "The population database has no record for this ID. Please type your details.",
        404,
    ),
    "consent_required": (
        "Cơ sở dữ liệu quốc gia về dân cư không nhận sự đồng ý này. Đánh dấu ô đồng ý rồi thử lại.",
        "The population database did not accept the consent. Tick the consent box and try again.",
        403,
    ),
    "too_many_requests": (
        "Bạn đã tra cứu quá nhiều lần. Đợi một phút rồi thử lại.",
        "Too many look-ups. Wait a minute and try again.",
        429,
    ),
}


def _refused(code: str) -> ApiError:
    vi, en, status = _REFUSALS.get(
        code,
        (
            "Chưa kết nối được Cơ sở dữ liệu quốc gia về dân cư. Bạn hãy tự nhập thông tin, hoặc thử lại sau.",
            "The population database cannot be reached now. Type your details, or try again later.",
            503,
        ),
    )
    return ApiError(f"population_{code}" if code in _REFUSALS else "population_unavailable", vi, en, status=status)


def population_lookup(*, user: User, personal_id: str, purpose: str, consent_given: bool) -> PopulationRecord:
    """The person's own record, with ``warnings`` where the ID's structure disagrees with it.

    Refusals: ``consent_missing`` (the box was not ticked), ``population_not_own_record`` (another
    person's ID), ``invalid_personal_id``, ``too_many_requests`` (``RATE_LIMITS_PER_MINUTE["population_lookup"]``
    per account), and the database's own (``population_not_found``, ``population_consent_required``,
    ``population_unavailable``). Each look-up and refusal is audited.
    """
    purpose = " ".join((purpose or "").split())[:200] or "Tra cứu thông tin công dân"
    try:
        if not consent_given:
            raise ApiError(
                "consent_missing",
                "Đánh dấu ô “Tôi đồng ý” để Cổng lấy thông tin của bạn từ Cơ sở dữ liệu quốc gia về dân cư.",
                "Tick “I agree” so the portal may read your details from the population database.",
            )
        try:
            parsed = parse_personal_id(personal_id)
        except CodeError as error:
            raise ApiError(error.code, error.message_vi, error.message_en) from None
        if not user.is_authenticated or user.personal_id != parsed.number:
            raise ApiError(
                "population_not_own_record",
                "Chỉ tra cứu được thông tin của chính bạn, theo số định danh của tài khoản.",
                "You can only look up your own record, by your account's personal ID.",
                status=403,
            )
        if rate_limited(scope="population_lookup", key=str(user.pk)):
            raise too_many_requests()
        with transaction.atomic():
            consent_row = PopulationConsent.objects.create(
                user=user, personal_id=parsed.number, purpose=purpose, scope=list(SCOPE), given_at=timezone.now()
            )
        consent = Consent(
            id=str(consent_row.public_id),
            subject=parsed.number,
            purpose=purpose,
            scope=SCOPE,
            given_at=consent_row.given_at,
        )
        try:
            record = active_registry().lookup(personal_id=parsed.number, consent=consent)
        except PopulationError as error:
            PopulationConsent.objects.filter(pk=consent_row.pk).update(outcome=error.code[:32])
            raise _refused(error.code) from None
        PopulationConsent.objects.filter(pk=consent_row.pk).update(outcome="ok")
    except ApiError as error:
        audit_record(
            action="population_lookup",
            actor=user,
            object_type="personal_id",
            object_id=(personal_id or "")[:12],
            outcome="refused",
            reason=error.code,
            data={"purpose": purpose},
        )
        raise
    mismatches = personal_id_mismatches(
        record.personal_id,
        birth_date=record.birth_date,
        sex=record.sex,
        birth_province_code=record.birth_province_code,
    )
    record = dataclasses.replace(record, warnings=tuple(m.code for m in mismatches))
    audit_record(
        action="population_lookup",
        actor=user,
        object_type="personal_id",
        object_id=parsed.number,
        data={"purpose": purpose, "consent": consent.id, "warnings": list(record.warnings)},
    )
    return record


def population_answers(record: PopulationRecord) -> dict[str, Any]:
    """The record as the forms' prefill sources (``full_name``, ``personal_id``, ``birth_date``, ``sex``)."""
    return {
        "full_name": record.full_name or None,
        "personal_id": record.personal_id,
        "birth_date": record.birth_date.isoformat() if record.birth_date else None,
        "sex": record.sex or None,
    }
