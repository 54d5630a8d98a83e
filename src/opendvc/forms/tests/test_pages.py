"""Page-level details: the number of queries of the pages people go through most, and the catalogue's
"Nộp hồ sơ trực tuyến" button."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from opendvc.catalog.selectors import procedure_get
from opendvc.dossiers.tests.factories import World
from opendvc.forms.models import ProcedureForm
from opendvc.forms.tests.flows.helpers import answer_all, page_url, start, upload_all
from opendvc.forms.tests.samples import sample

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "queries"), [("task_list", 8), ("page", 10), ("check", 8)])
def test_the_pages_of_a_filled_in_draft_take_a_fixed_number_of_queries(
    citizen_client: Client, world: World, django_assert_num_queries: Any, name: str, queries: int
) -> None:
    draft = start(citizen_client, world)
    assert draft.form is not None
    answer_all(citizen_client, draft, draft.form.spec, sample("1.001193"))
    upload_all(citizen_client, draft, draft.form.spec)
    kwargs: dict[str, Any] = {"draft_id": draft.public_id}
    url = page_url(draft, "noi-sinh") if name == "page" else reverse(f"forms:{name}", kwargs=kwargs)
    with django_assert_num_queries(queries):
        assert citizen_client.get(url).status_code == 200


def test_the_apply_button_shows_for_a_procedure_taken_online(world: World) -> None:
    version = procedure_get(code=world.procedure.code)
    html = render_to_string("catalog/_apply_button.html", {"version": version})
    assert 'href="/nop-ho-so/1.001193/"' in html and "Nộp hồ sơ trực tuyến" in html
    ProcedureForm.objects.all().delete()
    version = procedure_get(code=world.procedure.code)
    assert "Nộp hồ sơ trực tuyến" not in render_to_string("catalog/_apply_button.html", {"version": version})
