"""Writes on accounts: citizen registration, contact verification, access tokens, organisations, roles.

Every refusal is an :class:`~opendvc.core.errors.ApiError` with a code and a Vietnamese and English
message; registration refusals list each wrong field in ``details`` (``field``, ``code``,
``messages``) so a page can show them beside the fields and an API client can map them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from opendvc.accounts.models import AccessToken, OfficerRole, Organisation, Representation, User, VerificationCode
from opendvc.accounts.selectors import officer_roles_forget
from opendvc.accounts.signals import personal_id_verified
from opendvc.core.codes import CodeError, parse_personal_id
from opendvc.core.errors import ApiError, NotFound
from opendvc.notifications.services import notification_send

VERIFICATION_CODE_TTL = timedelta(minutes=15)
VERIFICATION_MAX_ATTEMPTS = 5
VERIFICATION_RESEND_AFTER = timedelta(seconds=60)
VERIFICATION_TEMPLATE = "accounts/verification_code"

TOKEN_SCHEME = "odvc"  # noqa: S105 - the public label every token starts with, not a secret
TOKEN_LAST_USED_PRECISION = timedelta(minutes=1)
TOKEN_MAX_ACTIVE = 20
TOKEN_NAME_MAX_LENGTH = 100

FULL_NAME_MAX_LENGTH = 150
_NAME_PUNCTUATION = {" ", "'", "’", "-", "."}
_PHONE = re.compile(r"^0[35789]\d{8}$")
_TAX_CODE = re.compile(r"^\d{10}(?:-\d{3})?$")
_TOKEN = re.compile(r"^odvc_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{20,})$")


# --- Field checks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    message_vi: str
    message_en: str

    def as_detail(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "message": self.message_vi,
            "messages": {"vi": self.message_vi, "en": self.message_en},
        }


def full_name_clean(raw: str) -> str:
    """One "Họ, chữ đệm và tên" as the person writes it: letters with any diacritics, spaces, ' - ."""
    value = unicodedata.normalize("NFC", " ".join((raw or "").split()))
    if not value:
        raise CodeError("invalid_full_name", "Nhập họ, chữ đệm và tên.", "Enter your full name.")
    if len(value) > FULL_NAME_MAX_LENGTH:
        raise CodeError(
            "invalid_full_name",
            f"Họ, chữ đệm và tên dài tối đa {FULL_NAME_MAX_LENGTH} ký tự.",
            f"A full name has at most {FULL_NAME_MAX_LENGTH} characters.",
        )
    if not all(ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] in "LM" for ch in value) or not any(
        ch.isalpha() for ch in value
    ):
        raise CodeError(
            "invalid_full_name",
            "Họ, chữ đệm và tên chỉ gồm chữ cái (có dấu hoặc không dấu) và dấu cách, ví dụ Nguyễn Văn An.",
            "A full name has only letters (with or without diacritics) and spaces, e.g. Nguyễn Văn An.",
        )
    return value


def phone_normalise(raw: str) -> str:
    """A Vietnamese mobile number as ``0xxxxxxxxx`` (10 digits); ``+84``/``84`` and separators accepted."""
    value = re.sub(r"[\s.\-()]", "", raw or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) == 11:
        value = "0" + value[2:]
    if not _PHONE.match(value):
        raise CodeError(
            "invalid_phone",
            "Nhập số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09, ví dụ 0912345678.",
            "Enter a 10-digit Vietnamese mobile number starting with 03, 05, 07, 08 or 09, e.g. 0912345678.",
        )
    return value


def email_normalise(raw: str) -> str:
    value = (raw or "").strip()
    if not value:
        return ""
    try:
        EmailValidator()(value)
    except ValidationError:
        raise CodeError(
            "invalid_email",
            "Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com.",
            "Enter an e-mail address in the right form, e.g. name@example.com.",
        ) from None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def tax_code_clean(raw: str) -> str:
    """A tax code (mã số thuế): 10 digits, or 10 digits, a hyphen and 3 digits for a branch."""
    value = (raw or "").strip()
    if not _TAX_CODE.match(value):
        raise CodeError(
            "invalid_tax_code",
            "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số (ví dụ 0312345673-001).",
            "A tax code is 10 digits, or 10 digits, a hyphen and 3 digits (e.g. 0312345673-001).",
        )
    return value


# Django's validator messages say what is wrong; these also say how to fix it, in both languages.
_PASSWORD_ADVICE: dict[str, tuple[str, str]] = {
    "password_too_short": (
        "Mật khẩu phải có ít nhất {min_length} ký tự.",
        "The password must have at least {min_length} characters.",
    ),
    "password_too_common": (
        "Mật khẩu này quá phổ biến, dễ bị đoán. Chọn mật khẩu khác, ví dụ ghép vài từ bạn dễ nhớ.",
        "This password is too common. Choose another, e.g. a few words you remember easily.",
    ),
    "password_entirely_numeric": (
        "Mật khẩu không được chỉ gồm chữ số. Thêm chữ cái hoặc ký hiệu.",
        "The password cannot be only digits. Add letters or symbols.",
    ),
    "password_too_similar": (
        "Mật khẩu quá giống thông tin cá nhân của bạn. Chọn mật khẩu khác.",
        "The password is too similar to your personal details. Choose another.",
    ),
}


def _password_problems(password: str, user: User) -> list[FieldProblem]:
    """Django's password validators (settings ``AUTH_PASSWORD_VALIDATORS``), explained in both languages."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        messages_vi: list[str] = []
        messages_en: list[str] = []
        for item in error.error_list:
            params = {key: value for key, value in (item.params or {}).items() if isinstance(value, int | str)}
            advice = _PASSWORD_ADVICE.get(item.code or "")
            if advice is not None:
                messages_vi.append(advice[0].format(**params))
                messages_en.append(advice[1].format(**params))
            else:
                for language, target in (("vi", messages_vi), ("en", messages_en)):
                    with translation.override(language):
                        target.extend(str(message) for message in ValidationError([item]).messages)
        return [FieldProblem("password", "weak_password", " ".join(messages_vi), " ".join(messages_en))]
    return []


# --- Citizen registration ---------------------------------------------------------------------------


def citizen_registration_check(
    *,
    full_name: str,
    personal_id: str,
    phone: str,
    password: str,
    email: str = "",
    birth_date: date | None = None,
    sex: str = "",
) -> tuple[User, list[FieldProblem]]:
    """Check a registration without writing anything: the account it would create, and every problem.

    When the date of birth or the sex is given it must agree with the ID: its 4th digit encodes the
    century and sex, the 5th–6th the year (Circular 59/2021/TT-BCA, Art. 7). Pages call this to show
    all problems at once, even while other fields are still missing.
    """
    problems: list[FieldProblem] = []
    clean: dict[str, Any] = {}
    for field, cleaner, raw in (
        ("full_name", full_name_clean, full_name),
        ("phone", phone_normalise, phone),
        ("email", email_normalise, email),
    ):
        try:
            clean[field] = cleaner(raw)
        except CodeError as error:
            problems.append(FieldProblem(field, error.code, error.message_vi, error.message_en))
    parsed = None
    try:
        parsed = parse_personal_id(personal_id)
    except CodeError as error:
        problems.append(FieldProblem("personal_id", error.code, error.message_vi, error.message_en))
    if sex and sex not in User.Sex.values:
        problems.append(FieldProblem("sex", "invalid_sex", "Chọn Nam hoặc Nữ.", "Choose male or female."))
    if birth_date is not None and birth_date > timezone.localdate():
        problems.append(
            FieldProblem(
                "birth_date",
                "invalid_birth_date",
                "Ngày sinh phải là một ngày trong quá khứ.",
                "The date of birth must be in the past.",
            )
        )
    if parsed is not None:
        if birth_date is not None and birth_date.year != parsed.birth_year:
            problems.append(
                FieldProblem(
                    "personal_id",
                    "personal_id_birth_year_mismatch",
                    f"Số định danh này thuộc người sinh năm {parsed.birth_year}, khác năm sinh bạn nhập "
                    f"({birth_date.year}). Kiểm tra lại số định danh hoặc ngày sinh.",
                    f"This ID belongs to someone born in {parsed.birth_year}, not {birth_date.year}. "
                    "Check the ID number or the date of birth.",
                )
            )
        if sex in User.Sex.values and (sex == User.Sex.FEMALE) != parsed.is_female:
            id_sex_vi, id_sex_en = ("nữ", "female") if parsed.is_female else ("nam", "male")
            problems.append(
                FieldProblem(
                    "personal_id",
                    "personal_id_sex_mismatch",
                    f"Số định danh này thuộc người giới tính {id_sex_vi}, khác giới tính bạn chọn. "
                    "Kiểm tra lại số định danh hoặc giới tính.",
                    f"This ID belongs to a {id_sex_en} person, unlike the sex you chose. Check the ID or the sex.",
                )
            )
        if User.objects.filter(Q(username=parsed.number) | Q(personal_id=parsed.number)).exists():
            problems.append(_duplicate_problem())
    candidate = User(
        username=parsed.number if parsed else "",
        personal_id=parsed.number if parsed else None,
        full_name=clean.get("full_name", ""),
        email=clean.get("email", ""),
        phone=clean.get("phone", ""),
        kind=User.Kind.CITIZEN,
        birth_date=birth_date,
        sex=sex,
    )
    problems.extend(_password_problems(password, candidate))
    return candidate, problems


@transaction.atomic
def citizen_register(
    *,
    full_name: str,
    personal_id: str,
    phone: str,
    password: str,
    email: str = "",
    birth_date: date | None = None,
    sex: str = "",
) -> User:
    """Create a citizen account whose username is the 12-digit personal ID, and send verification codes.

    The rules are :func:`citizen_registration_check`'s. The account is active at once;
    ``phone_verified_at`` / ``email_verified_at`` stay empty until the codes are confirmed. Every
    problem is reported at once (``invalid_registration`` with ``details``); nothing is written
    unless everything is right.
    """
    candidate, problems = citizen_registration_check(
        full_name=full_name,
        personal_id=personal_id,
        phone=phone,
        password=password,
        email=email,
        birth_date=birth_date,
        sex=sex,
    )
    if problems:
        raise _registration_error(problems)
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        raise _registration_error([_duplicate_problem()]) from None
    verification_code_send(user=candidate, channel=VerificationCode.Channel.SMS)
    if candidate.email:
        verification_code_send(user=candidate, channel=VerificationCode.Channel.EMAIL)
    return candidate


def _duplicate_problem() -> FieldProblem:
    return FieldProblem(
        "personal_id",
        "personal_id_registered",
        "Số định danh cá nhân này đã có tài khoản. Hãy đăng nhập bằng số định danh và mật khẩu của bạn.",
        "This personal ID already has an account. Log in with your ID and password.",
    )


def _registration_error(problems: list[FieldProblem]) -> ApiError:
    return ApiError(
        "invalid_registration",
        "Thông tin đăng ký chưa đúng: sửa các mục được đánh dấu rồi gửi lại.",
        "The registration has errors: correct the marked fields and send it again.",
        details=[problem.as_detail() for problem in problems],
    )


# --- Verification codes -----------------------------------------------------------------------------


def _code_digest(salt: str, code: str) -> str:
    return salted_hmac("opendvc.accounts.verification_code", f"{salt}:{code}", algorithm="sha256").hexdigest()


def _address_for(user: User, channel: str) -> str:
    return user.email if channel == VerificationCode.Channel.EMAIL else user.phone


def _verified_field(channel: str) -> str:
    return "email_verified_at" if channel == VerificationCode.Channel.EMAIL else "phone_verified_at"


@transaction.atomic
def verification_code_send(*, user: User, channel: str) -> VerificationCode:
    """Send a new 6-digit code to the user's e-mail or phone; earlier open codes stop working.

    A new code can be asked for once a minute (``verification_too_soon``, 429). The code reaches
    the person only through the notification; the record keeps a keyed hash, and the stored copy
    of the message shows it masked.
    """
    if channel not in VerificationCode.Channel.values:
        raise ValueError(f"Unknown verification channel {channel!r}.")
    locked_user = User.objects.select_for_update().get(pk=user.pk)
    target = _address_for(locked_user, channel)
    if not target:
        raise ApiError(
            "no_contact_address",
            "Tài khoản chưa có địa chỉ thư điện tử." if channel == "email" else "Tài khoản chưa có số điện thoại.",
            "The account has no e-mail address." if channel == "email" else "The account has no phone number.",
        )
    now = timezone.now()
    latest = VerificationCode.objects.filter(user=locked_user, channel=channel).order_by("-created_at").first()
    if latest is not None and latest.created_at > now - VERIFICATION_RESEND_AFTER:
        wait = int((latest.created_at + VERIFICATION_RESEND_AFTER - now).total_seconds()) + 1
        raise ApiError(
            "verification_too_soon",
            f"Mã vừa được gửi. Đợi {wait} giây rồi bấm “Gửi lại mã”.",
            f"A code was just sent. Wait {wait} seconds, then ask for a new code.",
            status=429,
        )
    VerificationCode.objects.filter(user=locked_user, channel=channel, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = secrets.token_hex(16)
    row = VerificationCode.objects.create(
        user=locked_user,
        channel=channel,
        target=target,
        salt=salt,
        digest=_code_digest(salt, code),
        expires_at=now + VERIFICATION_CODE_TTL,
    )
    notification_send(
        user=locked_user,
        to=target,
        channel=channel,
        template_key=VERIFICATION_TEMPLATE,
        context={
            "code": code,
            "minutes": int(VERIFICATION_CODE_TTL.total_seconds() // 60),
            "full_name": locked_user.full_name,
        },
        redact=("code",),
        related=locked_user,
    )
    return row


def verification_code_confirm(*, user: User, channel: str, code: str) -> User:
    """Check a code the person typed; on success mark the e-mail or phone as verified.

    A wrong code counts as an attempt (kept even though the call is refused); after
    ``VERIFICATION_MAX_ATTEMPTS`` wrong attempts, or ``VERIFICATION_CODE_TTL`` after sending, the
    code no longer works and a new one must be asked for. A code sent to an address the account
    no longer has does not verify the new one.
    """
    typed = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", typed):
        raise ApiError(
            "invalid_verification_code",
            "Nhập mã xác thực gồm 6 chữ số trong tin nhắn chúng tôi vừa gửi.",
            "Enter the 6-digit code from the message we just sent.",
        )
    error: ApiError | None = None
    with transaction.atomic():
        locked_user = User.objects.select_for_update().get(pk=user.pk)
        row = (
            VerificationCode.objects.filter(user=locked_user, channel=channel, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        now = timezone.now()
        if row is None:
            error = ApiError(
                "verification_not_requested",
                "Chưa có mã xác thực nào đang chờ. Bấm “Gửi lại mã” để nhận mã.",
                "No code is waiting. Ask for a new code.",
            )
        elif row.attempts >= VERIFICATION_MAX_ATTEMPTS:
            error = _locked_error()
        elif row.expires_at <= now or row.target != _address_for(locked_user, channel):
            error = ApiError(
                "verification_expired",
                "Mã xác thực đã hết hạn. Bấm “Gửi lại mã” để nhận mã mới.",
                "The code has expired. Ask for a new code.",
            )
        elif not constant_time_compare(row.digest, _code_digest(row.salt, typed)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            remaining = VERIFICATION_MAX_ATTEMPTS - row.attempts
            error = (
                _locked_error()
                if remaining <= 0
                else ApiError(
                    "verification_code_wrong",
                    f"Mã xác thực không đúng. Kiểm tra lại tin nhắn; bạn còn {remaining} lần thử.",
                    f"The code is not right. Check the message; {remaining} attempts left.",
                    details=[{"remaining_attempts": remaining}],
                )
            )
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            field = _verified_field(channel)
            setattr(locked_user, field, now)
            locked_user.save(update_fields=[field])
    if error is not None:
        raise error
    setattr(user, _verified_field(channel), getattr(locked_user, _verified_field(channel)))
    return locked_user


def _locked_error() -> ApiError:
    return ApiError(
        "verification_locked",
        f"Bạn đã nhập sai {VERIFICATION_MAX_ATTEMPTS} lần nên mã này không dùng được nữa. "
        "Bấm “Gửi lại mã” để nhận mã mới.",
        f"The code was entered wrongly {VERIFICATION_MAX_ATTEMPTS} times and no longer works. Ask for a new code.",
    )


# --- Personal access tokens ---------------------------------------------------------------------------


def access_token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


@transaction.atomic
def access_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[AccessToken, str]:
    """Create a token and return it with its secret ``odvc_<prefix>_<secret>``, shown to the person once.

    Only the SHA-256 of the whole token is stored; the 8-character prefix lets people recognise
    a token in lists and logs.
    """
    clean_name = " ".join((name or "").split())
    if not clean_name or len(clean_name) > TOKEN_NAME_MAX_LENGTH:
        raise ApiError(
            "invalid_token_name",
            f"Đặt tên cho mã truy cập (tối đa {TOKEN_NAME_MAX_LENGTH} ký tự), ví dụ “Phần mềm kế toán”.",
            f"Give the token a name (at most {TOKEN_NAME_MAX_LENGTH} characters), e.g. “Accounting software”.",
        )
    now = timezone.now()
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    if expires_at is not None and expires_at <= now:
        raise ApiError(
            "invalid_token_expiry",
            "Ngày hết hạn phải ở sau thời điểm hiện tại.",
            "The expiry must be in the future.",
        )
    locked_user = User.objects.select_for_update().get(pk=user.pk)
    active = (
        AccessToken.objects.filter(user=locked_user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count()
    )
    if active >= TOKEN_MAX_ACTIVE:
        raise ApiError(
            "too_many_tokens",
            f"Bạn đã có {TOKEN_MAX_ACTIVE} mã truy cập đang dùng. Thu hồi mã không cần nữa rồi tạo mã mới.",
            f"You already have {TOKEN_MAX_ACTIVE} active tokens. Revoke one you no longer need first.",
            status=409,
        )
    prefix = secrets.token_hex(4)
    raw_token = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    token = AccessToken.objects.create(
        user=locked_user, name=clean_name, prefix=prefix, digest=access_token_digest(raw_token), expires_at=expires_at
    )
    return token, raw_token


@transaction.atomic
def access_token_revoke(*, user: User, token_id: int) -> AccessToken:
    """Revoke one of the user's tokens (revoking again changes nothing); another user's is not found."""
    token = AccessToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound(
            "Không tìm thấy mã truy cập này trong tài khoản của bạn.",
            "No such token in your account.",
            code="token_not_found",
        )
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _token_refused(code: str, message_vi: str, message_en: str) -> ApiError:
    return ApiError(code, message_vi, message_en, status=401)


def access_token_authenticate(*, raw_token: str) -> AccessToken:
    """The active token matching ``raw_token``, with its user; 401 ``invalid_token`` / ``token_expired`` /
    ``token_revoked`` otherwise.

    The token is found by the SHA-256 of what was presented (the database never compares secrets)
    and the digests are compared again in constant time. ``last_used_at`` is written at most once a
    minute so busy clients do not turn every read into a write.
    """
    value = (raw_token or "").strip()
    match = _TOKEN.match(value)
    invalid = _token_refused(
        "invalid_token",
        "Mã truy cập không hợp lệ. Kiểm tra lại hoặc tạo mã mới trên trang tài khoản.",
        "The access token is not valid. Check it or create a new one on your account page.",
    )
    if match is None:
        raise invalid
    digest = access_token_digest(value)
    token = AccessToken.objects.select_related("user").filter(digest=digest).first()
    if token is None or not hmac.compare_digest(token.digest, digest) or token.prefix != match["prefix"]:
        raise invalid
    if token.revoked_at is not None:
        raise _token_refused(
            "token_revoked",
            "Mã truy cập này đã bị thu hồi. Tạo mã mới trên trang tài khoản.",
            "This access token was revoked. Create a new one on your account page.",
        )
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise _token_refused(
            "token_expired",
            "Mã truy cập này đã hết hạn. Tạo mã mới trên trang tài khoản.",
            "This access token has expired. Create a new one on your account page.",
        )
    if not token.user.is_active:
        raise invalid
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Organisations and officer roles ---------------------------------------------------------------


@transaction.atomic
def organisation_upsert(*, tax_code: str, name: str, address: str = "") -> Organisation:
    """Create or update the organisation identified by its tax code."""
    code = tax_code_clean(tax_code)
    clean_name = " ".join((name or "").split())
    if not clean_name or len(clean_name) > 255:
        raise ApiError(
            "invalid_organisation_name",
            "Nhập tên doanh nghiệp, tổ chức (tối đa 255 ký tự).",
            "Enter the organisation's name (at most 255 characters).",
        )
    organisation, _ = Organisation.objects.update_or_create(
        tax_code=code, defaults={"name": clean_name, "address": " ".join((address or "").split())}
    )
    return organisation


@transaction.atomic
def representation_grant(
    *, organisation: Organisation, user: User, kind: str = Representation.Kind.LEGAL
) -> Representation:
    """Let ``user`` act for ``organisation`` as its legal representative or an authorised person."""
    if kind not in Representation.Kind.values:
        raise ApiError(
            "invalid_representation_kind",
            "Tư cách đại diện phải là người đại diện theo pháp luật hoặc người được ủy quyền.",
            "The representation must be legal or authorised.",
        )
    representation, _ = Representation.objects.update_or_create(
        organisation=organisation, user=user, defaults={"kind": kind}
    )
    return representation


@transaction.atomic
def officer_role_grant(*, user: User, agency_id: int, role: str) -> OfficerRole:
    """Give an officer a role at an agency (granting it again changes nothing)."""
    if role not in OfficerRole.Role.values:
        raise ApiError(
            "invalid_officer_role",
            f"Vai trò phải là một trong: {', '.join(OfficerRole.Role.values)}.",
            f"The role must be one of: {', '.join(OfficerRole.Role.values)}.",
        )
    if user.kind != User.Kind.OFFICER:
        raise ApiError(
            "not_an_officer",
            "Chỉ tài khoản cán bộ, công chức mới được giao vai trò tại cơ quan.",
            "Only officer accounts can hold a role at an agency.",
        )
    officer_role, _ = OfficerRole.objects.get_or_create(user=user, agency_id=agency_id, role=role)
    officer_roles_forget(user=user)
    return officer_role


@transaction.atomic
def officer_role_revoke(*, user: User, agency_id: int, role: str) -> int:
    """Take a role away; returns how many rows went (0 when the officer did not hold it)."""
    deleted, _ = OfficerRole.objects.filter(user=user, agency_id=agency_id, role=role).delete()
    officer_roles_forget(user=user)
    return deleted


# --- National e-ID login ---------------------------------------------------------------------------


@transaction.atomic
def eid_account_link(*, identity: Any) -> tuple[User, bool]:
    """The account the national e-ID identity logs into, created on the first login: ``(user, created)``.

    The account is found by personal ID number: a citizen's (whose username is the number) or a
    business representative's (who then acts for the business, as on the national portal). The
    identity data the e-ID vouches for — name, date of birth, sex — replace what was typed at
    registration; the assurance level of this login is kept on the account (and recorded on the
    dossiers submitted from it). Officer accounts are refused: they log in with password and TOTP.
    Listeners of ``personal_id_verified`` run in the same transaction (the synchronisation app gives
    the account the synchronised dossiers naming the ID).
    """
    try:
        number = parse_personal_id(identity.personal_id).number
    except CodeError as error:
        raise ApiError("eid_personal_id_invalid", error.message_vi, error.message_en, status=401) from None
    user = User.objects.select_for_update().filter(Q(personal_id=number) | Q(username=number)).order_by("id").first()
    created = user is None
    if user is not None and user.kind == User.Kind.OFFICER:
        raise ApiError(
            "eid_officer_account",
            "Tài khoản cán bộ đăng nhập bằng tên đăng nhập, mật khẩu và mã xác thực, không dùng định danh điện tử.",
            "Officer accounts log in with username, password and one-time code, not with the e-ID.",
            status=403,
        )
    if user is not None and not user.is_active:
        raise ApiError(
            "account_inactive",
            "Tài khoản này đang bị khóa. Liên hệ bộ phận hỗ trợ để được mở lại.",
            "This account is locked. Contact support to have it reopened.",
            status=403,
        )
    if user is None:
        user = User(username=number, personal_id=number, kind=User.Kind.CITIZEN)
        user.set_unusable_password()
    now = timezone.now()
    if identity.full_name:
        with contextlib.suppress(CodeError):
            user.full_name = full_name_clean(identity.full_name)
    if identity.birth_date:
        user.birth_date = identity.birth_date
    if identity.sex in User.Sex.values:
        user.sex = identity.sex
    if not user.phone and identity.phone:
        try:
            user.phone = phone_normalise(identity.phone)
            user.phone_verified_at = now
        except CodeError:
            pass
    if not user.email and identity.email:
        try:
            user.email = email_normalise(identity.email)
            user.email_verified_at = now
        except CodeError:
            pass
    user.personal_id = number
    user.assurance_level = identity.assurance_level
    user.eid_verified_at = now
    user.save()
    personal_id_verified.send(sender=User, user=user, created=created)
    return user, created
