"""Anki decks: reading .apkg packages (both formats), rendering their cards, and writing a course as one."""
