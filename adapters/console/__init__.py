"""The console adapter: StudyBot in a terminal, with no accounts."""
