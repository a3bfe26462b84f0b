"""People and access (DESIGN D10): local accounts with argon2id passwords, signed bearer tokens,
server-side web sessions, and the FastAPI dependencies that check them. Schema ``identity``."""
