"""The ``rj`` command: run the whole system on one machine and operate it."""
