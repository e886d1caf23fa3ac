"""The ``jamak`` command line: one small module per command group."""
