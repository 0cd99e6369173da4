from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ledgerlink.demo"
    label = "demo"
