"""Pictures cost nothing at start-up: matplotlib loads on the first render."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_importing_the_renderers_does_not_import_matplotlib() -> None:
    """A process that imports every pictures module has not loaded matplotlib until it renders."""
    code = (
        "import sys\n"
        "import bot.pictures.board, bot.pictures.cache, bot.pictures.progress, bot.pictures.sparkline\n"
        "import bot.pictures.team\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_render_loads_matplotlib_on_the_agg_backend() -> None:
    """After a first render matplotlib is loaded, drawing with Agg, which needs no display."""
    code = (
        "import sys\n"
        "from bench import picture_data\n"
        "from bot.pictures.board import render_board_chart\n"
        "render_board_chart(picture_data.board_chart())\n"
        "import matplotlib\n"
        "print(matplotlib.get_backend())\n"
    )
    env = {**os.environ, "MPLBACKEND": "TkAgg"}  # a display backend, which the pictures override
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                            env=env)
    assert result.stdout.strip().lower() == "agg"
