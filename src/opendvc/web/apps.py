from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "opendvc.web"
    verbose_name = "Giao diện"
