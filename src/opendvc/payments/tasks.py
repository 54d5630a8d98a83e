"""Background work of the payments app, run by the task queue right after the payment commits; the
periodic job ``payments_outbound`` sends again whatever these could not deliver."""

from __future__ import annotations

from django_tasks import task


@task()
def refund_send_task(*, reference: str) -> None:
    from opendvc.payments.outbound import refund_send

    refund_send(reference=reference)


@task()
def source_report_send_task(*, report_id: int) -> None:
    from opendvc.payments.outbound import source_report_send

    source_report_send(report_id=report_id)
