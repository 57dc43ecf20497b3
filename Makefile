# Makefile: thin entry points; each target is one line calling cargo or a script in scripts/.
.PHONY: setup build lint test demo docs docs-check bench install release fmt

setup:
	bash scripts/setup.sh

build:
	cargo build --bins

lint:
	bash scripts/lint.sh

test:
	bash scripts/test.sh

EXAMPLE ?= quickstart

demo:
	bash scripts/demo.sh $(EXAMPLE)

docs: setup build
	.venv/bin/python scripts/gen_docs.py

docs-check: setup build
	.venv/bin/python scripts/gen_docs.py --check

bench: setup
	cargo build --release --bins && .venv/bin/python scripts/bench_provider.py && PROVIDER_BIN_DIR=target/release VONAGE_SANDBOX_BIN=target/release/vonage-sandbox .venv/bin/python scripts/bench_faults.py && cargo bench --bench sandbox

install:
	bash scripts/install.sh

release:
	bash scripts/release.sh

fmt: setup
	cargo fmt && CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null .venv/bin/terraform fmt -recursive examples
