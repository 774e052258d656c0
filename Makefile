# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
NPM_CI := npm ci --no-audit --no-fund --loglevel=error

.PHONY: run test test-fast install install-dev

# The runtime and the embedded default's stand-ins (requirements-embedded.txt); production needs only the first.
$(VENV)/.runtime: requirements.txt requirements-embedded.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt -r requirements-embedded.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# socket.io-client for the interop tests, and the load generator the multi-process tests use.
tests/interop/node_modules/.installed: tests/interop/package-lock.json
	$(NPM_CI) --prefix tests/interop
	touch $@

bench/node_modules/.installed: bench/package-lock.json
	$(NPM_CI) --prefix bench
	touch $@

install: $(VENV)/.runtime

install-dev: $(VENV)/.dev tests/interop/node_modules/.installed bench/node_modules/.installed

# Install, then serve on $$PORT (default 5000) with the embedded database unless MONGODB_URI is set.
run: install
	@echo "Moderator console: http://127.0.0.1:$${PORT:-5000}/console/ (a moderator: MODERATOR_PHONES=PHONE make run; docs/console.md)"
	$(PY) wsgi.py

# Install, then run the whole test suite.
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Everyday work: everything but tests/system (several processes, faults, soak, fuzzing), about a minute.
test-fast: install-dev
	$(PY) -m pytest -m "not system" $(PYTEST_ARGS)
