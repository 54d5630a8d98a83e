"""Writes of the synchronisation app: integrated systems, their credentials and sessions, inbound batches.

Credentials are stored hashed: the DVCQG password with Django's password hasher, the OAuth2 client
secret by django-oauth-toolkit. A rotation adds the new secret and keeps the old one valid for an
overlap (``SYNC_ROTATION_OVERLAP_SECONDS``, a day by default), so the sender switches without downtime.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from opendvc.accounts.models import User
from opendvc.agencies.models import AdministrativeUnit, Agency
from opendvc.audit.models import AuditEntry
from opendvc.audit.services import audit_record
from opendvc.core.errors import ApiError
from opendvc.dossiers.models import ApplicantKind, Dossier
from opendvc.sync import apply, selectors
from opendvc.sync.models import IntegratedSystem, SyncSession, SystemCredential
from opendvc.sync.records import (
    Rejection,
    dossier_from_dvcqg,
    dossier_from_native,
    progress_from_dvcqg,
    progress_from_native,
)


def _overlap() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "SYNC_ROTATION_OVERLAP_SECONDS", 24 * 3600)))


def rotation_overlap_hours() -> int:
    """How long a replaced secret keeps working, in whole hours (shown on the operator page)."""
    return int(_overlap().total_seconds() // 3600)


def _session_lifetime() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "SYNC_SESSION_SECONDS", 8 * 3600)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def integrated_system_create(
    *,
    code: str,
    name: str,
    operator: str,
    password: str,
    provinces: Iterable[AdministrativeUnit] = (),
    agencies: Iterable[Agency] = (),
    rate_limit_per_minute: int = 600,
) -> IntegratedSystem:
    with transaction.atomic():
        system = IntegratedSystem.objects.create(
            code=code.strip().lower(), name=name, operator=operator, rate_limit_per_minute=rate_limit_per_minute
        )
        system.scope_provinces.set(list(provinces))
        system.scope_agencies.set(list(agencies))
        SystemCredential.objects.create(
            system=system, kind=SystemCredential.Kind.PASSWORD, secret_hash=make_password(password)
        )
        audit_record(action="sync.system_create", object_type="integrated_system", object_id=system.code)
    return system


def integrated_system_password_rotate(
    *, system: IntegratedSystem, password: str, actor: User | None = None
) -> SystemCredential:
    """Add ``password``; the current ones stay valid for the overlap, then expire."""
    with transaction.atomic():
        now = timezone.now()
        grace_until = now + _overlap()
        replaced = SystemCredential.objects.filter(
            system=system, kind=SystemCredential.Kind.PASSWORD, expires_at__isnull=True
        ).update(expires_at=grace_until)
        credential = SystemCredential.objects.create(
            system=system, kind=SystemCredential.Kind.PASSWORD, secret_hash=make_password(password)
        )
        audit_record(
            action="sync.password_rotate",
            actor=actor,
            object_type="integrated_system",
            object_id=system.code,
            data={"replaced": replaced, "grace_until": grace_until.isoformat()},
        )
    return credential


@dataclass(frozen=True)
class NewSecret:
    """A secret just issued, shown once to the operator and never stored in clear."""

    kind: str
    identifier: str
    secret: str
    previous_valid_until: datetime | None


def integrated_system_secret_issue(*, system: IntegratedSystem, kind: str, actor: User) -> NewSecret:
    """Rotate one of the system's secrets from the operator page: a generated password for the DVCQG
    protocol, or a new OAuth2 client for the native API. The secret is returned once; the ones it
    replaces stay valid for ``SYNC_ROTATION_OVERLAP_SECONDS`` so the sender switches without downtime,
    then are revoked."""
    manage_check(user=actor)
    if kind == SystemCredential.Kind.PASSWORD:
        password = secrets.token_urlsafe(18)
        had_current = _has_current(system, kind)
        credential = integrated_system_password_rotate(system=system, password=password, actor=actor)
        grace = credential.created_at + _overlap() if had_current else None
        return NewSecret(kind, system.code, password, grace)
    if kind == SystemCredential.Kind.OAUTH_CLIENT:
        had_current = _has_current(system, kind)
        client_id, secret = integrated_system_oauth_client_create(system=system, actor=actor)
        grace = timezone.now() + _overlap() if had_current else None
        return NewSecret(kind, client_id, secret, grace)
    raise ApiError(
        "invalid_credential_kind",
        "Loại thông tin xác thực không hợp lệ.",
        "Unknown kind of credential.",
        status=422,
    )


def _has_current(system: IntegratedSystem, kind: str) -> bool:
    return SystemCredential.objects.filter(system=system, kind=kind, expires_at__isnull=True).exists()


def manage_check(*, user: User) -> None:
    """Only the portal's operators (staff) holding the permission to change integrated systems may see
    or change their credentials and status; every refusal is audited."""
    if selectors.may_manage_systems(user=user):
        return
    audit_record(
        action="sync.systems_manage",
        actor=user if user.is_authenticated else None,
        object_type="integrated_system",
        outcome=AuditEntry.Outcome.REFUSED,
        reason="permission_denied",
    )
    raise ApiError(
        "permission_denied",
        "Chỉ cán bộ vận hành Cổng có quyền quản lý hệ thống tích hợp mới làm được việc này.",
        "Only portal operators allowed to manage integrated systems can do this.",
        status=403,
    )


def integrated_system_status_set(
    *, system: IntegratedSystem, status: str, actor: User, reason: str = ""
) -> IntegratedSystem:
    """Suspend a system's connection (every call and session refused at once, ``93`` on the DVCQG
    protocol) or resume it. Suspending needs a reason, kept in the audit log."""
    manage_check(user=actor)
    reason = " ".join((reason or "").split())[:500]
    if status not in IntegratedSystem.Status.values:
        raise ApiError("invalid_status", "Trạng thái không hợp lệ.", "Unknown status.", status=422)
    if status == IntegratedSystem.Status.SUSPENDED and not reason:
        raise ApiError(
            "reason_required",
            "Nhập lý do tạm dừng kết nối (ví dụ: nghi lộ mật khẩu, hệ thống gửi dữ liệu sai hàng loạt).",
            "Give the reason for suspending the connection (for example: a leaked password, mass bad data).",
            status=422,
        )
    with transaction.atomic():
        locked = IntegratedSystem.objects.select_for_update().get(pk=system.pk)
        if locked.status == status:
            raise ApiError(
                "status_unchanged",
                "Hệ thống đã ở trạng thái này.",
                "The system already has this status.",
                status=409,
            )
        previous = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        audit_record(
            action="sync.system_suspend" if status == IntegratedSystem.Status.SUSPENDED else "sync.system_resume",
            actor=actor,
            object_type="integrated_system",
            object_id=locked.code,
            data={"from": previous, "to": status, "reason": reason},
        )
    return locked


def integrated_system_oauth_client_create(*, system: IntegratedSystem, actor: User | None = None) -> tuple[str, str]:
    """A new OAuth2 client (client-credentials grant) for the native API; returns ``(client_id, secret)``.

    The secret is shown once and stored hashed. Creating a second client is the rotation: the previous
    clients keep working for the overlap.
    """
    application_model = get_application_model()
    secret = secrets.token_urlsafe(48)
    with transaction.atomic():
        now = timezone.now()
        SystemCredential.objects.filter(
            system=system, kind=SystemCredential.Kind.OAUTH_CLIENT, expires_at__isnull=True
        ).update(expires_at=now + _overlap())
        application = application_model.objects.create(
            name=f"sync: {system.code}",
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=True,
            skip_authorization=True,
        )
        SystemCredential.objects.create(system=system, kind=SystemCredential.Kind.OAUTH_CLIENT, application=application)
        audit_record(
            action="sync.oauth_client_create",
            actor=actor,
            object_type="integrated_system",
            object_id=system.code,
            data={"client_id": application.client_id},
        )
    return application.client_id, secret


def synced_dossiers_link(*, user: User) -> int:
    """Give a citizen the synchronised dossiers that name their personal ID and no account yet.

    A dossier synchronised before its applicant had an account (or before the account's ID was
    verified) has no ``applicant``; when the national e-ID vouches for the ID — at the account's first
    e-ID login, which may create it, or a later one — the dossiers join "my dossiers". Only a verified
    ID counts: a number typed at registration proves nothing, and the dossiers hold personal data
    (Decree 13/2023/NĐ-CP on personal data protection). One indexed look-up
    (``dossier_synced_applicant``), no scan; running it again changes nothing. Returns how many
    dossiers were linked.
    """
    if not user.personal_id or user.eid_verified_at is None or user.kind == User.Kind.OFFICER:
        return 0
    with transaction.atomic():
        linked = Dossier.objects.filter(
            applicant_id_number=user.personal_id,
            applicant__isnull=True,
            source_system__isnull=False,
            applicant_kind=ApplicantKind.CITIZEN,
        ).update(applicant=user)
        if linked:
            audit_record(
                action="sync.applicant_link",
                actor=user,
                object_type="user",
                object_id=user.pk,
                data={"dossiers": linked},
            )
    return linked


def synced_dossiers_link_receiver(sender: Any, *, user: User, **kwargs: Any) -> None:
    """The ``accounts.signals.personal_id_verified`` listener."""
    synced_dossiers_link(user=user)


def _refused(code: str, vi: str, en: str, *, status: int = 401) -> ApiError:
    return ApiError(code, vi, en, status=status)


def _bad_credentials() -> ApiError:
    return _refused(
        "invalid_credentials",
        "Tên đăng nhập hoặc mật khẩu của hệ thống không đúng.",
        "The system's username or password is wrong.",
    )


def sync_session_open(*, username: str, password: str, ip: str | None = None) -> str:
    """``POST /api/dvcqg/auth``: a session token for an active system whose password is valid now."""
    now = timezone.now()
    system = IntegratedSystem.objects.filter(code=(username or "").strip().lower()).first()
    matched: SystemCredential | None = None
    if system is not None:
        credentials = SystemCredential.objects.filter(system=system, kind=SystemCredential.Kind.PASSWORD).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
        matched = next((c for c in credentials if check_password(password or "", c.secret_hash)), None)
    else:
        make_password(password or "")  # the same work whether or not the name exists
    if system is None or matched is None:
        audit_record(
            action="sync.session_open",
            object_type="integrated_system",
            object_id=(username or "")[:100],
            outcome=AuditEntry.Outcome.REFUSED,
            reason="invalid_credentials",
            ip=ip,
        )
        raise _bad_credentials()
    _check_active(system)
    token = secrets.token_urlsafe(32)
    SyncSession.objects.create(
        system=system, credential=matched, token_hash=_digest(token), expires_at=now + _session_lifetime()
    )
    audit_record(action="sync.session_open", object_type="integrated_system", object_id=system.code, ip=ip)
    return token


def _check_active(system: IntegratedSystem) -> None:
    if system.status != IntegratedSystem.Status.ACTIVE:
        raise _refused(
            "system_suspended",
            "Kết nối của hệ thống đang tạm dừng; liên hệ đơn vị vận hành Cổng.",
            "This system's connection is suspended; contact the portal's operator.",
            status=403,
        )


def sync_session_authenticate(*, token: str) -> IntegratedSystem:
    session = (
        SyncSession.objects.select_related("system", "credential").filter(token_hash=_digest(token or "")).first()
        if token
        else None
    )
    now = timezone.now()
    revoked = session is not None and session.credential is not None and session.credential.state_at(now) == "revoked"
    if session is None or session.expires_at <= now or revoked:
        raise _refused(
            "invalid_session",
            "Phiên kết nối không hợp lệ hoặc đã hết hạn; gọi /api/dvcqg/auth để lấy phiên mới.",
            "The session is invalid or expired; call /api/dvcqg/auth for a new one.",
        )
    _check_active(session.system)
    return session.system


def oauth_token_authenticate(*, token: str) -> IntegratedSystem:
    """An OAuth2 access token from ``/o/token/`` (client credentials) of a system's current client."""
    access_token_model = get_access_token_model()
    found = access_token_model.objects.select_related("application").filter(token_checksum=_digest(token or "")).first()
    now = timezone.now()
    credential = None
    if found is not None and not found.is_expired() and found.application_id is not None:
        credential = (
            SystemCredential.objects.select_related("system")
            .filter(application_id=found.application_id)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
    if credential is None:
        raise _refused(
            "invalid_token",
            "Mã truy cập không hợp lệ hoặc đã hết hạn; lấy mã mới tại /o/token/ (client credentials).",
            "The access token is invalid or expired; get a new one at /o/token/ (client credentials).",
        )
    _check_active(credential.system)
    return credential.system


def rate_check(*, system: IntegratedSystem) -> None:
    """At most ``rate_limit_per_minute`` calls per system in each minute (a fixed window in the cache);
    every call goes through here, so it also keeps ``last_used_at``."""
    now = timezone.now()
    key = f"sync:rate:{system.pk}:{int(now.timestamp() // 60)}"
    if cache.add(key, 1, timeout=120):
        count = 1
        # The first call of the minute (in this cache) says when the system last called: one small
        # write a minute, whatever the call rate.
        IntegratedSystem.objects.filter(pk=system.pk).update(last_used_at=now)
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=120)
            count = 1
    if count > system.rate_limit_per_minute:
        raise ApiError(
            "too_many_requests",
            f"Hệ thống đã gọi quá {system.rate_limit_per_minute} lần trong một phút. Đợi rồi gửi lại.",
            f"The system made more than {system.rate_limit_per_minute} calls in one minute. Wait and send again.",
            status=429,
        )


def _batch_check(records: Any) -> list[Any]:
    if not isinstance(records, list):
        raise ApiError(
            "invalid_request",
            "Trường data phải là một danh sách bản ghi.",
            "The data field must be a list of records.",
            status=422,
        )
    if len(records) > apply.MAX_BATCH:
        raise ApiError(
            "batch_too_large",
            f"Mỗi lần gửi tối đa {apply.MAX_BATCH} bản ghi.",
            f"At most {apply.MAX_BATCH} records per call.",
            status=413,
        )
    return records


def dossiers_sync(*, system: IntegratedSystem, records: Any, shape: str, agency_code: str = "") -> list[apply.Outcome]:
    """Apply a batch of dossier records in the DVCQG (``dvcqg``) or native (``native``) shape."""
    raw = _batch_check(records)
    parsed = (
        [dossier_from_dvcqg(r, agency_code=agency_code) for r in raw]
        if shape == "dvcqg"
        else [dossier_from_native(r) for r in raw]
    )
    return apply.dossiers_apply(system=system, raw_records=raw, records=parsed, shape=shape)


def progress_sync(*, system: IntegratedSystem, records: Any, shape: str) -> list[apply.Outcome]:
    raw = _batch_check(records)
    reader = progress_from_dvcqg if shape == "dvcqg" else progress_from_native
    parsed: list[Any] = [reader(r) for r in raw]
    return apply.progress_apply(system=system, raw_records=raw, records=parsed, shape=shape)


__all__ = ["Rejection"]
