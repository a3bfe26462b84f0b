"""Free TCP ports on the loopback interface."""

from __future__ import annotations

import socket

RESERVED = {4222, 5432, 5672, 6379, 3306, 1883, 8222}  # the machine's own servers


def free_port() -> int:
    """A port nobody listens on now; never one of the machine's well-known servers."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in RESERVED:
            return port


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0
