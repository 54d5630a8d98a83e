"""A procedure's internal steps (quy trình nội bộ) and each step's share of the legal time limit.

Decree 118/2025/NĐ-CP, Art. 18–19 asks every agency to publish its internal procedure with the time
for each step, and the processing control slip (Form 06, Circular 03/2025/TT-VPCP) records whether
each hand-over was on time. Without a configured workflow every procedure uses
:data:`DEFAULT_WORKFLOW`:

=========  ==========  =====================================================
step       role        allowance
=========  ==========  =====================================================
receive    desk        10 % of the time limit (reception and transfer)
appraise   specialist  60 %
approve    leader      20 %
issue      clerk       10 %
return     desk        outside the limit (the result is ready: NgayKetThucXuLy)
=========  ==========  =====================================================

A step's allowance is its share of the dossier's time limit, in the limit's own unit, counted from
the moment the step starts (so time lost in an earlier step is not given back). A configured
:class:`~opendvc.dossiers.models.WorkflowStep` may instead give a fixed amount and unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from opendvc.dossiers.models import Role, Step, WorkflowStep


@dataclass(frozen=True)
class StepSpec:
    step: Step
    role: Role
    share_percent: int
    allowance_amount: Decimal | None = None
    allowance_unit: str = ""


DEFAULT_WORKFLOW: Final[tuple[StepSpec, ...]] = (
    StepSpec(Step.RECEIVE, Role.DESK, 10),
    StepSpec(Step.APPRAISE, Role.SPECIALIST, 60),
    StepSpec(Step.APPROVE, Role.LEADER, 20),
    StepSpec(Step.ISSUE, Role.CLERK, 10),
    StepSpec(Step.RETURN, Role.DESK, 0),
)

#: Steps inside status 4 (Đang xử lý) that a dossier can be forwarded to.
PROCESSING_STEPS: Final = (Step.APPRAISE, Step.APPROVE, Step.ISSUE)

DEFAULT_STEP_ROLES: Final[dict[str, Role]] = {spec.step.value: spec.role for spec in DEFAULT_WORKFLOW}


def workflow_for(*, procedure_id: int) -> tuple[StepSpec, ...]:
    """The procedure's configured steps, or the default workflow."""
    rows = list(WorkflowStep.objects.filter(procedure_id=procedure_id).order_by("position"))
    if not rows:
        return DEFAULT_WORKFLOW
    return tuple(
        StepSpec(
            step=Step(row.step),
            role=Role(row.role),
            share_percent=row.share_percent,
            allowance_amount=row.allowance_amount,
            allowance_unit=row.allowance_unit,
        )
        for row in rows
    )


def step_spec(*, workflow: tuple[StepSpec, ...], step: str) -> StepSpec | None:
    for spec in workflow:
        if spec.step == step:
            return spec
    return None


def step_allowance(*, spec: StepSpec, total_amount: Decimal | None, total_unit: str) -> tuple[Decimal, str] | None:
    """The step's own time allowance as ``(amount, unit)``, or ``None`` when it has none."""
    if spec.allowance_amount is not None and spec.allowance_unit:
        return spec.allowance_amount, spec.allowance_unit
    if total_amount is None or not total_unit or spec.share_percent <= 0:
        return None
    amount = (Decimal(total_amount) * spec.share_percent / 100).quantize(Decimal("0.01"))
    return (amount, total_unit) if amount > 0 else None
