"""Officer worklists: per role, scoped to the officer's agencies, filtered, keyset-paginated, fixed queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from opendvc.core.errors import ApiError
from opendvc.dossiers.models import DossierStatus, Step
from opendvc.dossiers.selectors import WorklistFilters, dossier_list_for_owner, dossier_worklist
from opendvc.dossiers.tests.factories import (
    VersionFactory,
    World,
    dossier_in_state,
    make_organisation,
    officer_with,
)

pytestmark = pytest.mark.django_db
S = DossierStatus


def codes(page) -> list[str]:
    return [d.code for d in page.items]


@pytest.fixture
def board(world: World):
    """One dossier in each worklist of the first agency, and a new one at the other agency."""
    now = timezone.now()
    made = {
        "new": dossier_in_state(world, status=S.SUBMITTED),
        "received": dossier_in_state(world, status=S.RECEIVED, step=Step.RECEIVE, due_at=now + timedelta(days=20)),
        "to_appraise": dossier_in_state(
            world, status=S.IN_PROGRESS, step=Step.APPRAISE, due_at=now + timedelta(days=30), assignee=world.specialist
        ),
        "to_approve": dossier_in_state(world, status=S.IN_PROGRESS, step=Step.APPROVE, due_at=now + timedelta(hours=2)),
        "to_issue": dossier_in_state(world, status=S.IN_PROGRESS, step=Step.ISSUE, due_at=now - timedelta(days=1)),
        "to_return": dossier_in_state(world, status=S.RESULT_READY, step=Step.RETURN, finished_at=now),
        "paused": dossier_in_state(
            world, status=S.SUPPLEMENT_REQUESTED, step=Step.APPRAISE, due_at=now - timedelta(days=3)
        ),
    }
    other = dossier_in_state(world, status=S.SUBMITTED, agency=world.other_agency, code="H79.10-261124-0001")
    return made, other


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        ("new", "desk", ["new"]),
        ("received", "desk", ["received"]),
        ("to_appraise", "specialist", ["to_appraise"]),
        ("to_approve", "leader", ["to_approve"]),
        ("to_issue", "clerk", ["to_issue"]),
        ("to_return", "desk", ["to_return"]),
        ("due_soon", "desk", ["to_approve"]),
        ("overdue", "leader", ["to_issue"]),
    ],
)
def test_each_worklist_shows_its_dossiers(world: World, board, name: str, role: str, expected: list[str]) -> None:
    made, _ = board
    page = dossier_worklist(user=world.officer(role), name=name)
    assert codes(page) == [made[key].code for key in expected]


def test_a_role_specific_list_is_empty_for_other_roles(world: World, board) -> None:
    assert codes(dossier_worklist(user=world.specialist, name="new")) == []
    assert codes(dossier_worklist(user=world.citizen, name="all")) == []


def test_worklists_never_show_another_agencys_dossiers(world: World, board) -> None:
    _, other = board
    assert other.code not in codes(dossier_worklist(user=world.desk, name="new"))
    assert codes(dossier_worklist(user=world.foreign_officer, name="new")) == [other.code]
    assert codes(dossier_worklist(user=world.foreign_officer, name="all")) == [other.code]


def test_an_officer_of_two_agencies_sees_both(world: World, board) -> None:
    made, other = board
    both = officer_with(world.agency, "desk")
    officer_with(world.other_agency, "desk", username=both.username)
    assert set(codes(dossier_worklist(user=both, name="new"))) == {made["new"].code, other.code}


def test_filters_by_procedure_status_dates_and_assignee(world: World, board) -> None:
    made, _ = board
    second = VersionFactory.create()
    dossier_in_state(world, status=S.SUBMITTED, procedure=second.procedure, procedure_version=second, code="X-1")
    page = dossier_worklist(user=world.desk, name="new", filters=WorklistFilters(procedure=second.procedure.code))
    assert codes(page) == ["X-1"]
    page = dossier_worklist(user=world.leader, name="all", filters=WorklistFilters(status=S.RESULT_READY))
    assert codes(page) == [made["to_return"].code]
    today = timezone.localdate()
    page = dossier_worklist(user=world.leader, name="all", filters=WorklistFilters(received_from=today + timedelta(1)))
    assert codes(page) == []
    page = dossier_worklist(
        user=world.leader, name="all", filters=WorklistFilters(received_from=today, received_to=today)
    )
    assert len(page.items) == 6
    page = dossier_worklist(user=world.specialist, name="all", filters=WorklistFilters(assigned_to_me=True))
    assert codes(page) == [made["to_appraise"].code]


def test_keyset_pages_cover_the_list_once_in_due_order(world: World) -> None:
    now = timezone.now()
    made = [
        dossier_in_state(world, status=S.IN_PROGRESS, step=Step.APPRAISE, due_at=now + timedelta(hours=i % 4))
        for i in range(9)
    ]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = dossier_worklist(user=world.specialist, name="to_appraise", cursor=cursor, limit=4)
        seen += codes(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    expected = [d.code for d in sorted(made, key=lambda d: (d.due_at, d.pk))]
    assert seen == expected


def test_a_bad_cursor_or_list_is_refused(world: World) -> None:
    for kwargs in ({"cursor": "not-a-cursor"}, {"cursor": "WzEsMl0"}, {"name": "everything"}):
        with pytest.raises(ApiError) as refused:
            dossier_worklist(user=world.desk, **kwargs)  # type: ignore[arg-type]
        assert refused.value.code in {"invalid_cursor", "invalid_list"}


@pytest.mark.parametrize(
    ("name", "queries"), [("new", 2), ("to_appraise", 2), ("overdue", 2), ("all", 2), ("due_soon", 3)]
)
def test_a_worklist_page_takes_a_fixed_number_of_queries_whatever_its_size(
    world: World, django_assert_num_queries, name: str, queries: int
) -> None:
    """The officer's agencies, then the page; "due soon" also reads the national calendar's decided days."""
    now = timezone.now()
    for i in range(25):
        for sign, prefix in ((-1, "LATE"), (1, "SOON")):
            dossier_in_state(
                world,
                status=S.IN_PROGRESS,
                step=Step.APPRAISE,
                assignee=world.specialist,
                code=f"{prefix}-{i}",
                due_at=now + sign * timedelta(hours=i + 1),
            )
        dossier_in_state(world, status=S.SUBMITTED, code=f"NEW-{i}")
    officer = officer_with(world.agency, "desk", "specialist")
    dossier_worklist(user=officer, name="overdue")  # warm the holiday cache of the calendar
    officer = type(officer).objects.get(pk=officer.pk)  # a new request's user: its roles not read yet
    with django_assert_num_queries(queries):
        page = dossier_worklist(user=officer, name=name, limit=20)
        shown = [
            (d.agency.code, d.procedure.code, d.procedure_version.name, d.assignee.username if d.assignee else "")
            for d in page.items
        ]
    assert len(shown) == 20


def test_my_dossiers_lists_the_applicants_and_their_organisations_newest_first(world: World) -> None:
    mine = [dossier_in_state(world, status=S.SUBMITTED, code=f"M-{i}") for i in range(3)]
    organisation = make_organisation(world.citizen)
    for_company = dossier_in_state(
        world, status=S.RECEIVED, code="ORG-1", applicant=world.other_citizen, organisation=organisation
    )
    dossier_in_state(world, status=S.SUBMITTED, code="OTHER-1", applicant=world.other_citizen)
    page = dossier_list_for_owner(user=world.citizen, limit=2)
    second = dossier_list_for_owner(user=world.citizen, cursor=page.next_cursor, limit=2)
    assert set(codes(page) + codes(second)) == {d.code for d in [*mine, for_company]}
    assert second.next_cursor is None
    assert codes(dossier_list_for_owner(user=world.citizen, status=S.RECEIVED)) == ["ORG-1"]
    assert set(codes(dossier_list_for_owner(user=world.other_citizen))) == {"OTHER-1", "ORG-1"}


def test_received_date_filter_uses_local_days(world: World) -> None:
    moment = timezone.make_aware(datetime(2026, 10, 5, 6, 30))  # 23:30 UTC the day before
    dossier_in_state(world, status=S.RECEIVED, step=Step.RECEIVE, received_at=moment, code="L-1")
    page = dossier_worklist(
        user=world.desk,
        name="received",
        filters=WorklistFilters(received_from=date(2026, 10, 5), received_to=date(2026, 10, 5)),
    )
    assert codes(page) == ["L-1"]


def test_an_officers_roles_are_read_once_per_request_and_again_after_a_change(
    world: World, django_assert_num_queries
) -> None:
    from opendvc.accounts.services import officer_role_grant

    officer = officer_with(world.agency, "desk")
    dossier_worklist(user=officer, name="new")
    with django_assert_num_queries(1):  # the page only: the roles were read by the first list
        dossier_worklist(user=officer, name="all")
    assert dossier_worklist(user=officer, name="to_appraise").items == []
    officer_role_grant(user=officer, agency_id=world.agency.pk, role="specialist")
    dossier_in_state(world, status=S.IN_PROGRESS, step=Step.APPRAISE, code="APPRAISE-1")
    assert [d.code for d in dossier_worklist(user=officer, name="to_appraise").items] == ["APPRAISE-1"]
