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

        from opendvc.accounts.signals import personal_id_verified
        from opendvc.sync.services import synced_dossiers_link_receiver

        personal_id_verified.connect(synced_dossiers_link_receiver, dispatch_uid="opendvc.sync.link_applicant")
