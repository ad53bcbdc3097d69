"""Time `rotations serve` on the bundled example, over real HTTP on 127.0.0.1: the
coordinator's pending list with 200 requests, a fellow's page, and the time from Approve to the
updated feed. Prints one table. Usage: python3 benchmarks/serve.py"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotations.publish.state import load_state  # noqa: E402
from rotations.serve.app import Site, create_app  # noqa: E402
from rotations.serve.store import Store  # noqa: E402
from rotations.serve.worker import Program  # noqa: E402

EXAMPLE = ROOT / "examples" / "pain-fellowship"


def settle(site: Site) -> None:
    while not site.worker.idle():
        time.sleep(0.01)


def timed(opener, url: str, runs: int = 20) -> float:
    """Median milliseconds to fetch `url` (after one warm-up fetch)."""
    opener.open(url).read()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        opener.open(url).read()
        samples.append(1000 * (time.perf_counter() - start))
    return statistics.median(samples)


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    shutil.copytree(EXAMPLE, folder / "program")
    state = load_state(folder / "state", "riverside-pain")
    state.save()
    store = Store(folder / "state" / "serve.sqlite3")
    program = Program(folder / "program" / "program.yaml", 60.0, lambda: dt.date(2027, 11, 1))
    site = Site(program, state, store)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(site), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    store.queue("solve")
    site.worker.wake.set()
    settle(site)
    for n in range(200):
        day = dt.date(2028, 1, 3) + dt.timedelta(days=n % 150)
        fellow = ["ana", "ben", "carlos", "dana", "elena", "farid"][n % 6]
        store.add_request(fellow, day.isoformat(), day.isoformat(), "requested", f"note {n}")
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/signin/{site.signin_link()}").read().decode()
    pending = timed(opener, f"{base}/coordinator")
    fellow = timed(opener, f"{base}/p/{state.token('ana')}")
    feed_url = f"{base}/feeds/{state.token('dana')}.ics"
    before = opener.open(feed_url).read()
    key = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    number = store.add_request("dana", "2028-02-07", "2028-02-11", "approved", "")
    start = time.perf_counter()
    data = urllib.parse.urlencode({"csrf": key}).encode()
    opener.open(f"{base}/coordinator/requests/{number}/approve", data=data).read()
    while opener.open(feed_url).read() == before:
        if time.perf_counter() - start > 180:
            raise SystemExit("the approval did not reach the feed within 180 s")
        time.sleep(0.05)
    approve = time.perf_counter() - start
    server.should_exit = True
    print("| what | time |")
    print("| --- | --- |")
    print(f"| coordinator's page, 200 pending requests (median of 20) | {pending:.0f} ms |")
    print(f"| a fellow's page (median of 20) | {fellow:.0f} ms |")
    print(f"| Approve to the updated feed (example, reschedule included) | {approve:.1f} s |")


if __name__ == "__main__":
    main()
