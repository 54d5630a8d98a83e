"""The transition table decides everything: each allowed row works, every other (status, action, role)
is refused with ``transition_not_allowed`` and leaves nothing behind but a refused audit entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from opendvc.accounts.models import User
from opendvc.audit.models import AuditEntry
from opendvc.core.errors import ApiError
from opendvc.dossiers import services
from opendvc.dossiers.models import Dossier, DossierEvent, DossierStatus, Role, Step
from opendvc.dossiers.services import DocumentInput
from opendvc.dossiers.tests.factories import World, dossier_in_state, make_world, upload
from opendvc.dossiers.transitions import CREATING_ACTIONS, PREVIOUS, SAME, TRANSITIONS, Action, transition_find

pytestmark = pytest.mark.django_db

S = DossierStatus
#: Every state a dossier can be in: (status, current step, status before the supplement request).
STATES: list[tuple[int, str, int | None]] = [
    (S.SUBMITTED, "", None),
    (S.RECEIVED, Step.RECEIVE, None),
    (S.REFUSED, "", None),
    (S.IN_PROGRESS, Step.APPRAISE, None),
    (S.IN_PROGRESS, Step.APPROVE, None),
    (S.IN_PROGRESS, Step.ISSUE, None),
    (S.SUPPLEMENT_REQUESTED, Step.RECEIVE, S.RECEIVED),
    (S.SUPPLEMENT_REQUESTED, Step.APPRAISE, S.IN_PROGRESS),
    (S.PAYMENT_REQUESTED, Step.APPRAISE, None),
    (S.WITHDRAWN, "", None),
    (S.STOPPED, "", None),
    (S.RESULT_READY, Step.RETURN, None),
    (S.RETURNED, "", None),
]
ACTIONS = [action for action in Action if action not in CREATING_ACTIONS]
PEOPLE_ROLES = [Role.APPLICANT, Role.DESK, Role.SPECIALIST, Role.LEADER, Role.CLERK]


def _actor(world: World, role: Role) -> User | None:
    if role == Role.SYSTEM:
        return None
    if role == Role.APPLICANT:
        return world.citizen
    return world.officer(role.value)


_NEXT_STEP = {
    "": (Step.APPRAISE, "specialist"),
    Step.RECEIVE: (Step.APPRAISE, "specialist"),
    Step.APPRAISE: (Step.APPROVE, "leader"),
    Step.APPROVE: (Step.ISSUE, "clerk"),
    Step.ISSUE: (Step.APPRAISE, "specialist"),
    Step.RETURN: (Step.APPRAISE, "specialist"),
}


def _prepare(action: Action, world: World, dossier: Dossier, actor: User | None) -> Callable[[], Dossier]:
    """A call of the action's service with valid arguments (files uploaded beforehand)."""
    if action == Action.RECEIVE:
        return lambda: services.dossier_receive(dossier=dossier, actor=actor)  # type: ignore[arg-type]
    if action == Action.REFUSE:
        return lambda: services.dossier_refuse(dossier=dossier, actor=actor, reasons=["Không thuộc thẩm quyền"])  # type: ignore[arg-type]
    if action == Action.REQUEST_SUPPLEMENT:
        return lambda: services.dossier_request_supplement(
            dossier=dossier,
            actor=actor,  # type: ignore[arg-type]
            reasons=["Thiếu giấy chứng sinh"],
            required_document_ids=[world.optional_doc.pk],
        )
    if action == Action.SUPPLY:
        documents = (
            [DocumentInput(attachment_id=upload(actor).pk, required_document_id=world.optional_doc.pk)]
            if actor is not None
            else []
        )
        return lambda: services.dossier_supplement_submit(dossier=dossier, actor=actor, documents=documents)  # type: ignore[arg-type]
    if action == Action.FORWARD:
        step, role = _NEXT_STEP[dossier.current_step]
        return lambda: services.dossier_forward(
            dossier=dossier,
            actor=actor,  # type: ignore[arg-type]
            to_step=step,
            assignee=world.officer(role),
        )
    if action == Action.REQUEST_PAYMENT:
        return lambda: services.dossier_request_payment(dossier=dossier, actor=actor)  # type: ignore[arg-type]
    if action == Action.PAYMENT_SETTLED:
        return lambda: services.dossier_payment_settled(dossier=dossier, actor=actor, reference="GD-0001")
    if action == Action.WITHDRAW:
        return lambda: services.dossier_withdraw(dossier=dossier, actor=actor, reason="Không còn nhu cầu")  # type: ignore[arg-type]
    if action == Action.STOP:
        return lambda: services.dossier_stop(
            dossier=dossier,
            actor=actor,  # type: ignore[arg-type]
            legal_reason="Người yêu cầu đã chết",
            legal_basis="Điều 21 Nghị định 118/2025/NĐ-CP",
        )
    if action == Action.RESULT_READY:
        documents = [DocumentInput(attachment_id=upload(actor).pk)] if actor is not None else []
        return lambda: services.dossier_result_ready(dossier=dossier, actor=actor, documents=documents)  # type: ignore[arg-type]
    if action == Action.RETURN:
        return lambda: services.dossier_return(dossier=dossier, actor=actor)  # type: ignore[arg-type]
    if action == Action.APOLOGISE:
        new_due = timezone.now() + timedelta(days=30)
        return lambda: services.dossier_apologise(
            dossier=dossier,
            actor=actor,  # type: ignore[arg-type]
            reason="Cần xác minh thêm",
            new_due_at=new_due,
        )
    raise AssertionError(action)


def _allowed(status: int, step: str, action: Action, role: Role) -> bool:
    return transition_find(action=action, status=status, role=role, step=step) is not None


def _refused_roles(status: int, step: str, action: Action) -> list[Role]:
    roles = [*PEOPLE_ROLES, *([Role.SYSTEM] if action == Action.PAYMENT_SETTLED else [])]
    return [role for role in roles if not _allowed(status, step, action, role)]


#: One case per (state, action), with every role the table does not allow for it.
REFUSED_CASES = [
    pytest.param(status, step, paused, action, roles, id=f"{status}{'-' + step if step else ''}-{action}")
    for status, step, paused in STATES
    for action in ACTIONS
    if (roles := _refused_roles(status, step, action))
]
ALLOWED_CASES = [
    pytest.param(
        status, step, paused, row.action, row.role, id=f"{status}{'-' + step if step else ''}-{row.action}-{row.role}"
    )
    for status, step, paused in STATES
    for row in TRANSITIONS
    if row.from_status == status and (row.step is None or row.step == step)
]


def _state(world: World, status: int, step: str, paused: int | None) -> Dossier:
    extra: dict[str, Any] = {"paused_status": paused} if paused else {}
    return dossier_in_state(world, status=status, step=step, **extra)


@pytest.mark.parametrize(("status", "step", "paused", "action", "roles"), REFUSED_CASES)
def test_a_transition_outside_the_table_is_refused_and_leaves_only_an_audit_entry(
    status: int, step: str, paused: int | None, action: Action, roles: list[Role]
) -> None:
    world = make_world()
    dossier = _state(world, status, step, paused)
    before = model_to_dict(Dossier.objects.get(pk=dossier.pk))
    for role in roles:
        actor = _actor(world, role)
        call = _prepare(action, world, dossier, actor)
        audits = AuditEntry.objects.count()
        with pytest.raises(ApiError) as refused:
            call()
        assert (refused.value.code, refused.value.status) == ("transition_not_allowed", 409), role
        assert str(DossierStatus(status).label) in refused.value.message_vi
        assert model_to_dict(Dossier.objects.get(pk=dossier.pk)) == before, role
        assert not DossierEvent.objects.filter(dossier=dossier).exists(), role
        assert AuditEntry.objects.count() == audits + 1, role
        entry = AuditEntry.objects.latest("id")
        assert (entry.outcome, entry.reason, entry.action, entry.object_id) == (
            "refused",
            "transition_not_allowed",
            f"dossier.{action}",
            dossier.code,
        ), role
        assert entry.actor_id == (actor.pk if actor else None), role


@pytest.mark.parametrize(("status", "step", "paused", "action", "role"), ALLOWED_CASES)
def test_every_row_of_the_table_can_be_performed(
    status: int, step: str, paused: int | None, action: Action, role: Role
) -> None:
    world = make_world()
    dossier = _state(world, status, step, paused)
    actor = _actor(world, role)
    row = transition_find(action=action, status=status, role=role, step=step)
    assert row is not None
    result = _prepare(action, world, dossier, actor)()
    expected = status if row.to_status == SAME else paused if row.to_status == PREVIOUS else row.to_status
    assert result.status == expected
    assert Dossier.objects.get(pk=dossier.pk).status == expected
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.action, event.from_status, event.to_status, event.actor_role) == (action, status, expected, role)
    assert AuditEntry.objects.filter(object_id=dossier.code, outcome="ok", action=f"dossier.{action}").count() == 1


def test_the_table_names_a_role_for_every_action_and_only_known_statuses() -> None:
    assert {row.action for row in TRANSITIONS} == set(Action)
    assert all(row.from_status is None or row.from_status in DossierStatus.values for row in TRANSITIONS)
    assert sum(len(case.values[4]) for case in REFUSED_CASES) > 600  # type: ignore[arg-type,misc]
