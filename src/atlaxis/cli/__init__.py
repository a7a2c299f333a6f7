"""The ``atlaxis`` command line."""
