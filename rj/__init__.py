"""The whole system's composition root and its ``rj`` command: it knows every service by name and
imports them plainly; nothing imports it."""
