"""Answers that satisfy each demo form, as a person would give them (codes of real 2025 units)."""

from __future__ import annotations

import copy
from typing import Any

HCM, SAI_GON, BEN_THANH = "79", "26740", "26743"
HANOI, HOAN_KIEM = "01", "00070"

#: 079 (Hồ Chí Minh City), 1 (woman born 19xx), 95 → born 1995.
MOTHER_ID = "079195001234"
#: 079, 0 (man born 19xx), 90 → born 1990.
FATHER_ID = "079090001234"

ADDRESS = {"tinh": HCM, "xa": SAI_GON, "chi_tiet": "Số 12 đường Lê Lợi"}
MOTHER = {"ho_ten": "Trần Thị Hoa", "ngay_sinh": "1995-04-12", "so_dinh_danh": MOTHER_ID}
FATHER = {"ho_ten": "Nguyễn Văn An", "ngay_sinh": "1990-03-27", "so_dinh_danh": FATHER_ID}

SAMPLES: dict[str, dict[str, Any]] = {
    "1.001193": {
        "nguoi_yeu_cau": {**MOTHER, "dien_thoai": "0912345678", "quan_he": "me"},
        "tre": {
            "ho_ten": "Nguyễn Thị Bình An",
            "ngay_sinh": "2025-10-01",
            "gioi_tinh": "nu",
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "noi_sinh": {"tinh": HCM, "xa": BEN_THANH, "co_so": "Bệnh viện Hùng Vương"},
        },
        "me": {**MOTHER, "dan_toc": "Kinh", "quoc_tich": "Việt Nam", "noi_cu_tru": ADDRESS},
        "cha": {**FATHER, "dan_toc": "Kinh", "quoc_tich": "Việt Nam"},
        "so_ban_sao": 2,
        "cam_doan": True,
    },
    "3.000333": {
        "nguoi_yeu_cau": {
            **FATHER,
            "gioi_tinh": "nam",
            "noi_sinh": HCM,
            "quoc_tich": "Việt Nam",
            "dan_toc": "Kinh",
            "dien_thoai": "0912345678",
            "noi_cu_tru": ADDRESS,
            "ho_ten_me": "Lê Thị Mai",
        },
        "qua_trinh_cu_tru": [
            {"tu": "09/2008", "den": "06/2012", "noi_cu_tru": "Quận 1, TP. Hồ Chí Minh", "nghe_nghiep": "Học sinh"},
            {"tu": "07/2012", "den": "nay", "noi_cu_tru": "Phường Sài Gòn, TP. Hồ Chí Minh"},
        ],
        "loai_phieu": "so_1",
        "muc_dich": "Bổ sung hồ sơ xin việc",
        "so_luong": 1,
        "cam_doan": True,
    },
    "3.000347": {
        "nguoi_de_nghi": {
            **FATHER,
            "gioi_tinh": "nam",
            "quoc_tich": "Việt Nam",
            "dien_thoai": "0912345678",
            "noi_cu_tru": ADDRESS,
        },
        "gplx": {
            "so": "790123456789",
            "hang": "B",
            "co_quan_cap": "Sở Giao thông vận tải Thành phố Hồ Chí Minh",
            "ngay_cap": "2016-05-20",
            "ngay_het_han": "2026-05-20",
        },
        "ly_do": "het_han",
        "suc_khoe": {"co_so_kham": "Bệnh viện Giao thông vận tải", "ngay_kham": "2025-09-15"},
        "nhan_ket_qua": "buu_chinh",
        "cam_doan": True,
    },
    "1.004222": {
        "nguoi_de_nghi": {**MOTHER, "gioi_tinh": "nu", "dien_thoai": "0912345678"},
        "noi_dang_ky": ADDRESS,
        "truong_hop": "nguoi_than",
        "chu_ho": {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": FATHER_ID, "quan_he": "vo_chong"},
        "cam_doan": True,
    },
    "1.000656": {
        "nguoi_yeu_cau": {**FATHER, "dien_thoai": "0912345678", "quan_he": "Con"},
        "nguoi_mat": {
            "ho_ten": "Nguyễn Văn Bình",
            "ngay_sinh": "1940-01-15",
            "gioi_tinh": "nam",
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "so_dinh_danh": "079040001111",
            "noi_cu_tru": ADDRESS,
        },
        "su_kien": {
            "ngay_mat": "2025-08-02",
            "gio_mat": "14:30",
            "noi_mat": "Bệnh viện Chợ Rẫy",
            "nguyen_nhan": "Bệnh",
        },
        "giay_bao_tu": {"ngay_cap": "2025-08-03", "co_quan_cap": "Bệnh viện Chợ Rẫy"},
        "cam_doan": True,
    },
    "1.000894": {
        "ben_nu": {
            **MOTHER,
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "noi_cu_tru": ADDRESS,
            "lan_ket_hon": "lan_dau",
        },
        "ben_nam": {
            **FATHER,
            "dan_toc": "Tày",
            "quoc_tich": "Việt Nam",
            "noi_cu_tru": ADDRESS,
            "lan_ket_hon": "lan_dau",
        },
        "lien_he": {"dien_thoai": "0912345678", "email": "hoa@example.vn"},
        "cam_doan": True,
    },
    "1.004873": {
        "nguoi_yeu_cau": {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": FATHER_ID,
            "dien_thoai": "0912345678",
            "quan_he": "ban_than",
        },
        "nguoi_duoc_xac_nhan": {
            **FATHER,
            "gioi_tinh": "nam",
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "noi_cu_tru": ADDRESS,
        },
        "tinh_trang": "chua_ket_hon",
        "muc_dich": "Để đăng ký kết hôn với bà Trần Thị Hoa, sinh năm 1995, tại Ủy ban nhân dân phường Sài Gòn",
        "so_luong": 1,
        "cam_doan": True,
    },
    "1.001612": {
        "ho_kinh_doanh": {
            "ten": "Hộ kinh doanh Bình An",
            "dia_diem": ADDRESS,
            "dien_thoai": "0912345678",
            "nganh_nghe": "Bán lẻ lương thực, thực phẩm\nDịch vụ ăn uống",
            "von": 50_000_000,
            "so_lao_dong": 3,
        },
        "chu_ho": {
            **FATHER,
            "gioi_tinh": "nam",
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "ma_so_thue": "0312345673",
            "noi_cu_tru": ADDRESS,
        },
        "cam_doan": True,
    },
    "1.013225": {
        "chu_dau_tu": {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": FATHER_ID,
            "dien_thoai": "0912345678",
            "dia_chi_lien_he": "Số 12 đường Lê Lợi, Phường Sài Gòn",
        },
        "dia_diem": {
            "thua_dat": "125",
            "to_ban_do": "18",
            "tinh": HCM,
            "xa": SAI_GON,
            "chi_tiet": "Số 40 đường Pasteur",
        },
        "giay_chung_nhan": {"so": "DĐ 123456", "ngay_cap": "2019-06-10"},
        "cong_trinh": {
            "loai": "nha_o_rieng_le",
            "dien_tich_xay_dung": 80.5,
            "tong_dien_tich_san": 241.5,
            "chieu_cao": 12.6,
            "so_tang": 3,
        },
        "thoi_gian_hoan_thanh": 8,
        "cam_doan": True,
    },
    "1.014137": {
        "nguoi_tham_gia": {**MOTHER, "gioi_tinh": "nu", "dien_thoai": "0912345678", "noi_cu_tru": ADDRESS},
        "doi_tuong": "ho_gia_dinh",
        "kcb_ban_dau": "Trạm y tế phường Sài Gòn",
        "phuong_thuc_dong": "12",
        "cam_doan": True,
    },
}


def sample(code: str) -> dict[str, Any]:
    return copy.deepcopy(SAMPLES[code])
