"""Delivery throughput: e-mails to a local SMTP sink, events to a local webhook sink.

    python benchmarks/deliveries.py             # 5,000 e-mails and 5,000 webhook events
    python benchmarks/deliveries.py --smoke     # 200 of each; writes nothing

Everything runs on this machine: a temporary data folder (SQLite) in this process, and in a
process of their own an SMTP server (aiosmtpd) that takes every message and an HTTP server
(the standard library's, threaded) that answers 200 to every post. People with e-mail
addresses are made,
then messages are put in their inboxes (``notifications_send``, which writes the e-mail
deliveries) and webhook events are queued (``webhooks_emit``); the time of that fan-out is
reported apart. Then ``deliveries_send_due`` (what the delivery jobs run) sends them all, in
batches of TANDEM_DELIVERY_BATCH over one SMTP connection or one HTTP session each, recording
each delivery's outcome in its own transaction. The sinks share the machine's two cores
with the sender: the figures are a floor for what one worker process does against a remote
server that answers as fast.

Results go to ``benchmarks/data/deliveries-results.md`` (and ``.json``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "data" / "deliveries-results.md"
GOAL = 100.0  # messages a second
COUNT = 5_000
SMOKE_COUNT = 200


class Counted:
    """The SMTP sink's handler: counts what it takes."""

    def __init__(self, taken: Any) -> None:
        self.taken = taken

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.taken.get_lock():
            self.taken.value += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _handler(taken: Any) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with taken.get_lock():
                taken.value += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _serve_sinks(smtp_port: int, http_port: int, mails: Any, posts: Any, stop: Any) -> None:
    """The sinks, in a process of their own (as a remote server would be)."""
    from aiosmtpd.controller import Controller  # noqa: PLC0415

    controller = Controller(Counted(mails), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    server = ThreadingHTTPServer(("127.0.0.1", http_port), _handler(posts))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop.wait()
    server.shutdown()
    controller.stop()


def _setup(data: Path, smtp_port: int) -> None:
    os.environ.update(
        TANDEM_DATA_DIR=str(data),
        TANDEM_EMAIL_HOST="127.0.0.1",
        TANDEM_EMAIL_PORT=str(smtp_port),
        TANDEM_EMAIL_USE_TLS="false",
        TANDEM_CHANNEL_ANY_URL="true",
        TANDEM_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    from tandem.cli.database import django_setup  # noqa: PLC0415

    django_setup(migrate=True)


def _people(count: int) -> list[str]:
    from tandem.people.models import Person  # noqa: PLC0415

    Person.objects.bulk_create(
        [Person(id=f"p{n}", name=f"Person {n}", email=f"p{n}@example.test") for n in range(count)]
    )
    return [f"p{n}" for n in range(count)]


def _emails(people: list[str]) -> float:
    """Put one message in each inbox (and its e-mail in the log), 100 people a message."""
    from tandem.notifications.services import Message, notifications_send  # noqa: PLC0415

    started = time.perf_counter()
    for start in range(0, len(people), 100):
        message = Message(
            category="comment",
            kind="comment_added",
            object_kind="objective",
            object_id="X-1",
            link="/objectives/X-1",
            title="Someone commented",
            text="A comment " * 20,
            event_id=f"bench:{start}",
        )
        notifications_send(message, people[start : start + 100])
    return time.perf_counter() - started


def _webhook_events(url: str, count: int) -> float:
    from django.db import transaction  # noqa: PLC0415

    from tandem.core.visibility import Audience  # noqa: PLC0415
    from tandem.notifications.deliveries import webhooks_emit  # noqa: PLC0415
    from tandem.notifications.setup import channel_create  # noqa: PLC0415

    channel_create(
        audience=Audience(person=None, admin=True),
        kind="webhook",
        team_id=None,
        name="sink",
        url=url,
    )
    started = time.perf_counter()
    with transaction.atomic():
        for n in range(count):
            webhooks_emit("bench.event", f"bench-event:{n}", {"n": n}, category="system")
    return time.perf_counter() - started


def _send(via: str) -> tuple[int, float]:
    from tandem.notifications.models import Delivery  # noqa: PLC0415
    from tandem.notifications.sending import deliveries_send_due  # noqa: PLC0415

    others = Delivery.objects.exclude(via=via).filter(status="pending")
    held = list(others.values_list("id", flat=True))
    others.update(status="skipped")  # one kind at a time
    started = time.perf_counter()
    deliveries_send_due()
    took = time.perf_counter() - started
    Delivery.objects.filter(id__in=held).update(status="pending")
    return Delivery.objects.filter(via=via, status="sent").count(), took


def bench(count: int) -> list[dict[str, Any]]:
    smtp_port, http_port = _free_port(), _free_port()
    mails, posts, stop = (
        multiprocessing.Value("i", 0),
        multiprocessing.Value("i", 0),
        multiprocessing.Event(),
    )
    sinks = multiprocessing.Process(
        target=_serve_sinks, args=(smtp_port, http_port, mails, posts, stop), daemon=True
    )
    sinks.start()
    time.sleep(1.0)  # the sinks listening
    try:
        with tempfile.TemporaryDirectory(prefix="tandem-bench-deliveries-") as data:
            _setup(Path(data), smtp_port)
            fan_out = _emails(_people(count))
            queued = _webhook_events(f"http://127.0.0.1:{http_port}/hook", count)
            rows = [
                _row("email", count, fan_out, mails),
                _row("channel", count, queued, posts),
            ]
    finally:
        stop.set()
        sinks.join(timeout=10)
    return rows


def _row(via: str, count: int, fanned: float, taken: Any) -> dict[str, Any]:
    sent, took = _send(via)
    return {
        "via": "e-mail (SMTP sink)" if via == "email" else "webhook (HTTP sink)",
        "count": count,
        "sent": sent,
        "received": taken.value,
        "fan_out_s": round(fanned, 2),
        "send_s": round(took, 2),
        "per_second": round(sent / took, 1) if took else 0.0,
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| channel | messages | fan-out (s) | sending (s) | messages / s | received by the sink |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['via']} | {row['count']:,} | {row['fan_out_s']} | {row['send_s']} | "
            f"{row['per_second']:,} | {row['received']:,} |"
        )
    return "\n".join(lines)


def problems(rows: list[dict[str, Any]]) -> list[str]:
    found = []
    for row in rows:
        if row["sent"] != row["count"] or row["received"] != row["count"]:
            found.append(
                f"{row['via']}: {row['sent']} sent, {row['received']} received of {row['count']}"
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=COUNT, help="messages of each kind")
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_COUNT} of each; no writing")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import smoke_failed, unwind_on_sigterm  # noqa: PLC0415

    unwind_on_sigterm()
    count = SMOKE_COUNT if args.smoke else args.count
    rows = bench(count)
    result = (
        f"{count:,} of each, batches of 100, the sinks in another process; load average at the "
        f"end {os.getloadavg()[0]:.1f}.\n\n{table(rows)}"
    )
    print(result, flush=True)
    if args.smoke:
        smoke_failed(problems(rows))
        return
    slow = [r["via"] for r in rows if r["per_second"] < GOAL]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(result + "\n")
    RESULTS.with_suffix(".json").write_text(json.dumps(rows, indent=1))
    if problems(rows) or slow:
        raise SystemExit(f"below the goal or incomplete: {problems(rows) + slow}")


if __name__ == "__main__":
    main()
