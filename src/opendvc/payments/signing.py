"""The checksums and signatures of the payment protocols, as pure functions.

- National Payment Platform, protocol 1.0.6: ``MaXacThuc`` is the hex SHA-256 of the message's fields
  joined by ``|`` with the partner's secret last.
- VNPay 2.1.0: the ``vnp_*`` parameters except the hash, sorted by name, values URL-encoded
  (``quote_plus``), joined ``k=v&…``; ``vnp_SecureHash`` is the hex HMAC-SHA512 of that with the
  merchant's secret.
- VietQR (NAPAS 247 on EMVCo QRCPS-MPM): tag-length-value fields; the last field ``63`` is the
  CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR) of the whole
  payload including ``6304``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import quote_plus

PP_VERSION = "1.0.6"
VNPAY_VERSION = "2.1.0"
NAPAS_GUID = "A000000727"
NAPAS_TRANSFER_TO_ACCOUNT = "QRIBFTTA"


def pp_checksum(fields: Sequence[object], secret: str) -> str:
    """``MaXacThuc`` of a Payment Platform message: SHA-256 of ``f1|f2|…|secret``."""
    text = "|".join([*("" if value is None else str(value) for value in fields), secret])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def vnpay_hash_data(params: Mapping[str, str]) -> str:
    """The text VNPay signs: every non-empty ``vnp_`` parameter but the hash, sorted, URL-encoded."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in ("vnp_SecureHash", "vnp_SecureHashType") and str(value) != ""
    )
    return "&".join(f"{key}={quote_plus(value)}" for key, value in items)


def vnpay_sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), vnpay_hash_data(params).encode("utf-8"), hashlib.sha512).hexdigest()


def vnpay_verify(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get("vnp_SecureHash", "")).lower()
    return bool(given) and hmac.compare_digest(given, vnpay_sign(params, secret))


def hmac_sha256(text: str, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def signatures_equal(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.lower().encode(), expected.lower().encode())


# --- VietQR -------------------------------------------------------------------------------------------


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE of the UTF-8 bytes, as four upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def tlv(tag: str, value: str) -> str:
    length = len(value)
    if len(tag) != 2 or not 0 < length <= 99:
        raise ValueError(f"EMVCo field {tag!r} must hold 1–99 characters, not {length}")
    return f"{tag}{length:02d}{value}"


def tlv_parse(payload: str) -> dict[str, str]:
    """The top-level fields of an EMVCo payload; ``ValueError`` when it is not well formed."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(payload):
        tag, size = payload[position : position + 2], payload[position + 2 : position + 4]
        if len(tag) < 2 or not size.isdigit():
            raise ValueError(f"malformed field at {position}")
        end = position + 4 + int(size)
        if end > len(payload):
            raise ValueError(f"field {tag} runs past the end")
        fields[tag] = payload[position + 4 : end]
        position = end
    return fields


def vietqr_payload(*, bank_bin: str, account: str, amount: int | None, purpose: str) -> str:
    """A dynamic VietQR transfer to an account: the amount (VND, 54) and the purpose (62/08) fixed.

    Tag 38 holds the NAPAS GUID, the beneficiary (00 bank BIN, 01 account) and the service code
    ``QRIBFTTA`` (transfer to an account); 53 = 704 (VND), 58 = VN, 63 the CRC over all of it.
    """
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", NAPAS_TRANSFER_TO_ACCOUNT)
    body = tlv("00", "01") + tlv("01", "12" if amount else "11") + tlv("38", merchant) + tlv("53", "704")
    if amount:
        body += tlv("54", str(int(amount)))
    body += tlv("58", "VN")
    if purpose:
        body += tlv("62", tlv("08", purpose))
    body += "6304"
    return body + crc16_ccitt_false(body)


def vietqr_valid(payload: str) -> bool:
    return len(payload) > 8 and payload[-8:-4] == "6304" and crc16_ccitt_false(payload[:-4]) == payload[-4:].upper()
