"""The Content-Security-Policy header: the site-wide policy on every page, a view's own policy kept."""

from __future__ import annotations

import pytest
from csp.utils import build_policy
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


SITE_WIDE = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https://anh.example.vn"]}}


def test_every_response_carries_the_site_wide_policy_as_django_csp_builds_it(client: Client) -> None:
    first = client.get("/livez")
    second = client.get("/api/v1/procedures")
    assert first["Content-Security-Policy"] == build_policy()
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "default-src 'self'" in first["Content-Security-Policy"]
    assert "form-action 'self'" in first["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in first


def test_a_changed_policy_setting_is_served_at_once(client: Client) -> None:
    client.get("/livez")
    with override_settings(CONTENT_SECURITY_POLICY=SITE_WIDE, CONTENT_SECURITY_POLICY_REPORT_ONLY=SITE_WIDE):
        changed = client.get("/livez")
    assert directives(changed["Content-Security-Policy"]) == {
        "default-src 'self'",
        "img-src 'self' https://anh.example.vn",
    }
    assert directives(changed["Content-Security-Policy-Report-Only"]) == directives(changed["Content-Security-Policy"])
    assert "form-action 'self'" in client.get("/livez")["Content-Security-Policy"]


def test_excluded_prefixes_get_no_header(client: Client) -> None:
    with override_settings(CONTENT_SECURITY_POLICY={**SITE_WIDE, "EXCLUDE_URL_PREFIXES": ["/livez"]}):
        assert "Content-Security-Policy" not in client.get("/livez")
        assert "Content-Security-Policy" in client.get("/healthz")
