"""The casework service's rules, and nothing else: pure, no I/O (DESIGN D6).

Here: the case lifecycle (DOMAIN.md): a case's state and ``evolve``, the commands facilitators and
supervisors give, the ``decide`` functions that enforce every casework rule, and their errors.
"""
