"""``python -m extract DIR --db FILE.db``: see :mod:`extract.cli`."""

from extract.cli import main

main(prog_name="python -m extract")
