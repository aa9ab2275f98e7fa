"""Settings for benchmarks only: the real settings plus a bare JSON view served by the same process."""
from parkbeat.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.bench_urls"
