"""The catalogue pages: search with filters (with and without htmx) and a procedure's start page."""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.catalog.models import (
    Channel,
    Fee,
    Field,
    LegalBasis,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Result,
    ServiceOffering,
)
from opendvc.catalog.search import search_index_reset
from opendvc.catalog.services import catalog_revision_bump

SEARCH = reverse("catalog:procedure_search")

# Texts copied verbatim from src/opendvc/catalog/data/tthc-sample.json.
GPLX_FEE = (
    "- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần. - Trường hợp tổ chức, cá nhân nộp hồ sơ theo hình thức "
    "trực tuyến: Kể từ ngày 01/12/2023 đến hết ngày 31/12/2025, áp dụng mức thu lệ phí là 115.000 đồng/lần cấp."
)
GPLX_DOCUMENT = (
    "Giấy khám sức khỏe của người lái xe do cơ sở khám bệnh, chữa bệnh đủ tiêu chuẩn theo quy định của pháp luật "
    "về khám bệnh, chữa bệnh cấp còn hiệu lực (trừ người có giấy phép lái xe hạng A1, A, B1)"
)
KHAI_SINH_DOCUMENT = (
    "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc "
    "sinh; nếu không có người làm chứng thì phải có giấy cam đoan về việc sinh."
)


def _procedure(code: str, name: str, **fields: object) -> ProcedureVersion:
    procedure = Procedure.objects.create(code=code)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=ProcedureVersion.Status.PUBLISHED,
        name=name,
        is_sample=True,
        source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-bda8-740c-9f49-ddaae438530d",
        source_date=date(2026, 6, 10),
        **fields,
    )
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    return version


def make_sample_catalogue() -> None:
    """A few procedures of the real sample with the parts their pages show."""
    ho_tich = Field.objects.create(code="G15-TP07", name="Hộ tịch")
    gplx_field = Field.objects.create(code=None, name="Sát hạch, cấp giấy phép lái xe")
    hkd_field = Field.objects.create(code=None, name="Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)")

    gplx = _procedure(
        "3.000347",
        "Đổi giấy phép lái xe",
        field=gplx_field,
        levels=["bo"],
        applicant_types=["citizen"],
        applicant_types_inferred=True,
        online_level="full",
        implementing_agencies=["Cục cảnh sát giao thông", "Công an tỉnh", "Công an cấp Xã"],
        promulgating_agency_name="Bộ Công an",
        publication_decision="1025/QĐ-BCA",
        catalog_type="standard",
    )
    Channel.objects.create(version=gplx, position=0, kind="online", time_amount=Decimal(5), time_unit="working_days")
    Channel.objects.create(version=gplx, position=1, kind="in_person", time_amount=Decimal(5), time_unit="working_days")
    Fee.objects.create(version=gplx, position=0, amount=135000, description=GPLX_FEE)
    RequiredDocument.objects.create(version=gplx, position=0, name=GPLX_DOCUMENT, originals=1, copies=0, mandatory=True)
    Result.objects.create(version=gplx, position=0, name="Giấy phép lái xe")
    LegalBasis.objects.create(
        version=gplx,
        position=0,
        number="12/2025/TT-BCA",
        title="Thông tư số 12/2025/TT-BCA ngày 28/02/2025 của Bộ trưởng Bộ Công an quy định về sát hạch, cấp giấy "
        "phép lái xe; cấp, sử dụng giấy phép lái xe quốc tế",
    )

    khai_sinh = _procedure(
        "1.001193",
        "Thủ tục đăng ký khai sinh",
        field=ho_tich,
        levels=["xa"],
        applicant_types=["citizen"],
        online_level="full",
        implementing_agencies=["Ủy ban nhân dân cấp xã"],
        publication_decision="163/QĐ-BTP",
    )
    for position, kind in enumerate(["online", "post", "in_person"]):
        Channel.objects.create(
            version=khai_sinh, position=position, kind=kind, time_amount=Decimal(1), time_unit="working_days"
        )
    Fee.objects.create(version=khai_sinh, position=0, amount=0, description="Miễn phí")
    RequiredDocument.objects.create(
        version=khai_sinh, position=0, group_title="* Giấy tờ phải nộp:", name=KHAI_SINH_DOCUMENT
    )
    RequiredDocument.objects.create(
        version=khai_sinh,
        position=1,
        group_title="* Giấy tờ phải xuất trình:",
        name="Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng thực các giấy tờ "
        "phải xuất trình nêu trên.",
    )
    Result.objects.create(version=khai_sinh, position=0, name="Giấy khai sinh")

    hkd = _procedure(
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh",
        field=hkd_field,
        levels=["bo", "xa"],
        applicant_types=["business"],
        online_level="partial",
        publication_decision="2353/QĐ-BTC",
    )
    Channel.objects.create(version=hkd, position=0, kind="online")
    Channel.objects.create(version=hkd, position=1, kind="in_person")
    Fee.objects.create(
        version=hkd,
        position=0,
        channel_kinds=["online", "post"],
        amount=150000,
        description="- Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định",
    )
    Fee.objects.create(version=hkd, position=1, channel_kinds=["in_person"], amount=1250000)

    _procedure("2.000033", "Thông báo hoạt động khuyến mại", promulgating_agency_name="Bộ Công thương")

    hcm = AdministrativeUnit.objects.create(
        code="79", name="Thành phố Hồ Chí Minh", codename="ho_chi_minh", kind=AdministrativeUnit.Kind.CENTRAL_CITY
    )
    AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", codename="ha_noi", kind=AdministrativeUnit.Kind.CENTRAL_CITY
    )
    police = Agency.objects.create(
        code="H29.25",
        level1="H29",
        depth=2,
        name="Công an Thành phố Hồ Chí Minh",
        kind=Agency.Kind.VERTICAL_UNIT,
        administrative_unit=hcm,
        province=hcm,
    )
    ServiceOffering.objects.create(procedure=gplx.procedure, agency=police, online_level="full")
    catalog_revision_bump()


@pytest.fixture
def catalogue(db: None, settings) -> None:
    settings.CATALOG_INDEX_CHECK_SECONDS = 0
    cache.clear()
    search_index_reset()
    make_sample_catalogue()


def text_of(response) -> str:
    """The page's visible text, tags dropped and spaces collapsed, for assertions on what people read."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- search ----------------------------------------------------------------------------------------


def test_search_without_accents_lists_the_procedure_with_its_facts(client: Client, catalogue: None) -> None:
    response = client.get(SEARCH, {"q": "doi giay phep lai xe"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Đổi giấy phép lái xe" in text
    assert "Mã 3.000347" in text
    assert "Sát hạch, cấp giấy phép lái xe" in text
    assert "Cấp Bộ" in text
    assert "Trực tuyến toàn trình" in text
    assert 'href="/thu-tuc/3.000347/"' in response.content.decode()
    assert "Kết quả tìm “doi giay phep lai xe”" in response.content.decode()


def test_search_filters_narrow_the_results_and_stay_selected(client: Client, catalogue: None) -> None:
    response = client.get(SEARCH, {"q": "", "applicant": "business"})
    text = text_of(response)
    assert "Đăng ký thành lập hộ kinh doanh" in text
    assert "Đổi giấy phép lái xe" not in text
    assert '<option value="business" selected>' in response.content.decode()

    response = client.get(SEARCH, {"agency": "H29.25"})
    text = text_of(response)
    assert "Tìm thấy 1 thủ tục." in text
    assert "Đổi giấy phép lái xe" in text

    response = client.get(SEARCH, {"field": "G15-TP07", "online_level": "full"})
    text = text_of(response)
    assert "Thủ tục đăng ký khai sinh" in text
    assert "Đổi giấy phép lái xe" not in text


def test_search_with_nothing_found_gives_advice(client: Client, catalogue: None) -> None:
    response = client.get(SEARCH, {"q": "khai sinh", "applicant": "business"})
    text = text_of(response)
    assert response.status_code == 200
    assert "Không tìm thấy thủ tục phù hợp" in text
    assert "bỏ bớt bộ lọc đã chọn" in text


def test_corrected_query_says_what_was_searched(client: Client, catalogue: None) -> None:
    response = client.get(SEARCH, {"q": "giay phep lai xr"})
    text = text_of(response)
    assert "Đổi giấy phép lái xe" in text
    assert "Kết quả cho “giay phep lai xe”" in text


def test_more_results_link_carries_the_cursor_and_the_query(client: Client, catalogue: None) -> None:
    from opendvc.catalog import views

    original = views.RESULTS_PER_PAGE
    views.RESULTS_PER_PAGE = 2
    try:
        first = client.get(SEARCH, {"q": "", "online_level": ""})
        html = first.content.decode()
        match = re.search(r'href="\?([^"]*cursor=[^"]+)"', html)
        assert match, "no Xem thêm link"
        assert "Xem thêm" in text_of(first)
        second = client.get(f"{SEARCH}?{match.group(1).replace('&amp;', '&')}")
    finally:
        views.RESULTS_PER_PAGE = original
    assert second.status_code == 200
    first_codes = re.findall(r'href="/thu-tuc/([\d.]+)/"', html)
    second_codes = re.findall(r'href="/thu-tuc/([\d.]+)/"', second.content.decode())
    assert len(first_codes) == 2
    assert second_codes
    assert not set(first_codes) & set(second_codes)
    assert "Về trang kết quả đầu tiên" in text_of(second)


def test_htmx_request_gets_only_the_results_fragment(client: Client, catalogue: None) -> None:
    response = client.get(SEARCH, {"q": "khai sinh"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thủ tục đăng ký khai sinh" in html
    assert "<html" not in html
    assert 'id="search-form"' not in html and "<form" not in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client: Client, catalogue: None) -> None:
    response = client.get(
        SEARCH, {"q": "khai sinh"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_search_page_works_without_javascript(client: Client, catalogue: None) -> None:
    html = client.get(SEARCH).content.decode()
    form = re.search(r"<form class=\"odvc-search-form\"[^>]*>", html)
    assert form and 'method="get"' in form.group(0) and 'action="/thu-tuc/"' in form.group(0)
    assert 'hx-get="/thu-tuc/"' in form.group(0) and 'hx-target="#search-results"' in form.group(0)
    for name in ("q", "field", "agency", "province", "applicant", "online_level"):
        assert f'name="{name}"' in html
    assert '<option lang="vi" value="H29.25">Công an Thành phố Hồ Chí Minh</option>' in html
    assert '<option lang="vi" value="79">Thành phố Hồ Chí Minh</option>' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cursor": "not-a-cursor!"}, "Con trỏ trang không hợp lệ; hãy tìm kiếm lại từ đầu."),
        ({"q": "x" * 201}, "Từ khóa tìm kiếm dài tối đa 200 ký tự."),
        ({"online_level": "fastest"}, "Mức độ trực tuyến phải là một trong"),
        ({"province": "999"}, "Mã tỉnh/thành phố gồm 2 chữ số"),
    ],
)
def test_bad_search_input_is_a_400_with_the_reason(client: Client, catalogue: None, params, message) -> None:
    response = client.get(SEARCH, params)
    assert response.status_code == 400
    assert message in text_of(response)
    assert "Tìm thủ tục hành chính" in text_of(response)


def test_bad_cursor_in_an_htmx_request_is_a_400_fragment(client: Client, catalogue: None) -> None:
    response = client.get(SEARCH, {"cursor": "%%%"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "Con trỏ trang không hợp lệ" in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_search_page_query_count(client: Client, catalogue: None, django_assert_num_queries) -> None:
    client.get(SEARCH, {"q": "giay phep"})  # builds the index and the filter options
    # The catalogue revision for the page's options, and the search index's revision check
    # (CATALOG_INDEX_CHECK_SECONDS is 0 in tests; in production it is skipped for a few seconds).
    with django_assert_num_queries(2):
        response = client.get(SEARCH, {"q": "giay phep", "applicant": "citizen"})
    assert response.status_code == 200


# --- procedure page --------------------------------------------------------------------------------


def detail(code: str) -> str:
    return reverse("catalog:procedure_detail", kwargs={"code": code})


def test_procedure_page_shows_what_a_person_needs_before_applying(client: Client, catalogue: None) -> None:
    response = client.get(detail("3.000347"))
    assert response.status_code == 200
    text = text_of(response)
    assert "<title>Đổi giấy phép lái xe – Cổng Dịch vụ công OpenDVC</title>" in response.content.decode()
    assert "Mã 3.000347" in text
    assert "Sát hạch, cấp giấy phép lái xe" in text
    assert "Cấp Bộ" in text
    assert "Công dân (hệ thống suy ra từ lĩnh vực của thủ tục" in text
    assert "Trực tuyến Thời hạn giải quyết: 5 ngày làm việc" in text
    assert "Trực tiếp Thời hạn giải quyết: 5 ngày làm việc" in text
    assert "135.000 đ" in text
    assert GPLX_FEE in text
    assert GPLX_DOCUMENT in text
    assert "Bản chính: 1 Bản sao: 0 Bắt buộc" in text
    assert "Giấy phép lái xe" in text
    assert "12/2025/TT-BCA" in text
    assert "Cục cảnh sát giao thông" in text
    assert "1025/QĐ-BCA" in text
    html = response.content.decode()
    assert 'href="/co-quan/H29.25/"' in html
    assert "Đây là dữ liệu mẫu, chép từ Cổng Dịch vụ công quốc gia ngày 10/06/2026" in text
    assert 'href="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bf7-bda8-740c-9f49-ddaae438530d"' in html
    assert "Nộp hồ sơ trực tuyến" not in text


def test_procedure_page_groups_documents_and_says_free(client: Client, catalogue: None) -> None:
    text = text_of(client.get(detail("1.001193")))
    assert "Giấy tờ phải nộp " + KHAI_SINH_DOCUMENT in text
    assert "Giấy tờ phải xuất trình" in text
    assert "Miễn phí" in text
    assert "1 ngày làm việc" in text
    assert "Dịch vụ bưu chính" in text


def test_fee_per_channel_and_missing_time_limit(client: Client, catalogue: None) -> None:
    text = text_of(client.get(detail("1.001612")))
    assert "Trực tuyến, Dịch vụ bưu chính 150.000 đ" in text
    assert "Trực tiếp 1.250.000 đ" in text
    assert text.count("Chưa có thông tin về thời hạn giải quyết") == 2


def test_procedure_page_says_what_is_missing(client: Client, catalogue: None) -> None:
    text = text_of(client.get(detail("2.000033")))
    assert "Chưa có thông tin về thời hạn giải quyết" in text
    assert "Chưa có thông tin về phí, lệ phí" in text
    assert "Chưa có thông tin về thành phần hồ sơ" in text


def test_local_variant_code_redirects_to_the_national_procedure(client: Client, catalogue: None) -> None:
    response = client.get("/thu-tuc/1.001193.000.00.00.H56/")
    assert response.status_code == 301
    assert response["Location"] == "/thu-tuc/1.001193/"


@pytest.mark.parametrize("code", ["9.999999", "abc", "1.00119", "1.001193.XYZ"])
def test_unknown_or_malformed_code_is_the_404_page(client: Client, catalogue: None, code: str) -> None:
    response = client.get(f"/thu-tuc/{code}/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in text_of(response)


def test_procedure_page_query_count_cold_and_cached(client: Client, catalogue: None, django_assert_num_queries) -> None:
    # Cold: the revision, the version with procedure and field, six prefetched lists and the offerings.
    with django_assert_num_queries(9):
        first = client.get(detail("3.000347"))
    with django_assert_num_queries(1):
        second = client.get(detail("3.000347"))
    main = re.compile(r"<main.*</main>", re.S)
    first_main, second_main = main.search(first.content.decode()), main.search(second.content.decode())
    assert first_main and second_main
    assert first_main.group(0) == second_main.group(0)


def test_cached_page_follows_a_catalogue_change(client: Client, catalogue: None) -> None:
    assert "135.000 đ" in text_of(client.get(detail("3.000347")))
    Fee.objects.filter(version__procedure__code="3.000347").update(amount=115000)
    catalog_revision_bump()
    assert "115.000 đ" in text_of(client.get(detail("3.000347")))


def test_cached_procedure_page_returns_to_itself_after_a_language_switch(client: Client, catalogue: None) -> None:
    client.get(detail("1.001193"))
    html = Client().get(detail("1.001193")).content.decode()
    assert '<input type="hidden" name="next" id="language-next" value="/thu-tuc/1.001193/">' in html


def test_each_language_has_its_own_cached_page(client: Client, catalogue: None) -> None:
    assert "Phí, lệ phí" in text_of(client.get(detail("3.000347")))
    client.cookies["django_language"] = "en"
    assert "Fees and charges" in text_of(client.get(detail("3.000347")))
    client.cookies["django_language"] = "vi"
    assert "Phí, lệ phí" in text_of(client.get(detail("3.000347")))


def test_procedure_page_in_english(client: Client, catalogue: None) -> None:
    client.cookies["django_language"] = "en"
    response = client.get(detail("3.000347"))
    text = text_of(response)
    assert '<html lang="en">' in response.content.decode()
    assert "Fees and charges" in text
    assert "5 working days" in text
    assert "Online" in text
    assert "135.000 đ" in text
    assert "Đổi giấy phép lái xe" in text


# --- the real sample, loaded as `make run` loads it -----------------------------------------------


def test_pages_of_the_loaded_sample_catalogue(client: Client, db: None, settings) -> None:
    settings.CATALOG_INDEX_CHECK_SECONDS = 0
    cache.clear()
    search_index_reset()
    call_command("load_demo_catalog", stdout=open(os.devnull, "w"))  # noqa: SIM115

    response = client.get(SEARCH, {"q": "cap doi giay phep lai xe"})
    first = re.search(r'href="/thu-tuc/([\d.]+)/">([^<]+)</a>', response.content.decode())
    assert first and first.groups() == ("3.000347", "Đổi giấy phép lái xe")

    text = text_of(client.get(detail("3.000347")))
    assert "Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần" in text
    assert "5 ngày làm việc" in text
    assert "Thông tư số 12/2025/TT-BCA" in text

    text = text_of(client.get(detail("1.001612")))
    assert "Trực tuyến, Dịch vụ bưu chính 150.000 đ" in text
    assert "Trực tiếp 50.000 đ" in text

    text = text_of(client.get(detail("1.001193")))
    assert "Giấy tờ phải nộp" in text and "Giấy tờ phải xuất trình" in text
    assert "Giấy khai sinh" in text
