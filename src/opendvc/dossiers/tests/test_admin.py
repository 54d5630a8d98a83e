"""The admin shows dossiers read-only and lets an administrator configure a procedure's workflow."""

from __future__ import annotations

import pytest
from django.test import Client

from opendvc.accounts.models import User
from opendvc.dossiers.models import DossierStatus, Step
from opendvc.dossiers.tests.factories import World, dossier_in_state

pytestmark = pytest.mark.django_db


def test_dossiers_are_read_only_and_workflows_are_editable(world: World) -> None:
    admin = User.objects.create_superuser(username="admin", password="Demo@12345")
    client = Client()
    client.force_login(admin)
    dossier = dossier_in_state(world, status=DossierStatus.IN_PROGRESS, step=Step.APPRAISE)
    assert client.get("/admin/dossiers/dossier/").status_code == 200
    page = client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get("/admin/dossiers/dossier/add/").status_code == 403
    assert client.get("/admin/dossiers/workflowstep/add/").status_code == 200
    assert client.get("/admin/audit/auditentry/").status_code == 200
