"""``python -m jamak.cli``: the same as the ``jamak`` command."""

from jamak.cli.main import run

run()
