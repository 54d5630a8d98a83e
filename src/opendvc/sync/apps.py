from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "opendvc.sync"
    label = "sync"
    verbose_name = _("Đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia")

    def ready(self) -> None:
        from opendvc.dossiers.hooks import event_listener_register
        from opendvc.sync.outbox import outbox_event_listener, outbox_event_listener_batch

        event_listener_register(outbox_event_listener, batch=outbox_event_listener_batch)
