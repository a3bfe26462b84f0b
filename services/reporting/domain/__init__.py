"""The reporting service's rules, and nothing else: pure, no I/O (DESIGN D6).

Here: the definitions of the commissioners' figures (which events, which clock), the small-number
suppression rule, and the replay of a case's state as at a moment.
"""
