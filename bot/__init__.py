"""StudyBot's platform-neutral core: content, store, use cases and messages."""
