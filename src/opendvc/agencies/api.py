"""Agencies and administrative units API: thin endpoints over the selectors, typed outputs, coded refusals."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from opendvc.agencies import selectors
from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.core.codes import parse_agency_code

router = Router(tags=["Cơ quan"])
units_router = Router(tags=["Đơn vị hành chính"])


class ErrorOut(Schema):
    code: str = Field(description="Mã lỗi cho máy đọc, ví dụ `unknown_province`.")
    message: str = Field(description="Thông điệp theo ngôn ngữ của yêu cầu (mặc định tiếng Việt).")
    messages: dict[str, str] = Field(description='Thông điệp ở mọi ngôn ngữ: `{"vi", "en"}`.')
    details: list[dict[str, str]]


ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ProvinceOut(Schema):
    code: str = Field(description="Mã tỉnh, thành phố (Tổng cục Thống kê), 2 chữ số, ví dụ `79`.")
    name: str
    codename: str
    kind: str = Field(description="`thanh_pho_trung_uong` | `tinh`")
    phone_code: int | None = Field(description="Mã vùng điện thoại.")


class CommuneOut(Schema):
    code: str = Field(description="Mã xã, phường, đặc khu (Tổng cục Thống kê), 5 chữ số, ví dụ `26740`.")
    name: str
    codename: str
    kind: str = Field(description="`phuong` | `xa` | `dac_khu`")
    province_code: str


class UnitRefOut(Schema):
    code: str
    name: str
    kind: str


class AgencyRefOut(Schema):
    code: str
    name: str


class WorkingPeriodOut(Schema):
    weekdays: list[int] = Field(description="Ngày trong tuần: 0 = thứ Hai … 6 = Chủ nhật.")
    start: str = Field(description="Giờ bắt đầu, `HH:MM`.")
    end: str = Field(description="Giờ kết thúc, `HH:MM`.")


class AgencySummaryOut(Schema):
    code: str = Field(description="Mã định danh (Quyết định 20/2020/QĐ-TTg), cấp 1 trước: `H29.17`.")
    qcvn_code: str = Field(description="Cùng mã theo thứ tự QCVN 102:2016 (cấp thấp trước): `000.00.17.H29`.")
    name: str
    kind: str = Field(description=" | ".join(f"`{value}`" for value in Agency.Kind.values))
    kind_label: str
    level1: str
    depth: int
    parent_code: str | None
    province_code: str | None
    administrative_unit_code: str | None
    url: str = Field(description="Đường dẫn API của cơ quan.")
    page_url: str = Field(description="Trang thông tin của cơ quan trên cổng.")


class AgencyPageOut(Schema):
    items: list[AgencySummaryOut]
    next: str | None = Field(description="Con trỏ trang sau (truyền lại vào `cursor`); `null` khi đã hết.")


class AgencyOut(AgencySummaryOut):
    parent: AgencyRefOut | None
    province: UnitRefOut | None
    administrative_unit: UnitRefOut | None
    address: str
    phone: str
    email: str
    website: str
    working_hours: list[WorkingPeriodOut]
    is_sample: bool = Field(description="Dữ liệu mẫu của bản demo.")


class AgencyListParams(Schema):
    q: str = Field("", description="Tên hoặc mã cơ quan, có dấu hoặc không dấu; tối đa 200 ký tự.")
    province: str | None = Field(None, description="Mã tỉnh, thành phố (79).")
    kind: str | None = Field(None, description="Loại cơ quan: " + ", ".join(Agency.Kind.values) + ".")
    cursor: str | None = Field(None, description="Giá trị `next` của trang trước.")
    limit: int = Field(20, ge=1, le=100)


def _unit_ref(unit: AdministrativeUnit | None) -> dict[str, str] | None:
    return None if unit is None else {"code": unit.code, "name": unit.name, "kind": unit.kind}


def _agency_summary(agency: Agency) -> dict[str, object]:
    parsed = parse_agency_code(agency.code)
    return {
        "code": agency.code,
        "qcvn_code": parsed.qcvn,
        "name": agency.name,
        "kind": agency.kind,
        "kind_label": str(agency.get_kind_display()),
        "level1": agency.level1,
        "depth": agency.depth,
        "parent_code": agency.parent.code if agency.parent else None,
        "province_code": agency.province.code if agency.province else None,
        "administrative_unit_code": agency.administrative_unit.code if agency.administrative_unit else None,
        "url": f"/api/v1/agencies/{agency.code}",
        "page_url": reverse("agencies:agency_detail", kwargs={"code": agency.code}),
    }


@units_router.get("/provinces", response={200: list[ProvinceOut]}, summary="Danh sách tỉnh, thành phố")
def province_list(request: HttpRequest) -> list[AdministrativeUnit]:
    """The 34 provinces and centrally-run cities since 1 July 2025 (Resolution 202/2025/QH15)."""
    return list(selectors.province_list())


@units_router.get(
    "/provinces/{code}/communes",
    response={200: list[CommuneOut], **ERRORS},
    summary="Danh sách xã, phường, đặc khu của một tỉnh",
)
def commune_list(request: HttpRequest, code: str) -> list[dict[str, object]]:
    """The communes of a province; `unknown_province` (404) for a code that is not a province's."""
    return [
        {
            "code": u.code,
            "name": u.name,
            "codename": u.codename,
            "kind": u.kind,
            "province_code": u.province.code if u.province else "",
        }
        for u in selectors.commune_list(province_code=code)
    ]


@router.get("", response={200: AgencyPageOut, **ERRORS}, summary="Tìm cơ quan")
def agency_list(request: HttpRequest, params: Query[AgencyListParams]) -> dict[str, object]:
    """Agencies ordered by code, keyset-paginated: pass the `next` value back as `cursor`.

    Refusals: `invalid_query` (too long, control characters), `invalid_kind`, `unknown_province` (404),
    `invalid_cursor`.
    """
    page = selectors.agency_list(
        q=params.q, province=params.province, kind=params.kind, cursor=params.cursor, limit=params.limit
    )
    return {"items": [_agency_summary(agency) for agency in page.items], "next": page.next}


@router.get("/{code}", response={200: AgencyOut, **ERRORS}, summary="Thông tin một cơ quan")
def agency_detail(request: HttpRequest, code: str) -> dict[str, object]:
    """One agency by its code in either order (`H29.17` or `000.00.17.H29`).

    Refusals: `invalid_agency_code` (400), `agency_not_found` (404).
    """
    agency = selectors.agency_get(code=code)
    return {
        **_agency_summary(agency),
        "parent": {"code": agency.parent.code, "name": agency.parent.name} if agency.parent else None,
        "province": _unit_ref(agency.province),
        "administrative_unit": _unit_ref(agency.administrative_unit),
        "address": agency.address,
        "phone": agency.phone,
        "email": agency.email,
        "website": agency.website,
        "working_hours": agency.working_hours,
        "is_sample": agency.is_sample,
    }
