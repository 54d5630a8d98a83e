from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "opendvc.reporting"
    verbose_name = _("Thống kê hồ sơ thủ tục hành chính")

    def ready(self) -> None:
        from opendvc.dossiers.hooks import event_listener_register
        from opendvc.reporting.services import rollup_apply, rollup_apply_batch

        event_listener_register(rollup_apply, batch=rollup_apply_batch)
