"""Recognition time of hostile mails: ``python bench/adversarial.py [--repeat N]``.

Prints each adversarial body's best-of-N recognition CPU time and the worst case; the goal
is under 50 ms each (a normal notification takes about 1 ms). Printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from introgate.config import Settings, Trust
from introgate.recognition import Recogniser
from tests.recognition.adversarial import ADVERSARIAL

_GOAL_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per body (best is shown)")
    args = parser.parse_args()
    recogniser = Recogniser.load(Settings(trust=Trust(authserv_ids=["mx.example.org"])))
    worst_name, worst_ms = "", 0.0
    for name, build in ADVERSARIAL.items():
        raw = build()
        best = float("inf")
        result = None
        for _ in range(args.repeat):
            started = time.process_time()
            result = recogniser.recognise(raw)
            best = min(best, time.process_time() - started)
        ms = best * 1000
        assert result is not None
        outcome = f"{len(result.requests)} request(s)"
        if result.defect:
            outcome += f", defect: {result.defect[:60]}"
        flag = "" if ms < _GOAL_MS else "  OVER GOAL"
        print(f"{name:34} {len(raw):>7} bytes {ms:8.1f} ms  {outcome}{flag}")
        if ms > worst_ms:
            worst_name, worst_ms = name, ms
    print(f"worst: {worst_name} {worst_ms:.1f} ms (goal < {_GOAL_MS:.0f} ms each)")


if __name__ == "__main__":
    main()
