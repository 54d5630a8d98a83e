"""The national code lists the dossier speaks (DESIGN.md §4) and their English names."""

from __future__ import annotations

import re
from pathlib import Path

from opendvc.dossiers.models import STATUS_LABELS_EN, ApplicantKind, Channel, DossierStatus

PO_FILE = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_statuses_are_the_ten_national_ones_with_their_official_names() -> None:
    assert [(s.value, str(s.label)) for s in DossierStatus] == [
        (1, "Mới đăng ký"),
        (2, "Được tiếp nhận"),
        (3, "Không được tiếp nhận"),
        (4, "Đang xử lý"),
        (5, "Yêu cầu bổ sung giấy tờ"),
        (6, "Yêu cầu thực hiện nghĩa vụ tài chính"),
        (7, "Công dân yêu cầu rút hồ sơ"),
        (8, "Dừng xử lý"),
        (9, "Đã xử lý xong"),
        (10, "Đã trả kết quả"),
    ]
    assert [c.value for c in Channel] == [1, 2, 3]
    assert [k.value for k in ApplicantKind] == [1, 2, 3, 4]


def test_the_english_catalogue_translates_every_status_as_the_error_messages_do() -> None:
    translations = dict(re.findall(r'msgid "(.+)"\nmsgstr "(.*)"', PO_FILE.read_text(encoding="utf-8")))
    assert {s.value: translations[str(s.label)] for s in DossierStatus} == STATUS_LABELS_EN
