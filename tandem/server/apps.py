from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "tandem.server"
    label = "server"
    verbose_name = "Tandem server"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from tandem.server.sessions import session_seen_at_login  # noqa: PLC0415

        user_logged_in.connect(session_seen_at_login, dispatch_uid="tandem-session-seen")
