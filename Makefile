# Two commands matter: `make run` (the bot) and `make test` (the checks). Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run console test lint typecheck unit validate bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("StudyBot needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)  ## run the bot: configured adapters + scheduler, or the console
	$(BIN)/studybot

console: $(STAMP)  ## study in this terminal
	$(BIN)/studybot console

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy bot adapters scheduler tests bench

validate: $(STAMP)
	$(BIN)/studybot content validate

test: lint typecheck  ## ruff, mypy and the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.answers

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
