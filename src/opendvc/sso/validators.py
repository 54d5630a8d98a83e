"""How the portal answers as an OpenID Connect provider, beyond django-oauth-toolkit's defaults.

- **Exact redirect URIs.** A redirect URI must equal, character for character, one registered for
  the client (OAuth 2.0 Security BCP, RFC 9700 §4.1.3): no extra query parameters, no other port,
  no trailing slash. The toolkit alone accepts extra query parameters.
- **Pairwise subjects.** ``sub`` is an HMAC of the account and the client, so two connected portals
  cannot join their records of one person by it (OpenID Connect Core §8.1).
- **Claims by scope** (:data:`opendvc.sso.scopes.CLAIM_SCOPES`), including the assurance level
  reached through the national e-ID.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from opendvc.sso.scopes import CLAIM_SCOPES
from opendvc.sso.selectors import oidc_claims_for, pairwise_subject


class PortalOIDCValidator(OAuth2Validator):
    oidc_claim_scope = CLAIM_SCOPES

    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        return redirect_uri in request.client.redirect_uris.split()

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        claims = oidc_claims_for(user=request.user)
        claims["sub"] = pairwise_subject(user_id=request.user.pk, client_id=request.client.client_id)
        return claims

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIM_SCOPES)

    def get_userinfo_claims(self, request: Any) -> dict[str, Any]:
        return self.get_oidc_claims(request.access_token, None, request)
