# The front door. `make run` and `make test` are all a newcomer needs; see README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PORT ?= 8000
BIN := .venv/bin

.PHONY: run test lint format bench clean browser java

run: .venv/.installed-run
	@mkdir -p var  # the SQLite database and uploads live here; a fresh clone has no var/
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Site:  http://127.0.0.1:$(PORT)/"
	@echo "Admin: http://127.0.0.1:$(PORT)/admin/  (demo login: admin / portal-demo)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: .venv/.installed-test browser node_modules/.installed
	$(BIN)/pytest -n auto

lint: .venv/.installed-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: .venv/.installed-test
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: .venv/.installed-test
	$(BIN)/python bench/run.py

clean:
	rm -rf .venv node_modules var/test-media

$(BIN)/python:
	$(PYTHON) -m venv .venv

.venv/.installed-run: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -c requirements.lock -e .
	touch $@

.venv/.installed-test: pyproject.toml requirements.lock .venv/.installed-run
	$(BIN)/pip install -q -c requirements.lock -e ".[test]"
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own download cannot work offline); the
# front-cache test runs deploy/nginx/ in Debian's nginx with its cache_purge module.
browser:
	@command -v chromium >/dev/null && test -f /usr/lib/nginx/modules/ngx_http_cache_purge_module.so \
		|| (apt-get update -qq && apt-get install -y -qq chromium nginx-light libnginx-mod-http-cache-purge)

# The HTML validity test runs the W3C Nu validator, npm's vnu-jar, in Debian's Java. The package's
# install script is skipped: finding no Java, it would fetch one from GitHub.
node_modules/.installed: package.json package-lock.json | java
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

java:
	@command -v java >/dev/null && command -v npm >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq default-jre-headless npm)
