"""Site-wide response middleware."""

from __future__ import annotations

import http.client
from dataclasses import asdict
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_policies: dict[bool, str] = {}


@receiver(setting_changed)
def _policies_forget(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies.clear()


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with the site-wide policy built once per process.

    django-csp builds both headers from the settings on every response, which costs about as much
    as a whole small API answer. Most responses carry the site-wide policy unchanged (no nonce, no
    per-view ``@csp_update``/``@csp_replace``), so that header is built once and reused; any other
    response is built by django-csp exactly as before. The memo is forgotten when the CSP settings
    change (tests override them).
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        debug_exempt = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
        if response.status_code in debug_exempt and settings.DEBUG:
            return response
        for report_only, header, exempt, setting in (
            (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = self._policy(request, response, report_only=report_only)
            if not policy or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # As django-csp: once the header is written, a late use of the nonce is an error, not a silent gap.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _policy(self, request: HttpRequest, response: HttpResponseBase, *, report_only: bool) -> str:
        parts = self.get_policy_parts(request=request, response=response, report_only=report_only)
        if parts.config is None and parts.update is None and parts.replace is None and parts.nonce is None:
            policy = _policies.get(report_only)
            if policy is None:
                policy = _policies[report_only] = build_policy(report_only=report_only)
            return policy
        return build_policy(**asdict(parts), report_only=report_only)
