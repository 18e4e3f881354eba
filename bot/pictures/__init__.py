"""Pictures: the progress card, the team chart and the board chart as PNGs, and a text sparkline.

Each renderer takes a plain value from `bot.pictures.data` (no database or platform types) and
gives a `Picture`: PNG bytes, their size in pixels and an alt text that says the figures in words.
matplotlib is imported on the first render, not when these modules are imported, so starting the
bot does not pay for it; `bot.pictures.cache` renders off the event loop and keeps recent pictures.
"""
