"""Run ``scrapy`` under cProfile counting CPU time, not wall time: on a machine other work keeps
busy, wall-time profiles mostly measure the wait for a core.

    python bench/cpu_profile.py OUT.prof crawl reports -a sites=… -s …
"""

from __future__ import annotations

import cProfile
import runpy
import sys
import time


def main() -> None:
    out = sys.argv[1]
    sys.argv = ["scrapy", *sys.argv[2:]]
    profile = cProfile.Profile(time.process_time)
    try:
        profile.runcall(runpy.run_module, "scrapy", run_name="__main__")
    except SystemExit:
        pass
    finally:
        profile.dump_stats(out)


if __name__ == "__main__":
    main()
