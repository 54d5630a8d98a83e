from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "opendvc.core"
    verbose_name = "Lõi hệ thống"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from opendvc.core.calendar import display_calendar_forget
        from opendvc.core.models import CalendarDay

        # A decided day saved here (the admin, a service) shows at once in this process's labels.
        post_save.connect(display_calendar_forget, sender=CalendarDay, dispatch_uid="display_calendar_save")
        post_delete.connect(display_calendar_forget, sender=CalendarDay, dispatch_uid="display_calendar_delete")
