"""Property tests of the official code formats (DESIGN.md §4; Decision 20/2020/QĐ-TTg; Circular 59/2021/TT-BCA)."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from opendvc.core.codes import (
    AGENCY_CODE_MAX_LENGTH,
    CodeError,
    parse_agency_code,
    parse_dossier_code,
    parse_personal_id,
    parse_tthc_code,
)

ALNUM = string.digits + string.ascii_uppercase

level1 = st.builds(lambda letter, n: f"{letter}{n:02d}", st.sampled_from("GH"), st.integers(1, 99))
# Lower levels: any 2–3 letters/digits except all zeros (QCVN padding) and G../H.. (read as level 1).
lower_group = st.one_of(
    st.text(ALNUM, min_size=2, max_size=3),
    st.builds(lambda letter, n: f"{letter}{n:02d}", st.sampled_from("ABCKX"), st.integers(0, 99)),
).filter(lambda g: set(g) != {"0"} and not (len(g) == 3 and g[0] in "GH" and g[1:].isdigit()))


@st.composite
def canonical_codes(draw: st.DrawFn, max_depth: int = 6) -> str:
    """A province/ministry-first code: a level-1 group, then lower levels, ≤ 35 characters."""
    groups = [draw(level1), *draw(st.lists(lower_group, max_size=max_depth - 1))]
    while len(".".join(groups)) > AGENCY_CODE_MAX_LENGTH:
        groups.pop()
    return ".".join(groups)


# --- Agency identifiers ------------------------------------------------------------------------------


@given(canonical_codes())
@example("H29.17")
@example("H22.01")
@example("G01.C08.05.A08")
def test_both_orders_parse_to_the_same_canonical_code(code: str) -> None:
    parsed = parse_agency_code(code)
    assert parsed.canonical == code
    assert parse_agency_code(parsed.qcvn).canonical == code


@given(canonical_codes())
def test_canonical_to_qcvn_and_back_round_trips(code: str) -> None:
    parsed = parse_agency_code(code)
    assert parse_agency_code(parsed.qcvn) == parsed
    assert parsed.level1 == code.split(".")[0]
    assert parsed.depth == len(code.split("."))


def test_a_code_with_level1_looking_groups_at_both_ends_is_read_province_first() -> None:
    assert parse_agency_code("H01.05.17.H29").level1 == "H01"
    assert parse_agency_code("C08.05.G01").canonical == "G01.05.C08"


def test_known_examples_of_both_orders() -> None:
    assert parse_agency_code("000.00.01.H22").canonical == "H22.01"
    assert parse_agency_code("H56.14").qcvn == "000.00.14.H56"
    assert parse_agency_code("000.00.00.H29").canonical == "H29"
    assert parse_agency_code(" h29.17 ").canonical == "H29.17"


@given(st.text(string.ascii_lowercase + " -_/", min_size=1, max_size=20))
def test_lowercase_garbage_is_refused(raw: str) -> None:
    with pytest.raises(CodeError) as error:
        parse_agency_code(raw)
    assert error.value.code == "invalid_agency_code"
    assert error.value.message_vi and error.value.message_en


@given(canonical_codes(), st.integers(0, 3))
def test_empty_groups_are_refused(code: str, position: int) -> None:
    groups = code.split(".")
    groups.insert(min(position, len(groups)), "")
    with pytest.raises(CodeError):
        parse_agency_code(".".join(groups))


@given(st.lists(lower_group, min_size=12, max_size=15))
def test_codes_longer_than_35_characters_are_refused(groups: list[str]) -> None:
    raw = ".".join(["H29", *groups])
    assume(len(raw) > AGENCY_CODE_MAX_LENGTH)
    with pytest.raises(CodeError):
        parse_agency_code(raw)


@pytest.mark.parametrize("raw", ["", "   ", "H29.", ".H29", "H29..17", "17.05", "H29.1", "H29.1234", "H29.1Ä"])
def test_malformed_agency_codes_are_refused(raw: str) -> None:
    with pytest.raises(CodeError):
        parse_agency_code(raw)


# --- Procedure codes ---------------------------------------------------------------------------------

tthc_codes = st.builds(lambda a, b: f"{a}.{b:06d}", st.integers(1, 9), st.integers(0, 999_999))


@given(tthc_codes, canonical_codes(max_depth=4))
@example("1.003560", "H56")
def test_local_variants_map_to_the_national_code(code: str, agency: str) -> None:
    assert parse_tthc_code(code) == code
    assert parse_tthc_code(f"{code}.{parse_agency_code(agency).qcvn}") == code


@pytest.mark.parametrize(
    "raw", ["", "1001193", "1.00119", "1.0011934", "a.001193", "1.001193.", "1.001193.XX", "1.001193.000.00.00"]
)
def test_malformed_procedure_codes_are_refused(raw: str) -> None:
    with pytest.raises(CodeError) as error:
        parse_tthc_code(raw)
    assert error.value.code == "invalid_procedure_code"


@given(st.text(max_size=30))
def test_procedure_code_parser_only_raises_code_errors(raw: str) -> None:
    try:
        result = parse_tthc_code(raw)
    except CodeError:
        return
    assert len(result) == 8 and result[1] == "."


# --- Dossier codes -----------------------------------------------------------------------------------


@given(canonical_codes(max_depth=4), st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(1, 9999))
def test_generated_dossier_codes_round_trip(agency: str, received_on: date, sequence: int) -> None:
    raw = f"{agency}-{received_on:%y%m%d}-{sequence:04d}"
    parsed = parse_dossier_code(raw)
    assert (parsed.agency.canonical, parsed.received_on, parsed.sequence) == (agency, received_on, sequence)
    assert str(parsed) == raw
    qcvn = f"{parse_agency_code(agency).qcvn}-{received_on:%y%m%d}-{sequence:04d}"
    assert parse_dossier_code(qcvn) == parsed


@pytest.mark.parametrize("day", ["260230", "250229", "261301", "260000", "261032", "260431"])
def test_impossible_reception_dates_are_refused(day: str) -> None:
    with pytest.raises(CodeError) as error:
        parse_dossier_code(f"H29.17-{day}-0001")
    assert error.value.code == "invalid_dossier_code"


def test_leap_day_is_a_valid_reception_date() -> None:
    assert parse_dossier_code("H15.50.05.13-280229-0975").received_on == date(2028, 2, 29)


@pytest.mark.parametrize(
    "raw", ["H29.17-261008-0000", "H29.17-261008-975", "H29.17-2610080-0975", "H29.17261008-0975", "XYZ-261008-0001"]
)
def test_malformed_dossier_codes_are_refused(raw: str) -> None:
    with pytest.raises(CodeError) as error:
        parse_dossier_code(raw)
    assert error.value.code == "invalid_dossier_code"


# --- Personal identification numbers ----------------------------------------------------------------


@given(st.integers(0, 999), st.integers(0, 9), st.integers(0, 99), st.integers(0, 999_999))
def test_birth_year_and_sex_follow_the_century_digit(province: int, g: int, yy: int, serial: int) -> None:
    number = f"{province:03d}{g}{yy:02d}{serial:06d}"
    parsed = parse_personal_id(number)
    assert parsed.birth_year == 1900 + 100 * (g // 2) + yy
    assert parsed.is_female is (g % 2 == 1)
    assert parsed.province_code == f"{province:03d}"
    assert parsed.number == number


def test_known_personal_ids() -> None:
    assert parse_personal_id("079090001234").birth_year == 1990
    assert parse_personal_id("079190001234").is_female
    assert parse_personal_id("001203001234").birth_year == 2003


def _is_twelve_digits(text: str) -> bool:
    value = text.strip()
    return len(value) == 12 and value.isascii() and value.isdigit()


@given(st.text(max_size=14).filter(lambda s: not _is_twelve_digits(s)))
def test_anything_but_twelve_digits_is_refused(raw: str) -> None:
    with pytest.raises(CodeError) as error:
        parse_personal_id(raw)
    assert error.value.code == "invalid_personal_id"
