"""Public statistics API: the figures of the periodic TTHC report, national → province → agency → procedure.

Only counts and rates are published — no dossier, applicant or officer appears in any answer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from opendvc.reporting import selectors

router = Router(tags=["Thống kê"])


class ErrorOut(Schema):
    code: str = Field(description="Mã lỗi cho máy đọc, ví dụ `period_invalid`.")
    message: str
    messages: dict[str, str]
    details: list[dict[str, str]]


ERRORS: dict[int, type[Schema]] = {404: ErrorOut, 422: ErrorOut}


class PeriodParams(Schema):
    period: Literal["month", "quarter", "year"] = Field("month", description="Kỳ: tháng, quý hoặc năm.")
    year: int | None = Field(None, description="Năm; mặc định năm của kỳ hiện tại.")
    number: int | None = Field(None, description="Tháng (1–12) hoặc quý (1–4); mặc định kỳ hiện tại.")
    window: Literal["calendar", "report"] = Field(
        "calendar",
        description="`calendar`: theo lịch; `report`: kỳ báo cáo từ ngày 15 kỳ trước đến ngày 14 (Nghị định 09/2019).",
    )


class PeriodOut(Schema):
    kind: str
    window: str
    year: int
    number: int
    start: date
    end: date
    as_of: date = Field(description="Ngày chốt số liệu tồn (đang giải quyết): cuối kỳ, hoặc hôm nay nếu kỳ chưa hết.")


class FiguresOut(Schema):
    total: int = Field(description="Tổng số hồ sơ nhận giải quyết = từ kỳ trước + mới tiếp nhận (Biểu 06, cột 3).")
    carried_over: int = Field(description="Từ kỳ trước (cột 6).")
    received_new: int
    received_online: int = Field(description="Trực tuyến (cột 4).")
    received_in_person: int
    received_post: int
    received_digitised: int = Field(description="Mới tiếp nhận có thành phần hồ sơ số hóa.")
    resolved: int = Field(description="Đã giải quyết (cột 7).")
    resolved_early: int = Field(description="Trước hạn (cột 8).")
    resolved_on_time: int = Field(description="Đúng hạn, gồm cả hồ sơ rút sau tiếp nhận và dừng xử lý (cột 9).")
    resolved_late: int = Field(description="Quá hạn (cột 10).")
    in_progress: int = Field(description="Đang giải quyết (cột 11).")
    in_progress_on_time: int = Field(description="Trong hạn, gồm cả hồ sơ chờ bổ sung (cột 12).")
    in_progress_overdue: int = Field(description="Quá hạn (cột 13).")
    results_on_time: int = Field(description="Có kết quả đúng hạn (không gồm rút, dừng).")
    withdrawn: int
    withdrawn_before_reception: int
    stopped: int
    refused: int
    supplement_requests: int
    returned: int
    paid_online: int
    submitted: int
    online_rate: Decimal | None = Field(description="Tỷ lệ tiếp nhận trực tuyến (%); `null` khi không có hồ sơ mới.")
    on_time_rate: Decimal | None = Field(
        description="Tỷ lệ đúng hạn (%) = (trước hạn + đúng hạn + đang trong hạn) ÷ tổng số (Quyết định 766, 2.1)."
    )


class ChildOut(FiguresOut):
    code: str
    name: str


class TrendOut(Schema):
    month: str = Field(description="`YYYY-MM`")
    received: int
    resolved: int


class StatisticsOut(Schema):
    level: Literal["national", "province", "agency", "procedure"]
    code: str
    name: str
    period: PeriodOut
    totals: FiguresOut
    child_level: str | None
    children: list[ChildOut]
    trend: list[TrendOut]


def _period(params: PeriodParams) -> selectors.Period:
    current = selectors.period_current(kind=params.period, window=params.window)
    return selectors.period_for(
        kind=params.period,
        year=params.year if params.year is not None else current.year,
        number=params.number if params.number is not None else current.number,
        window=params.window,
    )


@router.get("/", response={200: StatisticsOut, **ERRORS}, summary="Thống kê cả nước", auth=None)
def statistics_national(request: HttpRequest, params: Query[PeriodParams]) -> Any:
    return selectors.figures_rows(selectors.statistics_for(period=_period(params)))


@router.get("/provinces/{code}", response={200: StatisticsOut, **ERRORS}, summary="Thống kê một tỉnh", auth=None)
def statistics_province(request: HttpRequest, code: str, params: Query[PeriodParams]) -> Any:
    return selectors.figures_rows(selectors.statistics_for(period=_period(params), province=code))


@router.get("/agencies/{code}", response={200: StatisticsOut, **ERRORS}, summary="Thống kê một cơ quan", auth=None)
def statistics_agency(request: HttpRequest, code: str, params: Query[PeriodParams]) -> Any:
    return selectors.figures_rows(selectors.statistics_for(period=_period(params), agency=code))


@router.get(
    "/agencies/{code}/procedures/{procedure}",
    response={200: StatisticsOut, **ERRORS},
    summary="Thống kê một thủ tục của một cơ quan",
    auth=None,
)
def statistics_procedure(request: HttpRequest, code: str, procedure: str, params: Query[PeriodParams]) -> Any:
    return selectors.figures_rows(selectors.statistics_for(period=_period(params), agency=code, procedure=procedure))
