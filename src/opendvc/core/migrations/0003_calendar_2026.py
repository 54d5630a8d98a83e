"""National holiday arrangements decided for 2026 (civil servants: Saturday and Sunday off).

Sources: Công văn 12729/VPCP-KGVX of 25/12/2025 (New Year swap) and Thông báo 9441/TB-BNV of
16/10/2025 of the Ministry of Home Affairs (Lunar New Year and National Day 2026); the statutory days
of the Labour Code 2019 (Art. 111(3), Art. 112). The ``holidays`` package already knows most of them;
the rows make the decisions visible, citable and editable in the admin.
"""

from datetime import date

from django.db import migrations

LABOUR_CODE = "Bộ luật Lao động 2019, Điều 112"
COMPENSATORY = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù khi ngày lễ trùng ngày nghỉ hằng tuần)"
NEW_YEAR_SWAP = "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
TET_AND_NATIONAL_DAY = "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ"

ROWS = [
    (date(2026, 1, 1), "holiday", "Tết Dương lịch", LABOUR_CODE),
    (date(2026, 1, 2), "day_off", "Nghỉ Tết Dương lịch (hoán đổi, làm bù thứ Bảy 10/01/2026)", NEW_YEAR_SWAP),
    (date(2026, 1, 10), "makeup_working_day", "Làm bù cho ngày nghỉ thứ Sáu 02/01/2026", NEW_YEAR_SWAP),
    (date(2026, 2, 16), "holiday", "Tết Nguyên đán (29 tháng Chạp năm Ất Tỵ)", TET_AND_NATIONAL_DAY),
    (date(2026, 2, 17), "holiday", "Tết Nguyên đán (mùng 1 Tết Bính Ngọ)", TET_AND_NATIONAL_DAY),
    (date(2026, 2, 18), "holiday", "Tết Nguyên đán (mùng 2 Tết Bính Ngọ)", TET_AND_NATIONAL_DAY),
    (date(2026, 2, 19), "holiday", "Tết Nguyên đán (mùng 3 Tết Bính Ngọ)", TET_AND_NATIONAL_DAY),
    (date(2026, 2, 20), "holiday", "Tết Nguyên đán (mùng 4 Tết Bính Ngọ)", TET_AND_NATIONAL_DAY),
    (date(2026, 4, 26), "holiday", "Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật)", LABOUR_CODE),
    (date(2026, 4, 27), "day_off", "Nghỉ bù Giỗ Tổ Hùng Vương", COMPENSATORY),
    (date(2026, 4, 30), "holiday", "Ngày Chiến thắng (30/4)", LABOUR_CODE),
    (date(2026, 5, 1), "holiday", "Ngày Quốc tế Lao động (1/5)", LABOUR_CODE),
    (date(2026, 8, 22), "makeup_working_day", "Làm bù cho ngày nghỉ thứ Hai 31/08/2026", TET_AND_NATIONAL_DAY),
    (date(2026, 8, 31), "day_off", "Nghỉ lễ Quốc khánh (hoán đổi, làm bù thứ Bảy 22/08/2026)", TET_AND_NATIONAL_DAY),
    (date(2026, 9, 1), "holiday", "Ngày Quốc khánh (ngày liền kề)", TET_AND_NATIONAL_DAY),
    (date(2026, 9, 2), "holiday", "Ngày Quốc khánh (2/9)", LABOUR_CODE),
]


def add_rows(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, name, legal_basis in ROWS:
        CalendarDay.objects.update_or_create(
            date=day, agency=None, defaults={"kind": kind, "name": name, "legal_basis": legal_basis}
        )


def remove_rows(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarDay.objects.filter(agency=None, date__in=[row[0] for row in ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_day")]

    operations = [migrations.RunPython(add_rows, remove_rows)]
