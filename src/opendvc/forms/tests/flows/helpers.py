"""Driving the pages with Django's test client, one page at a time, as a browser without JavaScript would."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opendvc.dossiers.tests.factories import PDF_BYTES, World
from opendvc.forms.inputs import date_parts
from opendvc.forms.models import DossierDraft
from opendvc.forms.schema import FormSpec, PageSpec, data_get
from opendvc.forms.selectors import document_tasks


def page_post(page: PageSpec, data: Any, **extra: str) -> dict[str, str]:
    """The POST a person makes when they type ``data``'s answers on ``page``."""
    post: dict[str, str] = {"action": "continue", **extra}
    for field in page.fields:
        value = data_get(data, field.path)
        if field.kind == "date":
            for part, text in date_parts(value).items():
                post[f"{field.html_id}-{part}"] = text
        elif field.kind == "rows":
            for index, row in enumerate(value or []):
                for column in field.columns:
                    post[f"{field.html_id}-{index}-{column.key}"] = str(row.get(column.key, ""))
        elif value is True:
            post[field.html_id] = "true"
        elif value is not None:
            post[field.html_id] = str(value)
    return post


def start(client: Client, world: World) -> DossierDraft:
    response = client.post(reverse("forms:start", kwargs={"code": world.procedure.code}), {"agency": world.agency.code})
    assert response.status_code == 302, response.content.decode()[:2000]
    return DossierDraft.objects.filter(procedure=world.procedure).latest("id")


def page_url(draft: DossierDraft, page_id: str) -> str:
    return reverse("forms:page", kwargs={"draft_id": draft.public_id, "page_id": page_id})


def document_url(draft: DossierDraft, document_id: int) -> str:
    return reverse("forms:document", kwargs={"draft_id": draft.public_id, "document_id": document_id})


def answer_all(client: Client, draft: DossierDraft, spec: FormSpec, data: Any) -> None:
    for page in spec.pages:
        response = client.post(page_url(draft, page.id), page_post(page, data))
        assert response.status_code == 302, (page.id, response.content.decode()[:3000])


def upload(
    client: Client,
    draft: DossierDraft,
    document_id: int,
    *,
    content: bytes = PDF_BYTES,
    name: str = "giay-chung-sinh.pdf",
    action: str = "continue",
) -> Any:
    return client.post(
        document_url(draft, document_id),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf"), "action": action},
    )


def upload_all(client: Client, draft: DossierDraft, spec: FormSpec) -> None:
    for task in document_tasks(version=draft.procedure_version, spec=spec):
        response = upload(client, draft, task.id)
        assert response.status_code == 302, response.content.decode()[:2000]
