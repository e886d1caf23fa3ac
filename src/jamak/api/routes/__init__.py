"""One module per resource; each exposes a ``router`` that :mod:`jamak.api.app` includes."""
