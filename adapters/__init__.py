"""Platform adapters: translate platform events into core calls and core messages into output."""
