"""The review page with 1,000 requests: server time and page weight.

    .venv/bin/python bench/web_page.py [--requests 1000] [--runs 20]

A state file gets ``--requests`` requests spread over every state the page groups by
(networks, notes of up to 200 characters, later introductions, mutual connections and
names with HTML in them, as strangers write them). Then the page is built as the server
builds it for a GET: the cards read from the state file (``web.cards.screen``) and the
HTML rendered by the page's templates (``web.render.PageRenderer``), ``--runs`` times.
It prints the median and slowest time, the page's size and its size gzip-compressed,
and the same for the fragment the page fetches on a live update. Numbers are printed,
never asserted; the targets are under 200 ms and under 500 KB.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from introgate.config import Settings  # noqa: E402
from introgate.recognition.registry import NetworkRegistry  # noqa: E402
from introgate.state import RequestRecord, RequestState, SqliteStore  # noqa: E402
from introgate.web.cards import screen  # noqa: E402
from introgate.web.render import PageRenderer  # noqa: E402

NETWORKS = [
    ("linkedin", "https://www.linkedin.com/in/{}"),
    ("xing", "https://www.xing.com/profile/{}/cv"),
    ("facebook", "https://www.facebook.com/{}"),
    ("instagram", "https://www.instagram.com/{}/"),
    ("mastodon", "https://norden.social/@{}"),
]
NOTE = (
    "Hi Alex, we met at the Data Summit in Berlin last week & talked about event "
    "sourcing <b>and</b> CQRS. I'd love to keep in touch about your talk; could we have "
    "a call next week? Best, "
)
# what the page shows: about a third new, a third asked, the rest spread over the others
STATES = [
    RequestState.NEW,
    RequestState.NEW,
    RequestState.ASKED,
    RequestState.ASKED,
    RequestState.ASKED,
    RequestState.QUESTION_SENT,
    RequestState.INTRODUCED,
    RequestState.KNOWN,
    RequestState.NO_ANSWER,
    RequestState.DISMISSED,
]


def fill(store: SqliteStore, count: int) -> None:
    start = datetime.now(UTC) - timedelta(days=60)
    for n in range(count):
        network, profile = NETWORKS[n % len(NETWORKS)]
        state = STATES[n % len(STATES)]
        name = f"Person {n} <i>Müller-Lüdenscheidt</i>" if n % 50 == 0 else f"Person {n} Beispiel"
        at = (start + timedelta(minutes=80 * n)).isoformat(timespec="seconds")
        noted = n % 3 == 0 and state == RequestState.NEW
        record = RequestRecord(
            request_id=f"{n:024x}",
            account="work",
            network=network,
            requester=name,
            folded_name=name.lower(),
            profile_key=f"{network}:person-{n}",
            profile_url=profile.format(f"person-{n}"),
            address=f"person{n}@example.org" if n % 7 == 0 else None,
            note=(NOTE + str(n))[:200] if noted else None,
            source_folder="INBOX",
            source_key=str(n),
            notification_message_id=f"<n{n}@example.org>",
            draft_id=f"<introgate.{n:024x}@introgate.invalid>",
            state=RequestState.NEW,
            requested_at=at,
            asked_at=None,
            introduced_by=None,
            introduction=None,
            created_at=at,
            updated_at=at,
            mutual_connections=n % 40 if n % 2 else None,
        )
        store.requests.add(record, "request recognised in INBOX")
        if state != RequestState.NEW:
            if state != RequestState.ASKED and state != RequestState.KNOWN:
                store.requests.move(record.request_id, RequestState.ASKED, "question drafted")
            introduction = (NOTE + str(n))[:200] if state == RequestState.INTRODUCED else None
            store.requests.move(record.request_id, state, "bench", introduction=introduction)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(state={"path": Path(folder) / "state.sqlite3"})
        networks, _ = NetworkRegistry.read(settings)
        renderer = PageRenderer()
        with SqliteStore(settings.state.path) as store:
            fill(store, args.requests)
            page_times: list[float] = []
            fragment_times: list[float] = []
            page = fragment = ""
            for _ in range(args.runs):
                began = time.perf_counter()
                groups = screen(store, networks.label)
                page = renderer.page(groups, "x" * 43, store.requests.changes())
                page_times.append(time.perf_counter() - began)
                began = time.perf_counter()
                fragment = renderer.groups(screen(store, networks.label))
                fragment_times.append(time.perf_counter() - began)
    cards = page.count('<article class="card"')
    print(f"review page with {args.requests:,} requests ({cards:,} cards), {args.runs} runs")
    for label, times, html in (
        ("page (GET /)", page_times, page),
        ("live update (GET /groups)", fragment_times, fragment),
    ):
        size = len(html.encode("utf-8"))
        packed = len(gzip.compress(html.encode("utf-8")))
        print(
            f"  {label:<26} median {statistics.median(times) * 1000:6.1f} ms, "
            f"slowest {max(times) * 1000:6.1f} ms, {size / 1000:6.1f} KB "
            f"({packed / 1000:5.1f} KB gzip)"
        )
    print("  targets: under 200 ms and under 500 KB")


if __name__ == "__main__":
    main()
