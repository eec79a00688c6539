# The two commands a newcomer needs: `make dev` and `make test`. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
MODE ?= serverless
export CHECKPOINT_DISABLE := 1

.PHONY: help install build dev start test test-unit lint typecheck tf-check plan apply destroy device docs screenshots bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# npm ci prints nothing while it downloads: say what it is doing and what to expect first.
node_modules/.installed: package.json package-lock.json
	@echo "make install: npm ci is installing the $$(node -p "Object.keys(require('./package-lock.json').packages).length - 1") packages locked in package-lock.json into node_modules/"
	@echo "  (the first time it downloads ~100 MB: about a minute with nothing printed until it is done; later runs are quicker)"
	npm ci --no-audit --no-fund --foreground-scripts
	@touch $@

install: node_modules/.installed ## install npm dependencies (npm ci) when package-lock.json changed

build: install ## bundle the Lambda zips, the local stack and the device agent into dist/
	node build.mjs

dev: build ## run the whole API locally (dynalite under .data/) with one simulated board
	node scripts/dev.mjs

start: dev

lint: install ## eslint
	npx eslint .

typecheck: install ## tsc --noEmit (strict), server and browser code
	npx tsc --noEmit
	npx tsc --noEmit -p src/web

test-unit: build ## vitest: unit, storage (dynalite and DynamoDB Local), HTTP, bundles, device, drift
	node scripts/run-vitest.mjs

tf-check: build ## offline Terraform checks: fmt, validate, terraform test
	bash scripts/tf.sh check

test: lint typecheck test-unit tf-check ## everything CI runs
	@echo "make test: all checks passed"

# MODE and TFVARS are checked before anything is built or initialised.
plan: ## terraform plan (MODE=serverless|vpc, TFVARS=... to override the example)
	@bash scripts/tf.sh preflight plan
	@$(MAKE) --no-print-directory build
	bash scripts/tf.sh plan

apply: ## terraform apply (TFVARS=your copy of an example: required)
	@bash scripts/tf.sh preflight apply
	@$(MAKE) --no-print-directory build
	bash scripts/tf.sh apply

destroy: ## terraform destroy (MODE, TFVARS as for apply)
	@bash scripts/tf.sh preflight destroy
	bash scripts/tf.sh destroy

device: install ## bundle the BeagleBone agent into dist/device/agent.mjs
	node device/build.mjs

docs: install ## regenerate docs/openapi.json from the valibot schemas
	node build.mjs docs

screenshots: build ## regenerate docs/screenshots/ (headless Chromium against the local stack)
	npx vitest run --config vitest.docs.config.ts

bench: build ## benchmarks and the cost model (prints figures and side-by-side ratios; about 14 minutes on 2 cores)
	node bench/run.mjs

clean: ## remove build output (not .data)
	rm -rf dist coverage test-artifacts
