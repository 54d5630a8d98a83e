"""Calendar API: the due moment of a legal time limit at an agency, with the days it skipped."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field as PydanticField

from opendvc.agencies.selectors import agency_get
from opendvc.core.calendar import (
    LOCAL_TZ,
    CalendarError,
    ExplainedDay,
    WorkingCalendar,
    clean_amount,
    clean_unit,
    due_at_for,
)

router = Router(tags=["Lịch làm việc"])

_WIRE = re.compile(r"^\d{14}$")
_HAS_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# A "+07:00" offset typed into a URL without encoding arrives as " 07:00".
_SPACE_OFFSET = re.compile(r"^(.*[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")
_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


class ErrorOut(Schema):
    code: str = PydanticField(description="Mã lỗi cho máy đọc, ví dụ `invalid_amount`.")
    message: str = PydanticField(description="Thông điệp theo ngôn ngữ của yêu cầu (mặc định tiếng Việt).")
    messages: dict[str, str] = PydanticField(description='Thông điệp ở mọi ngôn ngữ: `{"vi", "en"}`.')
    details: list[dict[str, str]]


class ExplainedDayOut(Schema):
    date: date
    reason: str = PydanticField(description="Lý do, ví dụ “Chủ nhật”, “Tết Nguyên đán (mùng 1 Tết Bính Ngọ)”.")


class DueDateOut(Schema):
    agency: str = PydanticField(description="Mã định danh cơ quan (thứ tự tỉnh/bộ trước).")
    received_at: datetime = PydanticField(description="Thời điểm tiếp nhận, giờ Việt Nam (+07:00).")
    counted_from: datetime = PydanticField(
        description="Thời điểm bắt đầu tính thời hạn: chính lúc tiếp nhận nếu trong giờ làm việc (và trước "
        "giờ chốt), nếu không là đầu giờ làm việc tiếp theo."
    )
    due_at: datetime = PydanticField(description="Thời điểm hẹn trả, giờ Việt Nam (+07:00).")
    amount: str = PydanticField(description="Thời hạn, ví dụ `5` hoặc `0.5`.")
    unit: str = PydanticField(description="working_days | working_hours | calendar_days")
    cutoff: str | None = PydanticField(description="Giờ chốt đã áp dụng (HH:MM), nếu có.")
    skipped: list[ExplainedDayOut] = PydanticField(description="Các ngày không được tính, kèm lý do.")
    makeup_days: list[ExplainedDayOut] = PydanticField(description="Các ngày làm bù (thứ Bảy, Chủ nhật) được tính.")


def parse_received_at(raw: str | None) -> datetime:
    """An ISO 8601 date and time (or the DVCQG wire form ``yyyyMMddHHmmss``) as an aware datetime.

    Without an offset the time is read as Vietnam's (Asia/Ho_Chi_Minh), as on the appointment slip
    and in the DVCQG protocols.
    """
    value = (raw or "").strip()
    error = CalendarError(
        "invalid_datetime",
        "Thời điểm tiếp nhận phải có ngày và giờ theo ISO 8601, ví dụ 2026-02-12T09:30:00+07:00.",
        "The reception time must be an ISO 8601 date and time, e.g. 2026-02-12T09:30:00+07:00.",
    )
    if len(value) > 64:
        raise error
    try:
        if _WIRE.match(value):
            moment = datetime.strptime(value, "%Y%m%d%H%M%S")
        else:
            spaced = _SPACE_OFFSET.match(value)
            if spaced:
                value = f"{spaced[1]}+{spaced[2]}"
            if not _HAS_TIME.match(value):
                raise error
            moment = datetime.fromisoformat(value)
        if moment.tzinfo is None or moment.utcoffset() is None:
            moment = moment.replace(tzinfo=LOCAL_TZ)
        return moment.astimezone(LOCAL_TZ)
    except (ValueError, OverflowError):
        raise error from None


def parse_cutoff(raw: str | None) -> time | None:
    value = (raw or "").strip()
    if not value:
        return None
    if not _HHMM.match(value):
        raise CalendarError(
            "invalid_cutoff",
            "Giờ chốt có dạng HH:MM, ví dụ 15:00.",
            "The cut-off is a time of day HH:MM, e.g. 15:00.",
        )
    return time.fromisoformat(value)


def _days_out(days: list[ExplainedDay]) -> list[ExplainedDayOut]:
    return [ExplainedDayOut(date=day.date, reason=day.reason) for day in days]


@router.get(
    "/due-date",
    response={200: DueDateOut, 400: ErrorOut, 404: ErrorOut},
    summary="Tính thời điểm hẹn trả",
    description=(
        "Thời điểm hẹn trả của một thời hạn giải quyết tại một cơ quan, theo lịch làm việc (ngày nghỉ lễ, "
        "Tết, ngày nghỉ bù, ngày làm bù) và giờ làm việc của cơ quan. `working_days`: cùng giờ sau N ngày "
        "làm việc; hồ sơ nhận ngoài giờ (hoặc sau giờ chốt `cutoff`, ví dụ 15:00 với thủ tục liên thông) "
        "được tính từ ngày làm việc tiếp theo và hẹn cuối giờ của ngày làm việc thứ N. "
        "`received_at` không có múi giờ được hiểu là giờ Việt Nam."
    ),
)
def due_date(
    request: HttpRequest,
    agency: str | None = None,
    received_at: str | None = None,
    amount: str | None = None,
    unit: str | None = None,
    cutoff: str | None = None,
) -> DueDateOut:
    unit_value = clean_unit(unit or "")
    amount_value = clean_amount(amount if amount is not None else "", unit_value)
    received = parse_received_at(received_at)
    cutoff_value = parse_cutoff(cutoff)
    found = agency_get(code=agency or "")
    result = due_at_for(
        received_at=received,
        amount=amount_value,
        unit=unit_value,
        cutoff=cutoff_value,
        calendar=WorkingCalendar(agency=found),
    )
    return DueDateOut(
        agency=found.code,
        received_at=result.received_at,
        counted_from=result.counted_from,
        due_at=result.due_at,
        amount=str(result.amount),
        unit=str(result.unit),
        cutoff=cutoff_value.strftime("%H:%M") if cutoff_value else None,
        skipped=_days_out(result.skipped),
        makeup_days=_days_out(result.makeup_days),
    )
