"""Values every page's layout needs: the portal's name, the demo notice, the navigation links."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

AGENCY_LIST_PATH = "/co-quan/"


@cache
def _agency_list_url() -> str:
    try:
        return reverse("agencies:agency_list")
    except NoReverseMatch:
        return AGENCY_LIST_PATH


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": _("Cổng Dịch vụ công OpenDVC"),
        "SHOW_DEMO_NOTICE": getattr(settings, "OPENDVC_DEMO_NOTICE", True),
        "AGENCY_LIST_URL": _agency_list_url(),
    }
