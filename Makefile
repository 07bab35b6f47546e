.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv/bin

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

bootstrap: ## Install missing system packages and the project's .venv
	@scripts/bootstrap

demo: bootstrap ## Run the whole system on embedded defaults (SQLite, private Mosquitto, emulated counter unit)
	$(VENV)/madoguchi demo

lint: bootstrap ## ruff and mypy
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy

test: lint ## Install what is missing, lint, and run every test
	$(VENV)/pytest -n 2

.PHONY: help bootstrap demo lint test
