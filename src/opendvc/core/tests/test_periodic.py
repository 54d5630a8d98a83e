"""The periodic-job runner: a job runs once per period, a failure is recorded and stops nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from opendvc.core.models import PeriodicJobRun
from opendvc.core.periodic import periodic_jobs_run_due

CALLS: list[str] = []


def count_call() -> None:
    CALLS.append("ok")


def fail() -> None:
    raise RuntimeError("gateway down")


@pytest.fixture
def jobs(settings: Any) -> None:
    CALLS.clear()
    settings.PERIODIC_JOBS = [
        ("failing", 60, "opendvc.core.tests.test_periodic.fail"),
        ("counting", 60, "opendvc.core.tests.test_periodic.count_call"),
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("jobs")
def test_a_job_runs_once_per_period_and_again_when_due() -> None:
    now = timezone.now()
    assert periodic_jobs_run_due(now=now, only="counting") == ["counting"]
    assert periodic_jobs_run_due(now=now + timedelta(seconds=59), only="counting") == []
    assert CALLS == ["ok"]
    assert periodic_jobs_run_due(now=now + timedelta(seconds=60), only="counting") == ["counting"]
    assert CALLS == ["ok", "ok"]
    run = PeriodicJobRun.objects.get(name="counting")
    assert run.runs == 2
    assert run.succeeded is True


@pytest.mark.django_db
@pytest.mark.usefixtures("jobs")
def test_a_failing_job_is_recorded_and_the_others_still_run() -> None:
    assert periodic_jobs_run_due() == ["failing", "counting"]
    assert CALLS == ["ok"]
    failed = PeriodicJobRun.objects.get(name="failing")
    assert failed.succeeded is False
    assert "gateway down" in failed.error


@pytest.mark.django_db
@pytest.mark.usefixtures("jobs")
def test_force_runs_a_job_before_it_is_due() -> None:
    now = timezone.now()
    periodic_jobs_run_due(now=now, only="counting")
    assert periodic_jobs_run_due(now=now, only="counting", force=True) == ["counting"]
    assert CALLS == ["ok", "ok"]
