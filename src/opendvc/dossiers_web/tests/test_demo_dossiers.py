"""load_demo_dossiers: dossiers in every status for both demo agencies, made by the real services,
idempotent, every event chain intact."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from opendvc.accounts.models import User
from opendvc.catalog.models import ServiceOffering
from opendvc.core.codes import parse_personal_id
from opendvc.dossiers.demo import DEMO_AGENCIES, SCENARIOS, WALK_IN
from opendvc.dossiers.models import Dossier, DossierEvent
from opendvc.dossiers.selectors import dossier_chain_verify, dossier_timeliness, dossier_worklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_reference_data() -> None:
    for command in ("load_administrative_units", "load_demo_agencies", "load_demo_catalog", "load_demo_accounts"):
        call_command(command, stdout=StringIO(), stderr=StringIO())


def load() -> str:
    out, err = StringIO(), StringIO()
    call_command("load_demo_dossiers", stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def test_demo_dossiers_cover_every_status_and_load_once(demo_reference_data: None) -> None:
    expected = len(SCENARIOS) * len(DEMO_AGENCIES)
    assert f"{expected} created, 0 already there, 0 skipped" in load()
    counts = (Dossier.objects.count(), DossierEvent.objects.count())
    assert f"0 created, {expected} already there" in load()
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == counts

    for dossier in Dossier.objects.select_related("agency"):
        check = dossier_chain_verify(dossier=dossier)
        assert check.ok, (dossier.code, check)
        assert ServiceOffering.objects.filter(agency=dossier.agency, procedure=dossier.procedure).exists()

    for city, code in DEMO_AGENCIES.items():
        per_status = Counter(Dossier.objects.filter(agency__code=code).values_list("status", flat=True))
        assert all(per_status[status] >= 3 for status in range(1, 11)), per_status
        desk = User.objects.get(username=f"desk.{city}")
        assert dossier_worklist(user=desk, name="overdue").items, f"{code} has overdue dossiers"
        assert dossier_worklist(user=desk, name="due_soon").items, f"{code} has dossiers due soon"
        finished = Dossier.objects.filter(agency__code=code, finished_at__isnull=False)
        assert {dossier_timeliness(dossier=d) for d in finished} >= {"early", "on_time", "late"}
        assert Dossier.objects.filter(agency__code=code, supplement_requests__gt=0, status__in=[4, 10]).exists()
        assert Dossier.objects.filter(agency__code=code, apologies__gt=0).exists()

    applicants = set(Dossier.objects.values_list("applicant_id_number", flat=True))
    assert "079090001234" in applicants and "0312345673" in applicants
    for people in WALK_IN.values():
        for person in people:
            assert person.personal_id in applicants
            parse_personal_id(person.personal_id)


def test_without_the_demo_agencies_the_command_says_what_to_load_first(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load_demo_agencies"):
        load()
