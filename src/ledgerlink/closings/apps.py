from django.apps import AppConfig


class ClosingsConfig(AppConfig):
    name = "ledgerlink.closings"
    label = "closings"

    def ready(self) -> None:
        from ledgerlink.closings import messages  # noqa: F401  (fills the message catalogue)
