"""The app's settings with one more URL, for `bench/load.py --floor`: the stack's own cost."""

from sci_tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
