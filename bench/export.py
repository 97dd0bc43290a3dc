"""How much memory a CSV export takes on years of data: `make bench` (or `python bench/export.py`).

Creates, in a scratch database, one person with 2 years and one with 10 years of demo diary, then
downloads each CSV file through Django's full stack in this process, reading the streamed response
a piece at a time as a browser would, and prints the rows, the time, and the peak memory Python
allocated while it ran (tracemalloc).

Target: the export is streamed, so peak memory for 10 years stays under 1.5 times that for
2 years, while each file is five times as long. (Two years, not one: a year of check-ins is
shorter than one chunk of rows, so it would not show the chunked reading at work.)
"""

import argparse
import tempfile
import time
import tracemalloc

from trends import set_up_django

TARGET_MEMORY_RATIO = 1.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (default: SQLite)")
    return parser.parse_args()


def read(client, url):
    """The response read a piece at a time; returns its rows."""
    lines = 0
    for piece in client.get(url).streaming_content:
        lines += piece.count(b"\n")
    return lines - 1


def download(client, url):
    """Rows and seconds of one download, and the peak bytes allocated during another (tracing
    slows Python down several times, so the two are separate runs)."""
    start = time.perf_counter()
    rows = read(client, url)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    read(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, seconds, peak


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        set_up_django(args.database_url, scratch)
        from django.test import Client

        from sci_tracker.accounts.models import User
        from sci_tracker.diary import demo
        from sci_tracker.exports.csv_files import FILES

        peaks = {}
        for days in (730, 3650):
            outcome = demo.seed_demo(name=f"export{days}", days=days)
            client = Client(SERVER_NAME="localhost")
            client.force_login(User.objects.get(email=outcome.email))
            print(f"\n{days // 365} years of diary")
            for csv_file in FILES:
                rows, seconds, peak = download(client, f"/export/{csv_file.name}.csv")
                peaks[days, csv_file.name] = peak
                print(
                    f"  {csv_file.name + '.csv':24} {rows:7} rows {seconds * 1000:7.0f} ms"
                    f"  peak {peak / 1e6:6.1f} MB"
                )

        print()
        failures = 0
        for csv_file in FILES:
            ratio = peaks[3650, csv_file.name] / peaks[730, csv_file.name]
            verdict = "ok" if ratio < TARGET_MEMORY_RATIO else "FAIL"
            failures += verdict == "FAIL"
            name = csv_file.name + ".csv"
            print(f"{verdict:4} {name:24} peak memory, 10 years against 2: {ratio:.2f}x")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
