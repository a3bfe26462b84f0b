"""The parts of ``bench/eventstore.py``: workload, the systems measured, timing, and the report.

``bench/eventstore.py`` is the entry point; its docstring describes what is measured and how.
"""
