"""How many points an answer is worth."""

from __future__ import annotations

POINTS_PER_DIFFICULTY = 10
INTERVIEW_POINTS = 5


def quiz_points(correct: bool, difficulty: int) -> int:
    """A correct answer earns 10 points per difficulty level (10, 20, 30); a wrong one 0."""
    return POINTS_PER_DIFFICULTY * difficulty if correct else 0


def interview_points() -> int:
    """Practising an interview question or a card earns a flat 5 points, whatever the self-grade."""
    return INTERVIEW_POINTS
