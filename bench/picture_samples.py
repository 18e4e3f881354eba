"""The sample pictures in docs/images/, rendered from the seeded inputs of `bench.picture_data`.

Run as `.venv/bin/python -m bench.picture_samples [--out docs/images]`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import picture_data
from bot.pictures.board import render_board_chart
from bot.pictures.progress import render_progress_card
from bot.pictures.team import render_team_chart

DOCS_IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"


def main() -> None:
    """Render each sample and write it under the output folder, printing each path and alt text."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS_IMAGES, help="folder to write the PNGs to")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    samples = {
        "progress-card.png": render_progress_card(picture_data.progress_card()),
        "progress-card-new.png": render_progress_card(picture_data.new_learner()),
        "team-chart.png": render_team_chart(picture_data.team_chart()),
        "team-chart-idle.png": render_team_chart(picture_data.idle_team()),
        "board-chart.png": render_board_chart(picture_data.board_chart()),
    }
    for name, picture in samples.items():
        path = out / name
        path.write_bytes(picture.png)
        print(f"{path} ({picture.width}x{picture.height}, {len(picture.png):,} bytes)\n  alt: {picture.alt}")


if __name__ == "__main__":
    main()
