"""Citizens' login with the national e-ID, against the reference e-ID provider over real HTTP.

The test client plays the browser at the portal; ``requests`` plays it at the e-ID provider, which
answers with the redirect back to the portal's callback. Refusals on the relying-party side — state
mismatch, expired, tampered, wrong-audience, wrong-issuer, wrong-nonce and unknown-key ID tokens —
are made by the real provider (``EID_TEST_FAULTS``), not by patching the portal."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client

from opendvc.accounts.eid import OidcEidProvider
from opendvc.accounts.models import User
from opendvc.accounts.tests.factories import UserFactory
from opendvc.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/accounts/vneid/callback/"


@pytest.fixture
def eid(reference_service: Any, settings: Any) -> str:
    base = reference_service("eid", EID_TEST_FAULTS="1", EID_REDIRECT_URIS=CALLBACK)
    settings.OPENDVC_EID_URL = base
    OidcEidProvider._apps.clear()
    cache.clear()
    return base


def sign_in_at_eid(
    client: Client,
    *,
    personal_id: str = "079090001234",
    fault: str = "",
    passcode: str = "123456",
    start: str = "/accounts/vneid/?next=/ho-so-cua-toi/",
) -> str:
    """Follow the portal to the provider, sign in there; returns the callback path with its query."""
    to_eid = client.get(start)
    assert to_eid.status_code == 302, to_eid.content[:300]
    query = {k: v[0] for k, v in parse_qs(urlsplit(to_eid["Location"]).query).items()}
    assert query["code_challenge_method"] == "S256" and query["code_challenge"] and query["nonce"] and query["state"]
    form = {**query, "personal_id": personal_id, "passcode": passcode, "action": "allow"}
    if fault:
        form["fault"] = fault
    back = requests.post(to_eid["Location"].split("?")[0], data=form, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:300]
    location = urlsplit(back.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return f"{location.path}?{location.query}"


def test_first_login_creates_the_account_and_lands_in_my_dossiers(eid: str, client: Client) -> None:
    response = client.get(sign_in_at_eid(client, personal_id="079301005678"))
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    user = User.objects.get(personal_id="079301005678")
    assert user.username == "079301005678" and user.kind == User.Kind.CITIZEN
    assert user.full_name == "Võ Ngọc Diệp" and user.birth_date == date(2001, 4, 20) and user.sex == "female"
    assert user.assurance_level == 2 and user.eid_verified_at is not None
    assert not user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == user.pk
    entry = AuditEntry.objects.filter(action="login", actor_id=user.pk).latest("id")
    assert entry.data == {"method": "eid", "assurance_level": 2}


def test_login_links_an_existing_account_by_personal_id_and_keeps_its_level(eid: str, client: Client) -> None:
    existing = UserFactory.create(personal_id="001195001122", full_name="Pham Thi Cuc", assurance_level=0)
    client.get(sign_in_at_eid(client, personal_id="001195001122"))
    existing.refresh_from_db()
    assert User.objects.filter(personal_id="001195001122").count() == 1
    assert existing.full_name == "Phạm Thị Cúc", "the e-ID's verified name replaces the typed one"
    assert existing.assurance_level == 1
    assert int(client.session["_auth_user_id"]) == existing.pk


def test_a_business_representative_logs_in_to_the_business_account(eid: str, client: Client) -> None:
    representative = UserFactory.create(username="0312345673", personal_id="079185001235", kind=User.Kind.BUSINESS)
    client.get(sign_in_at_eid(client, personal_id="079185001235"))
    assert int(client.session["_auth_user_id"]) == representative.pk


def test_an_officer_account_cannot_log_in_with_the_eid(eid: str, client: Client) -> None:
    UserFactory.create(username="canbo.eid", personal_id="001090004321", kind=User.Kind.OFFICER)
    response = client.get(sign_in_at_eid(client, personal_id="001090004321"))
    assert response.status_code == 403 and "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login", reason="eid_officer_account").exists()


def test_a_state_that_does_not_match_is_refused(eid: str, client: Client) -> None:
    callback = sign_in_at_eid(client)
    path, _, query = callback.partition("?")
    params = parse_qs(query)
    forged = f"{path}?code={params['code'][0]}&state=someone-elses-state"
    response = client.get(forged)
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert "Phiên đăng nhập bằng định danh điện tử không khớp" in response.content.decode()
    assert AuditEntry.objects.filter(action="login", outcome="refused", reason="eid_state_mismatch").exists()


def test_a_callback_opened_in_another_browser_is_refused(eid: str, client: Client) -> None:
    callback = sign_in_at_eid(client)
    response = Client().get(callback)
    assert response.status_code == 400 and "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("expired", "eid_id_token_expired"),
        ("tampered", "eid_id_token_bad_signature"),
        ("wrong_audience", "eid_id_token_wrong_audience"),
        ("wrong_issuer", "eid_id_token_wrong_issuer"),
        ("wrong_nonce", "eid_id_token_bad_nonce"),
        ("unknown_key", "eid_id_token_unknown_key"),
    ],
)
def test_a_bad_id_token_is_refused(eid: str, client: Client, fault: str, code: str) -> None:
    response = client.get(sign_in_at_eid(client, fault=fault))
    assert response.status_code == 401, response.content.decode()[:300]
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(personal_id="079090001234").exists()
    assert AuditEntry.objects.filter(action="login", outcome="refused", reason=code).exists()


def test_a_person_who_declines_at_the_eid_is_not_logged_in(eid: str, client: Client) -> None:
    to_eid = client.get("/accounts/vneid/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(to_eid["Location"]).query).items()}
    back = requests.post(
        to_eid["Location"].split("?")[0], data={**query, "action": "deny"}, allow_redirects=False, timeout=10
    )
    location = urlsplit(back.headers["Location"])
    response = client.get(f"{location.path}?{location.query}")
    assert response.status_code == 403 and "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login", reason="eid_denied").exists()


def test_the_provider_refuses_a_level_1_identity_when_level_2_is_asked(eid: str, client: Client) -> None:
    to_eid = client.get("/accounts/vneid/?level=2")
    query = {k: v[0] for k, v in parse_qs(urlsplit(to_eid["Location"]).query).items()}
    assert query["acr_values"] == "urn:vneid:loa:2"
    back = requests.post(
        to_eid["Location"].split("?")[0],
        data={**query, "personal_id": "001195001122", "passcode": "123456", "action": "allow"},
        allow_redirects=False,
        timeout=10,
    )
    assert parse_qs(urlsplit(back.headers["Location"]).query)["error"] == ["unmet_authentication_requirements"]


def test_the_provider_is_unreachable(settings: Any, client: Client) -> None:
    settings.OPENDVC_EID_URL = "http://127.0.0.1:9"
    OidcEidProvider._apps.clear()
    response = client.get("/accounts/vneid/")
    assert response.status_code == 503
    assert "Chưa kết nối được hệ thống định danh điện tử" in response.content.decode()


def test_the_login_page_offers_the_eid(client: Client) -> None:
    html = client.get("/accounts/login/?next=/ho-so-cua-toi/").content.decode()
    assert 'href="/accounts/vneid/?next=%2Fho-so-cua-toi%2F"' in html and "Đăng nhập bằng VNeID" in html


def test_logout_of_an_eid_session_goes_through_the_providers_end_session_endpoint(eid: str, client: Client) -> None:
    client.get(sign_in_at_eid(client))
    id_token = client.session["odvc_eid_id_token"]
    response = client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert response.context["user"].is_anonymous, "the page is shown to a person already logged out"
    location = urlsplit(response.context["target"])
    assert f'content="0;url={response.context["target"]}"'.replace("&", "&amp;") in response.content.decode()
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{eid}/logout"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query == {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": "http://testserver/",
        "client_id": "opendvc-portal",
    }
    # The provider checks the hint it signed and refuses one it did not.
    forged = id_token[:-8] + ("A" * 8 if not id_token.endswith("A" * 8) else "B" * 8)
    refused = requests.get(
        f"{eid}/logout", params={**query, "id_token_hint": forged}, allow_redirects=False, timeout=10
    )
    assert refused.status_code == 400


def test_logout_of_a_password_session_stays_on_the_portal(client: Client) -> None:
    client.force_login(UserFactory.create(personal_id="079090004444"))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
