from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "ledgerlink.operations"
    label = "operations"

    def ready(self) -> None:
        from ledgerlink.core.worker import register_job
        from ledgerlink.operations import navigation
        from ledgerlink.operations.summary import summarize

        navigation.register()
        register_job("summarize", summarize)
