"""Writes of the provider: registering a connected portal (an OpenID Connect client).

Clients are registered by an administrator — in the admin site (django-oauth-toolkit's
Application admin) or with :func:`oidc_client_register` — never by the portals themselves.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from oauth2_provider.models import get_application_model

from opendvc.accounts.models import User
from opendvc.audit.services import audit_record
from opendvc.core.errors import ApiError


def _uris_clean(uris: list[str], *, field: str) -> list[str]:
    clean = []
    production = getattr(settings, "OAUTH2_PROVIDER", {}).get("ALLOWED_REDIRECT_URI_SCHEMES") == ["https"]
    for uri in uris:
        parts = urlsplit(uri.strip())
        if parts.scheme not in ({"https"} if production else {"http", "https"}) or not parts.netloc or parts.fragment:
            raise ApiError(
                "redirect_uri_invalid",
                f"Địa chỉ quay về «{uri}» phải là địa chỉ tuyệt đối https (http chỉ khi phát triển), không có phần #.",
                f"The redirect URI «{uri}» must be an absolute https URI (http only in development), "
                "without a fragment.",
                details=[{"field": field, "value": uri}],
            )
        clean.append(uri.strip())
    return clean


@transaction.atomic
def oidc_client_register(
    *,
    name: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] = (),  # type: ignore[assignment]
    confidential: bool = True,
    client_id: str | None = None,
    client_secret: str | None = None,
    actor: User | None = None,
) -> tuple[Any, str]:
    """Create (or update, for the same ``client_id``) a client; returns it with its secret in clear,
    which is shown once (only a hash is stored). Public clients (an app on a phone) have no secret
    and must use PKCE, as every client must here."""
    Application = get_application_model()
    redirects = _uris_clean(list(redirect_uris), field="redirect_uris")
    logouts = _uris_clean(list(post_logout_redirect_uris), field="post_logout_redirect_uris")
    secret = (client_secret or secrets.token_urlsafe(48)) if confidential else ""
    client, created = Application.objects.get_or_create(
        client_id=client_id or secrets.token_urlsafe(24),
        defaults={"name": name, "client_type": Application.CLIENT_CONFIDENTIAL},
    )
    client.name = name
    client.client_type = Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC
    client.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    client.redirect_uris = " ".join(redirects)
    client.post_logout_redirect_uris = " ".join(logouts)
    client.algorithm = Application.RS256_ALGORITHM
    client.client_secret = secret
    client.hash_client_secret = True
    client.skip_authorization = False
    client.save()
    audit_record(
        action="oidc_client_register",
        actor=actor,
        object_type="oidc_client",
        object_id=client.client_id,
        data={"created": created, "redirect_uris": redirects, "confidential": confidential},
    )
    return client, secret
