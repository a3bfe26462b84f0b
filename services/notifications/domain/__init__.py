"""The notifications service's rules, and nothing else: pure, no I/O (DESIGN D6).

Here: who is told what, by which channel and when: the Victims' Code timings (``timings``), the
rules table of notifications, the safety rules of each channel, and their errors.
"""
