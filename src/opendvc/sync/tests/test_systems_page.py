"""The operator page of integrated systems: who may open it, rotating secrets without downtime,
suspending and resuming a connection, every action audited."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from opendvc.accounts.models import OfficerRole, User
from opendvc.accounts.services import officer_role_grant
from opendvc.audit.models import AuditEntry
from opendvc.sync.models import IntegratedSystem, SystemCredential
from opendvc.sync.tests.conftest import PASSWORD, SyncWorld

pytestmark = pytest.mark.django_db

SYSTEMS = "/can-bo/dong-bo/he-thong/"
SYSTEM = "/can-bo/dong-bo/he-thong/lgsp.hcm/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _operator(username: str = "operator", *, permission: bool = True) -> User:
    user = User.objects.create(username=username, full_name="Vận hành Cổng", kind=User.Kind.OFFICER, is_staff=True)
    if permission:
        user.user_permissions.add(Permission.objects.get(codename="change_integratedsystem"))
    return User.objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance


def _login(client: Client, password: str) -> dict[str, Any]:
    answer = client.post(
        "/api/dvcqg/auth",
        data=json.dumps({"username": "lgsp.hcm", "password": password}),
        content_type="application/json",
    )
    return answer.json()  # type: ignore[no-any-return]


def _lookup(client: Client, session: str) -> dict[str, Any]:
    body = {"session": session, "madonvi": "H29.17", "service": "LayDanhSachTTHC"}
    return client.post("/api/dvcqg/service", data=json.dumps(body), content_type="application/json").json()  # type: ignore[no-any-return]


def _secret(html: str) -> str:
    found = re.search(r"data-secret>([^<]+)</code>", html)
    assert found is not None, html
    return found.group(1)


def test_the_list_shows_each_system_with_its_operator_scope_status_limit_and_last_use(
    sync_world: SyncWorld, client: Client
) -> None:
    assert _lookup(client, _login(client, PASSWORD)["session"])["error_code"] == "00"
    page = _client(_operator()).get(SYSTEMS)
    assert page.status_code == 200
    text = page.content.decode()
    system = IntegratedSystem.objects.get(code="lgsp.hcm")
    assert system.last_used_at is not None
    for shown in (system.name, system.operator, "Thành phố Hồ Chí Minh", "Đang kết nối", "100.000"):
        assert shown in text
    assert timezone.localtime(system.last_used_at).strftime("%H:%M %d/%m/%Y") in text


@pytest.mark.parametrize("who", ["citizen", "officer", "staff_without_permission"])
def test_everyone_but_operators_with_the_permission_is_refused_and_nothing_changes(
    sync_world: SyncWorld, who: str
) -> None:
    if who == "citizen":
        user = User.objects.create(username="079190001234", kind=User.Kind.CITIZEN)
    elif who == "officer":
        user = User.objects.create(username="desk.hcm", kind=User.Kind.OFFICER)
        officer_role_grant(user=user, agency_id=sync_world.justice.pk, role=OfficerRole.Role.LEADER)
    else:
        user = _operator("staff", permission=False)
    client = _client(user)
    assert client.get(SYSTEMS).status_code == 403
    assert client.get(SYSTEM).status_code == 403
    before = list(SystemCredential.objects.values_list("pk", "expires_at"))
    assert client.post(f"{SYSTEM}cap-thong-tin-xac-thuc/", {"kind": "password"}).status_code == 403
    assert client.post(f"{SYSTEM}trang-thai/", {"status": "suspended", "reason": "thử"}).status_code == 403
    assert list(SystemCredential.objects.values_list("pk", "expires_at")) == before
    assert IntegratedSystem.objects.get(code="lgsp.hcm").status == IntegratedSystem.Status.ACTIVE
    refused = AuditEntry.objects.filter(action="sync.systems_manage", outcome="refused", actor=user)
    assert refused.count() == 2


def test_an_anonymous_visitor_is_sent_to_the_login_page(sync_world: SyncWorld) -> None:
    for answer in (Client().get(SYSTEMS), Client().post(f"{SYSTEM}cap-thong-tin-xac-thuc/", {"kind": "password"})):
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert SystemCredential.objects.count() == 1


def test_a_new_password_is_shown_once_and_the_old_one_works_through_the_grace_period_then_is_revoked(
    sync_world: SyncWorld, client: Client, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.SYNC_ROTATION_OVERLAP_SECONDS = 3600
    old_session = _login(client, PASSWORD)["session"]
    operator = _operator()
    answer = _client(operator).post(f"{SYSTEM}cap-thong-tin-xac-thuc/", {"kind": "password"})
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    new_password = _secret(answer.content.decode())
    assert len(new_password) >= 20
    assert new_password not in _client(operator).get(SYSTEM).content.decode()
    assert not SystemCredential.objects.filter(secret_hash__contains=new_password).exists()

    assert _login(client, PASSWORD)["error_code"] == 0  # no downtime: both work for the hour
    new_session = _login(client, new_password)["session"]
    assert _lookup(client, old_session)["error_code"] == "00"

    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _login(client, PASSWORD)["error_code"] == "91"
    assert _lookup(client, old_session)["error_code"] == "92"  # sessions of the revoked password end with it
    assert _lookup(client, new_session)["error_code"] == "00"
    assert "Đã thu hồi" in _client(operator).get(SYSTEM).content.decode()
    entry = AuditEntry.objects.get(action="sync.password_rotate")
    assert (entry.actor, entry.object_id, entry.data["replaced"]) == (operator, "lgsp.hcm", 1)


def test_a_new_oauth_client_replaces_the_old_one_after_the_grace_period(
    sync_world: SyncWorld, client: Client, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.SYNC_ROTATION_OVERLAP_SECONDS = 3600
    operator = _operator()

    def issue() -> tuple[str, str]:
        html = _client(operator).post(f"{SYSTEM}cap-thong-tin-xac-thuc/", {"kind": "oauth_client"}).content.decode()
        client_id = re.search(r"\(client_id\)</dt><dd><code>([^<]+)</code>", html)
        assert client_id is not None
        return client_id.group(1), _secret(html)

    def call(client_id: str, secret: str) -> int:
        token = client.post(
            "/o/token/", {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        ).json()["access_token"]
        return client.get("/api/v1/sync/quality", HTTP_AUTHORIZATION=f"Bearer {token}").status_code

    first = issue()
    assert call(*first) == 200
    second = issue()
    assert call(*first) == 200 and call(*second) == 200
    later = timezone.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert call(*first) == 401
    assert call(*second) == 200
    assert AuditEntry.objects.filter(action="sync.oauth_client_create", actor=operator).count() == 2


def test_suspending_needs_a_reason_refuses_every_call_and_resuming_restores_them(
    sync_world: SyncWorld, client: Client
) -> None:
    session = _login(client, PASSWORD)["session"]
    operator = _client(_operator())
    missing = operator.post(f"{SYSTEM}trang-thai/", {"status": "suspended", "reason": "  "})
    assert missing.status_code == 422
    assert "Nhập lý do tạm dừng" in missing.content.decode()
    assert IntegratedSystem.objects.get(code="lgsp.hcm").status == IntegratedSystem.Status.ACTIVE

    done = operator.post(f"{SYSTEM}trang-thai/", {"status": "suspended", "reason": "Nghi lộ mật khẩu"})
    assert (done.status_code, done["Location"]) == (302, SYSTEM)
    assert _lookup(client, session)["error_code"] == "93"
    assert _login(client, PASSWORD)["error_code"] == "93"
    assert operator.post(f"{SYSTEM}trang-thai/", {"status": "suspended", "reason": "lần nữa"}).status_code == 409
    assert "Tạm dừng kết nối" in operator.get(SYSTEMS).content.decode()

    assert operator.post(f"{SYSTEM}trang-thai/", {"status": "active"}).status_code == 302
    assert _lookup(client, session)["error_code"] == "00"
    actions = list(
        AuditEntry.objects.filter(action__in=["sync.system_suspend", "sync.system_resume"])
        .order_by("id")
        .values_list("action", "data__reason")
    )
    assert actions == [("sync.system_suspend", "Nghi lộ mật khẩu"), ("sync.system_resume", "")]


def test_an_unknown_system_or_kind_is_refused_cleanly(sync_world: SyncWorld) -> None:
    operator = _client(_operator())
    assert operator.get("/can-bo/dong-bo/he-thong/khong-co/").status_code == 404
    assert operator.post(f"{SYSTEM}cap-thong-tin-xac-thuc/", {"kind": "certificate"}).status_code == 422
    assert operator.post(f"{SYSTEM}trang-thai/", {"status": "deleted"}).status_code == 422
    assert SystemCredential.objects.count() == 1
