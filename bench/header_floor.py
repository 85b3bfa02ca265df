"""The floor: what a bare imapclient script needs to read every header of INBOX.

    python bench/header_floor.py --port N --user U [--nothing-new]

The password comes from ``IMAP_PASSWORD``. Login, SELECT INBOX, UID SEARCH ALL, FETCH
the header block of every message (in chunks of 1,000 UIDs, as any client that keeps
its memory in bounds would), logout. With ``--nothing-new`` it only logs in, selects
and logs out: the least any client must do to learn that nothing arrived (it would
compare UIDNEXT with what it remembers). No introgate import: this is the yardstick.
"""

from __future__ import annotations

import argparse
import os

from imapclient import IMAPClient

CHUNK = 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--nothing-new", action="store_true")
    args = parser.parse_args()
    fetched = 0
    header_bytes = 0
    with IMAPClient(args.host, port=args.port, ssl=False, timeout=120) as client:
        client.login(args.user, os.environ["IMAP_PASSWORD"])
        client.select_folder("INBOX", readonly=True)
        if not args.nothing_new:
            uids = client.search(["ALL"])
            for start in range(0, len(uids), CHUNK):
                answer = client.fetch(uids[start : start + CHUNK], ["BODY.PEEK[HEADER]"])
                for data in answer.values():
                    header_bytes += len(data[b"BODY[HEADER]"])
                    fetched += 1
        client.logout()
    print(f"fetched {fetched} header blocks, {header_bytes} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
