"""The protocols' checksums: published vectors and properties."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from opendvc.payments.signing import (
    crc16_ccitt_false,
    pp_checksum,
    tlv_parse,
    vietqr_payload,
    vietqr_valid,
    vnpay_hash_data,
    vnpay_sign,
    vnpay_verify,
)

#: NAPAS' sample payloads (VietQR specification 1.5.2): a static QR to an account and to a card, and
#: a dynamic QR with amount, bill number and purpose.
NAPAS_SAMPLES = {
    "F4E5": "00020101021138570010A00000072701270006970403011200110123456780208QRIBFTTA53037045802VN6304",
    "4F52": "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN6304",
    "2E2E": (
        "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN"
        "62340107NPS68690819thanh toan don hang6304"
    ),
}


def test_crc_matches_the_napas_sample_payloads() -> None:
    for expected, body in NAPAS_SAMPLES.items():
        assert crc16_ccitt_false(body) == expected
        assert vietqr_valid(body + expected)


def test_crc_is_ccitt_false_on_the_standard_check_string() -> None:
    assert crc16_ccitt_false("123456789") == "29B1"


def test_vietqr_payload_carries_account_amount_and_reference() -> None:
    payload = vietqr_payload(bank_bin="970415", account="113366668888", amount=800000, purpose="OD261202ABCDEFGHJK")
    fields = tlv_parse(payload)
    assert fields["00"] == "01" and fields["01"] == "12"
    merchant = tlv_parse(fields["38"])
    assert merchant["00"] == "A000000727" and merchant["02"] == "QRIBFTTA"
    assert tlv_parse(merchant["01"]) == {"00": "970415", "01": "113366668888"}
    assert (fields["53"], fields["54"], fields["58"]) == ("704", "800000", "VN")
    assert tlv_parse(fields["62"]) == {"08": "OD261202ABCDEFGHJK"}
    assert payload[-8:-4] == "6304" and vietqr_valid(payload)


purposes = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=25)


@given(
    amount=st.integers(min_value=1, max_value=10**12),
    purpose=purposes,
    account=st.from_regex(r"\d{6,19}", fullmatch=True),
)
def test_vietqr_payload_reads_back_and_validates(amount: int, purpose: str, account: str) -> None:
    payload = vietqr_payload(bank_bin="970403", account=account, amount=amount, purpose=purpose)
    fields = tlv_parse(payload)
    assert int(fields["54"]) == amount
    assert tlv_parse(fields["62"])["08"] == purpose
    assert vietqr_valid(payload)


@given(
    amount=st.integers(min_value=1, max_value=10**9),
    position=st.integers(min_value=0),
    replacement=st.sampled_from("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"),
)
def test_any_changed_character_breaks_the_vietqr_crc(amount: int, position: int, replacement: str) -> None:
    payload = vietqr_payload(bank_bin="970415", account="113366668888", amount=amount, purpose="OD261202ABCDEFGHJK")
    index = position % (len(payload) - 4)
    if payload[index] == replacement:
        return
    tampered = payload[:index] + replacement + payload[index + 1 :]
    assert not vietqr_valid(tampered)


def test_pp_checksum_is_sha256_of_the_pipe_joined_fields_and_secret() -> None:
    expected = hashlib.sha256(b"INIT|1.0.6|OPENDVC|OD1|8000|secret").hexdigest()
    assert pp_checksum(["INIT", "1.0.6", "OPENDVC", "OD1", 8000], "secret") == expected


def test_vnpay_hash_data_sorts_encodes_and_skips_the_hash() -> None:
    params = {"vnp_TxnRef": "OD1", "vnp_Amount": "800000", "vnp_OrderInfo": "Thanh toan phi", "vnp_SecureHash": "x"}
    assert vnpay_hash_data(params) == "vnp_Amount=800000&vnp_OrderInfo=Thanh+toan+phi&vnp_TxnRef=OD1"


vnp_values = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)


@given(params=st.dictionaries(st.from_regex(r"vnp_[A-Za-z]{1,12}", fullmatch=True), vnp_values, min_size=1, max_size=8))
def test_vnpay_signature_verifies_and_any_changed_value_fails(params: dict[str, str]) -> None:
    params.pop("vnp_SecureHash", None)
    params.pop("vnp_SecureHashType", None)
    if not params:
        return
    signed = {**params, "vnp_SecureHash": vnpay_sign(params, "secret")}
    assert vnpay_verify(signed, "secret")
    assert not vnpay_verify(signed, "other-secret")
    key = sorted(params)[0]
    tampered = {**signed, key: signed[key] + "1"}
    assert not vnpay_verify(tampered, "secret")
