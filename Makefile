# The two commands a newcomer needs: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST_PORT ?= 127.0.0.1:8000

.PHONY: run test bench bench-servers format messages clean

# Reinstall only when a requirements file changes (the stamp files record the last install).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	SCI_TRACKER_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	@# A demo account with a year of made-up entries, made once and then left alone.
	@SCI_TRACKER_DEBUG=1 $(BIN)/python manage.py seed_demo --keep-existing > /dev/null
	@echo
	@echo "SCI Tracker is starting on http://$(HOST_PORT)/ with its reminder worker (stop both with Ctrl+C)."
	@echo "Try the demo account: sign in as demo@example.org with password demo-tracker-2026"
	@echo "(reset it with: $(BIN)/python manage.py seed_demo). Or create your own account there."
	@echo
	@# The reminder worker runs in the background beside the web server, and stops with it:
	@# Ctrl+C ends runserver, then the trap sends the worker SIGTERM and waits for it.
	@SCI_TRACKER_DEBUG=1 $(BIN)/python manage.py send_reminders & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	SCI_TRACKER_DEBUG=1 $(BIN)/python manage.py runserver $(HOST_PORT)

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

# Speed figures on years of data (see docs/development.md: Speed); not part of `make test`.
bench: $(VENV)/.dev
	$(BIN)/python bench/trends.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/import_memory.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/patients.py

# The load bench on two servers with PostgreSQL and Redis (docs/deployment.md); needs both running.
bench-servers: $(VENV)/.dev
	$(BIN)/python bench/load.py --two-servers

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The message catalogues made again from the code, then compiled (docs/translating.md). Needs
# GNU gettext (Debian: apt-get install gettext); running and testing the app do not.
MESSAGES_IGNORE := -i "static/vendor/*" -i "staticfiles/*" -i "bench/*" -i "tests/*" -i "data/*" -i "deploy/*"
messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages --all --add-location=file $(MESSAGES_IGNORE)
	$(BIN)/python manage.py makemessages --all -d djangojs --add-location=file $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
