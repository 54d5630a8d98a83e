"""The public statistics pages: Biểu 06 figures, chart data beside tables, drill-down, fixed query count."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opendvc.reporting.tests.history import build_history

pytestmark = pytest.mark.django_db


def test_province_page_shows_the_report_table_charts_data_and_links_to_agencies(world, clock) -> None:
    build_history(world, clock)
    response = Client().get("/thong-ke/tinh/01/", {"period": "month", "year": "2026", "number": "10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tình hình giải quyết hồ sơ thủ tục hành chính: Thành phố Hà Nội" in html
    assert "Tháng 10/2026: từ ngày 01/10/2026 đến ngày 31/10/2026" in html
    assert f'href="/thong-ke/co-quan/{world.agency.code}/?period=month&amp;year=2026&amp;number=10"' in html
    assert "66,67 %" in html and "50,00 %" in html
    assert html.count('data-chart="') == 3 and html.count("số liệu của biểu đồ") == 3
    data = json.loads(html.split('id="stats-chart-data" type="application/json">')[1].split("</script>")[0])
    assert [item["value"] for item in data["results"]["items"]] == [1, 3, 1, 0, 1]
    assert data["channels"]["series"][0]["data"] == [3]
    assert "<script>" not in html  # CSP: no inline script


def test_page_in_english_with_thousands_separated_by_dots(world, clock) -> None:
    build_history(world, clock)
    from opendvc.reporting.models import HalfMonthStat

    rows = HalfMonthStat.objects.filter(received_online__gt=0).order_by("half")
    rows.exclude(pk=rows[0].pk).update(received_online=0)
    HalfMonthStat.objects.filter(pk=rows[0].pk).update(received_online=1234567)
    response = Client().get("/thong-ke/tinh/01/?period=year&year=2026", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "1.234.567" in html
    assert "Resolution of administrative procedure dossiers" in html


def test_drill_down_pages_and_not_found(world, clock) -> None:
    build_history(world, clock)
    client = Client()
    assert client.get("/thong-ke/").status_code == 200
    agency = client.get(f"/thong-ke/co-quan/{world.agency.code}/?period=year&year=2026")
    assert agency.status_code == 200
    assert f"/thong-ke/co-quan/{world.agency.code}/thu-tuc/{world.procedure.code}/" in agency.content.decode()
    one = client.get(f"/thong-ke/co-quan/{world.agency.code}/thu-tuc/{world.procedure.code}/?period=year&year=2026")
    assert one.status_code == 200
    assert client.get("/thong-ke/tinh/99/").status_code == 404
    assert client.get("/thong-ke/co-quan/H99.99/").status_code == 404


def test_an_impossible_period_is_explained_on_the_page(world) -> None:
    response = Client().get("/thong-ke/?period=month&number=13&year=2026")
    assert response.status_code == 200  # the form refuses 13 and shows the current month
    response = Client().get("/thong-ke/?period=quarter&number=7&year=2026")
    assert response.status_code == 422
    assert "Quý phải từ 1 đến 4." in response.content.decode()


def test_page_shows_no_personal_data(world, clock) -> None:
    dossiers = build_history(world, clock)
    html = Client().get(f"/thong-ke/co-quan/{world.agency.code}/?period=year&year=2026").content.decode()
    for dossier in dossiers.values():
        dossier.refresh_from_db()
        assert dossier.code not in html and dossier.applicant_name not in html
    assert world.citizen.full_name not in html


def test_province_page_reads_a_fixed_number_of_queries(world, clock) -> None:
    build_history(world, clock)  # today is 20 November 2026
    client = Client()
    client.get("/thong-ke/tinh/01/")
    with CaptureQueriesContext(connection) as month:
        assert client.get("/thong-ke/tinh/01/?period=month&year=2026&number=11").status_code == 200
    with CaptureQueriesContext(connection) as past:
        assert client.get("/thong-ke/tinh/01/?period=month&year=2026&number=10&window=report").status_code == 200
    with CaptureQueriesContext(connection) as past_again:
        assert client.get("/thong-ke/tinh/01/?period=month&year=2026&number=10&window=report").status_code == 200
    # the current month: the province with its revision, recent rows (the settled ones are cached since
    # the first page), overdue ahead of today, agency names
    assert len(month) == 4
    # a past period: the province with its revision, its settled flows (the stocks are cached since the
    # first page), agency names; then the flows are cached too
    assert len(past) == 3
    assert len(past_again) == 2


@pytest.mark.parametrize("language", ["vi", "en"])
def test_report_cells_are_written_as_the_count_and_rate_filters_write_them(language: str) -> None:
    from django.utils import translation

    from opendvc.reporting.selectors import FLOWS, Figures
    from opendvc.reporting.templatetags.statistics import count, rate
    from opendvc.reporting.views import _cells

    flows = dict.fromkeys(FLOWS, 0) | {"received_online": 1234567, "received_in_person": 2, "resolved_early": 3}
    for figures in (Figures(carried_over=5, in_progress=4, overdue=1, flows=flows), Figures()):
        with translation.override(language):
            expected = [
                count(n)
                for n in (
                    figures.total,
                    figures.received_online,
                    figures.received_in_person_or_post,
                    figures.carried_over,
                    figures.resolved,
                    figures.resolved_early,
                    figures.closed_on_time,
                    figures.resolved_late,
                    figures.in_progress,
                    figures.in_progress_on_time,
                    figures.overdue,
                )
            ] + [rate(figures.on_time_rate), rate(figures.online_rate)]
            assert _cells(figures, comma=language == "vi") == "".join(f"<td>{cell}</td>" for cell in expected)
