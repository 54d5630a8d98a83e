"""Search behaves as citizens type: accents optional, any word order, a typo tolerated, ranked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.catalog.models import (
    ApplicantType,
    CatalogRevision,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ServiceOffering,
)
from opendvc.catalog.search import SearchFilters, decode_cursor, encode_cursor, search_index_reset
from opendvc.catalog.selectors import procedure_search
from opendvc.core.errors import ApiError

# Real names from the national catalogue sample (src/opendvc/catalog/data/tthc-sample.json).
CATALOGUE = [
    ("3.000346", "Cấp giấy phép lái xe", "citizen", "partial"),
    ("3.000347", "Đổi giấy phép lái xe", "citizen", "full"),
    ("3.000348", "Cấp lại giấy phép lái xe", "citizen", "full"),
    ("3.000349", "Đổi giấy phép lái xe quân sự do Bộ Quốc phòng cấp", "citizen", "partial"),
    ("1.001193", "Thủ tục đăng ký khai sinh", "citizen", "full"),
    ("1.004884", "Thủ tục đăng ký lại khai sinh", "citizen", "partial"),
    ("1.004222", "Đăng ký thường trú", "citizen", "full"),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "business", "partial"),
    ("2.001610", "Đăng ký thành lập doanh nghiệp tư nhân", "business", "full"),
    ("1.013225", "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV", "organisation", "partial"),
    ("1.014137", "Cấp thẻ bảo hiểm y tế", "citizen", "partial"),
]


def make_catalogue() -> None:
    ho_tich = Field.objects.create(code="G15-TP07", name="Hộ tịch")
    gplx = Field.objects.create(code=None, name="Đường bộ")
    hcm = AdministrativeUnit.objects.create(
        code="79", name="Thành phố Hồ Chí Minh", codename="ho_chi_minh", kind=AdministrativeUnit.Kind.CENTRAL_CITY
    )
    hn = AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", codename="ha_noi", kind=AdministrativeUnit.Kind.CENTRAL_CITY
    )
    sotp_hcm = Agency.objects.create(
        code="H29.17",
        level1="H29",
        depth=2,
        name="Sở Tư pháp Thành phố Hồ Chí Minh",
        kind=Agency.Kind.DEPARTMENT,
        administrative_unit=hcm,
        province=hcm,
    )
    sotp_hn = Agency.objects.create(
        code="H26.17",
        level1="H26",
        depth=2,
        name="Sở Tư pháp Thành phố Hà Nội",
        kind=Agency.Kind.DEPARTMENT,
        administrative_unit=hn,
        province=hn,
    )
    for code, name, applicant, online in CATALOGUE:
        procedure = Procedure.objects.create(code=code)
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=1,
            status=ProcedureVersion.Status.PUBLISHED,
            name=name,
            field=ho_tich if "sinh" in name else gplx if "lái xe" in name else None,
            applicant_types=[applicant],
            online_level=online,
        )
        procedure.current_version = version
        procedure.save()
    for code, agency in [("1.001193", sotp_hcm), ("1.004884", sotp_hn), ("1.001193", sotp_hn)]:
        ServiceOffering.objects.create(procedure=Procedure.objects.get(code=code), agency=agency)
    CatalogRevision.objects.update_or_create(pk=1, defaults={"revision": 1})


def codes(query: str, **filters: str) -> list[str]:
    return [hit.code for hit in procedure_search(query=query, filters=SearchFilters(**filters), limit=50).items]


pytestmark = pytest.mark.django_db


def test_search_without_accents_finds_the_accented_name() -> None:
    make_catalogue()
    assert codes("doi giay phep lai xe")[0] == "3.000347"
    assert codes("cap doi giay phep lai xe")[0] == "3.000347"
    assert "1.004222" in codes("dang ky thuong tru")


def test_search_with_accents_and_mixed_case_matches_the_same() -> None:
    make_catalogue()
    assert codes("ĐỔI GIẤY PHÉP LÁI XE") == codes("doi giay phep lai xe")


def test_search_tolerates_word_order() -> None:
    make_catalogue()
    assert codes("giay phep lai xe doi")[0] == "3.000347"
    assert codes("khai sinh dang ky")[0] == "1.001193"


def test_search_tolerates_a_typo() -> None:
    make_catalogue()
    assert codes("khia sinh")[0] == "1.001193"
    assert codes("doi giay phep lai xr")[0] == "3.000347"
    page = procedure_search(query="dang ky thuong trus")
    assert page.items[0].code == "1.004222"
    assert page.corrected_terms == {"trus": "tru"}


def test_search_matches_an_unfinished_last_word() -> None:
    make_catalogue()
    assert codes("bao hiem y t")[0] == "1.014137"


def test_search_ranks_the_closest_name_first() -> None:
    make_catalogue()
    ranked = codes("dang ky khai sinh")
    assert ranked[:2] == ["1.001193", "1.004884"]


def test_search_does_not_list_unrelated_procedures() -> None:
    make_catalogue()
    assert "1.001193" not in codes("giay phep xay dung")
    assert codes("zzzz qqqq") == []


def test_filters_restrict_results() -> None:
    make_catalogue()
    assert set(codes("", applicant=ApplicantType.BUSINESS)) == {"1.001612", "2.001610"}
    assert set(codes("giay phep", online_level=OnlineLevel.FULL)) == {"3.000347", "3.000348"}
    assert set(codes("", field="G15-TP07")) == {"1.001193", "1.004884"}
    assert set(codes("", field="Đường bộ")) == {"3.000346", "3.000347", "3.000348", "3.000349"}
    assert codes("khai sinh", agency="H29.17") == ["1.001193"]
    assert codes("khai sinh", agency="000.00.17.H29") == ["1.001193"]
    assert set(codes("khai sinh", province="1")) == {"1.001193", "1.004884"}
    assert codes("khai sinh", province="79") == ["1.001193"]


def test_only_published_versions_are_found() -> None:
    make_catalogue()
    version = ProcedureVersion.objects.get(procedure__code="1.004222")
    version.status = ProcedureVersion.Status.WITHDRAWN
    version.save()
    CatalogRevision.objects.filter(pk=1).update(revision=2)
    assert "1.004222" not in codes("thuong tru")


def test_keyset_pages_cover_every_result_once() -> None:
    make_catalogue()
    everything = codes("")
    seen: list[str] = []
    cursor = None
    while True:
        page = procedure_search(query="", cursor=cursor, limit=3)
        seen += [hit.code for hit in page.items]
        assert page.total == len(everything)
        if page.next is None:
            break
        cursor = page.next
    assert seen == everything == sorted(everything)
    ranked = codes("giay phep lai xe")
    first = procedure_search(query="giay phep lai xe", limit=2)
    second = procedure_search(query="giay phep lai xe", cursor=first.next, limit=50)
    assert [h.code for h in first.items + second.items] == ranked


@pytest.mark.parametrize(
    ("kwargs", "code", "status"),
    [
        ({"query": "x" * 201}, "invalid_query", 400),
        ({"query": "khai\x00sinh"}, "invalid_query", 400),
        ({"query": "a", "cursor": "not base64 !"}, "invalid_cursor", 400),
        ({"query": "a", "cursor": "W10"}, "invalid_cursor", 400),
        ({"query": "a", "filters": SearchFilters(applicant="robot")}, "invalid_filter", 400),
        ({"query": "a", "filters": SearchFilters(online_level="level4")}, "invalid_filter", 400),
        ({"query": "a", "filters": SearchFilters(agency="h29;drop")}, "invalid_agency_code", 400),
        ({"query": "a", "filters": SearchFilters(province="ha-noi")}, "unknown_province", 400),
        ({"query": "a", "filters": SearchFilters(province="99")}, "unknown_province", 404),
    ],
)
def test_bad_input_is_refused_with_a_code_and_both_languages(kwargs: dict, code: str, status: int) -> None:
    make_catalogue()
    with pytest.raises(ApiError) as refused:
        procedure_search(**kwargs)
    assert refused.value.code == code
    assert refused.value.status == status
    assert refused.value.message_vi and refused.value.message_en
    assert refused.value.message_vi != refused.value.message_en


@given(score=st.floats(min_value=0, max_value=1e6, allow_nan=False), code=st.from_regex(r"\d\.\d{6}", fullmatch=True))
@settings(max_examples=50)
def test_cursor_round_trips(score: float, code: str) -> None:
    assert decode_cursor(encode_cursor(score, code)) == (round(score, 6), code)


@given(garbage=st.text(max_size=60))
@settings(max_examples=100)
def test_any_garbage_cursor_is_refused_not_crashing(garbage: str) -> None:
    try:
        score, code = decode_cursor(garbage)
    except ApiError as error:
        assert error.code == "invalid_cursor"
    else:
        assert isinstance(score, float) and isinstance(code, str)


def test_a_repeated_search_is_answered_from_the_index_memory_until_the_catalogue_changes() -> None:
    make_catalogue()
    first = procedure_search(query="thuong tru", limit=20)
    assert procedure_search(query="  Thường   trú ", limit=20) is first  # same normalised query
    assert procedure_search(query="thuong tru", limit=10) is not first
    version = ProcedureVersion.objects.get(procedure__code="1.004222")
    version.status = ProcedureVersion.Status.WITHDRAWN
    version.save()
    CatalogRevision.objects.filter(pk=1).update(revision=2)
    search_index_reset()  # as after the revision check interval
    assert [hit.code for hit in procedure_search(query="thuong tru", limit=20).items] == []
