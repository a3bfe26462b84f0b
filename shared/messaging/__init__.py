"""Messaging: the broker (NATS JetStream through FastStream), CloudEvents on the wire, and the relay."""
