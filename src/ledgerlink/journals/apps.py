from django.apps import AppConfig


class JournalsConfig(AppConfig):
    name = "ledgerlink.journals"
    label = "journals"

    def ready(self) -> None:
        # Menu entries, Quick search providers and the worker's posting job are registered here.
        pass
