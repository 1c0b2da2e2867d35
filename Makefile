# restpath-operator: the targets a newcomer needs. `make run` and `make test` do everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# The pinned Node (scripts/node/ensure-node.sh; installed into the cache when the node on PATH is older)
# comes first on PATH for every target and everything they start; npm and npx run under it.
ifneq ($(filter-out help clean,$(or $(MAKECMDGOALS),help)),)
NODE_BIN := $(lastword $(shell bash scripts/node/ensure-node.sh))
ifeq ($(NODE_BIN),)
$(error scripts/node/ensure-node.sh found or installed no Node: see its messages above)
endif
export PATH := $(NODE_BIN):$(PATH)
endif
NPM_STAMP := node_modules/.package-lock.json
# Each tier also writes a JSON report; `make test` closes with one summary line over all of them.
# $(1) the vitest project, $(2) test files (all when empty), $(3) the report's name (the project's).
VITEST = npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/$(or $(3),$(1)).json --project $(1) $(2)
# Kubernetes: the tiers run on the newest release the Go module proxy serves (the default in
# scripts/testenv/build-control-plane.sh); the compatibility tier on the oldest minor the README claims
# (the oldest EKS still supports). CEL validation, kstatus on fresh objects and the examples smoke test.
KUBE_OLDEST ?= v1.32.13
COMPAT_INTEGRATION = test/integration/kube-version.test.ts test/integration/crd-schema.test.ts test/integration/crd-validation.test.ts test/integration/kstatus-fresh-objects.test.ts
COMPAT_E2E = test/e2e/examples-operator.test.ts

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

deps: $(NPM_STAMP) ## install Node dependencies (npm ci)

setup: deps ## build/fetch the test components: kube-apiserver, etcd, kubelet, controller-manager, scheduler (both Kubernetes versions for the API tiers), containerd 2 (Go, cached), helm (Go, cached), the AWS emulator virtualenv, podman, runc, CNI, lua5.1, gojq, prometheus/promtool, chromium (apt)
	BUILD_NODE=1 bash scripts/testenv/build-control-plane.sh >/dev/null
	KUBE_VERSION=$(KUBE_OLDEST) bash scripts/testenv/build-control-plane.sh >/dev/null
	bash scripts/testenv/build-containerd.sh >/dev/null
	bash scripts/testenv/build-helm.sh >/dev/null
	bash scripts/testenv/build-kstatus.sh >/dev/null
	npx tsx scripts/testenv/setup.ts
	bash scripts/image/install-tools.sh
	bash scripts/testenv/install-node-packages.sh
	bash scripts/testenv/install-lua.sh
	bash scripts/testenv/install-chromium.sh
	bash scripts/testenv/install-gojq.sh
	bash scripts/testenv/install-prometheus.sh

build: deps ## compile TypeScript to dist/
	npm run build

crds: deps ## regenerate crds/ (and the chart's crds/, docs/reference.md) from the TypeBox schemas in src/api, and the chart's copy of the Prometheus rules
	npm run crds
	npx tsx scripts/chart-prometheus-rules.ts

lint: deps ## eslint (typescript-eslint, type-aware)
	npm run lint

typecheck: deps ## tsc --noEmit over src, test, scripts
	npm run typecheck

test-unit: deps ## unit tests: no cluster, no AWS
	$(call VITEST,unit)

test-reconciler: deps ## reconciler tests: the real reconcilers over an in-memory AWS (the simulator) and a recording writer
	$(call VITEST,reconciler)

test-integration: setup ## integration tests: real kube-apiserver + etcd and the AWS emulator
	$(call VITEST,integration)

test-e2e: setup ## end-to-end tests: kubectl as a user, against the real control plane
	$(call VITEST,e2e)

test-compat: setup ## the CRD/validation and e2e smoke tiers on the oldest supported Kubernetes (KUBE_OLDEST)
	KUBE_VERSION=$(KUBE_OLDEST) $(call VITEST,integration,$(COMPAT_INTEGRATION),compat-integration)
	KUBE_VERSION=$(KUBE_OLDEST) $(call VITEST,e2e,$(COMPAT_E2E),compat-e2e)

test: ## lint, typecheck, unit, integration and e2e tests, and the compatibility tier (what CI runs)
	rm -rf .test-results
	$(MAKE) lint typecheck test-unit test-reconciler test-integration test-e2e test-compat
	@npx tsx scripts/test-summary.ts

bench: setup ## benchmarks: convergence under AWS's quotas, steady-state calls, plan time (BENCH_QUICK=1: skip 300 paths)
	npx tsx bench/run.ts

bench-usage-plans: setup ## benchmark: one usage plan with 10/100/300 API keys under AWS's quotas: converge, steady-state calls, rotation
	npx tsx bench/usage-plans.ts

bench-accounts: setup ## benchmark: 100 paths x 3 methods in one AwsAccount, then in each of two at once (rate limits per account and region)
	npx tsx bench/accounts.ts

bench-diagnose: setup ## benchmark: AWS calls of the diagnose step per pass and per RestPath (10 and 100 paths)
	npx tsx bench/diagnose.ts

bench-controller: setup ## benchmark: the compiled operator (dist/) as a process: RSS idle and with 1,000/5,000 RestPaths, start-up to leader, 100 RestPaths at once under AWS's quotas
	npx tsx bench/controller.ts

bench-bulk-create: setup ## benchmark: a new REST API of 50 and 300 paths x 3 methods per operation and by bulk create (one PutRestApi), behind the quota proxy: time to served and AWS calls (BULK_SIZES)
	npx tsx bench/bulk-create.ts

bench-openapi-sample: setup ## benchmark: 200 seeded APIs.guru documents through import and kubectl apply --dry-run=server: counts by verdict and note reason, and the export round trip of each (OPENAPI_SAMPLE_SIZE, OPENAPI_SAMPLE_SEED)
	npx tsx bench/openapi-sample.ts

bench-fuzz: setup ## benchmark: 5,000 seeded hostile/random manifests applied with kubectl: outcomes by reason, operator survives (FUZZ_RUNS, FUZZ_SEED, FUZZ_ROWS)
	npx tsx bench/fuzz.ts

soak: setup ## soak (a bench, not in CI): the compiled operator for 30 min under an edit every 3 s, 1,000 RestPaths over 10 RestApis, AWS's quotas: RSS/CPU slopes, edits served, AWS calls per resync (SOAK_MINUTES, SOAK_APIS, SOAK_PATHS, SOAK_EDIT_EVERY, SOAK_RESYNC)
	npx tsx bench/soak.ts

image: ## build the operator image localhost/restpath-operator:dev with Podman, on local stand-ins for its base images
	bash scripts/image/build.sh

run: setup ## local control plane + AWS emulator, CRDs installed, examples applied; Ctrl-C stops it
	npx tsx scripts/local-env.ts

run-cluster: setup ## the operator as two Pods on a real node (kubelet + containerd), installed with kubectl apply -k deploy/; examples applied; Ctrl-C stops it
	npx tsx scripts/run-cluster.ts

clean: ## remove build output and the emulator virtualenvs (the Go-built binaries stay cached)
	rm -rf dist .venv .test-results

.PHONY: help deps setup build image crds lint typecheck test-unit test-reconciler test-integration test-e2e test-compat test bench bench-accounts bench-controller bench-usage-plans bench-diagnose bench-fuzz bench-openapi-sample bench-bulk-create soak run run-cluster clean
