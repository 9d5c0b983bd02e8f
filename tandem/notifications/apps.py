from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tandem.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The business apps send signals; the events here turn them into notifications.
        from tandem.notifications.events import connect  # noqa: PLC0415

        connect()
