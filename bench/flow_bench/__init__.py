"""The parts of ``bench/flow.py``: the system under test, the load, /proc readings, and the report.

``bench/flow.py`` is the entry point; its docstring describes what is measured and how.
"""
