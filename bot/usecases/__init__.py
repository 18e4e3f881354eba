"""Use cases: each takes an actor and returns platform-neutral messages."""
