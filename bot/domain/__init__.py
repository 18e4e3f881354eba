"""Pure rules of the product: streaks, points, spaced repetition, periods, selection."""
