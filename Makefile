# AI-Coder: `make run` starts everything locally, `make test` builds and runs every test.
MVN ?= mvn -B -ntp
NPM ?= npm --prefix frontend

.DEFAULT_GOAL := help
.PHONY: help build run test clean fmt frontend frontend-test chaos k8s observe

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	$(NPM) ci --no-audit --no-fund

frontend: frontend/node_modules/.package-lock.json ## Build the web app into frontend/dist
	$(NPM) run build

frontend-test: frontend/node_modules/.package-lock.json ## Check formatting and lint (React hooks rules), run the web app's unit tests
	$(NPM) run format:check
	$(NPM) run lint
	$(NPM) test

build: frontend ## Build the web app and every service (no tests)
	$(MVN) package -DskipTests

REPLICAS ?= 1
run: build ## Build, start Redis and the five services, print the URL; Ctrl-C stops all (REPLICAS=2: two of each)
	@REPLICAS=$(REPLICAS) scripts/run-local.sh

observe: ## Prometheus on the running `make run` suite with grafana/rules loaded; prints its URL
	@scripts/observe.sh

test: frontend-test frontend ## Build and run every test (formatting included), then the browser end-to-end test
	$(MVN) verify
	$(NPM) run e2e

TURNS ?= 1000
RATE ?= 2
chaos: ## Fault harness: two of each service, kills, Redis restart, drops, model faults; a table (TURNS=1000 RATE=2)
	@chaos/run.sh --turns $(TURNS) --rate $(RATE)

k8s: ## Render k8s/ (kustomize base and overlays) from the Helm chart after changing helm/ai-coder
	$(MVN) -q install -DskipTests -pl deploy -am
	$(MVN) -q test -pl deploy -Dtest=KustomizeDriftTest#theCommittedManifestsAreTheChartsRendering -Dk8s.write=true -Dsurefire.failIfNoSpecifiedTests=false

fmt: frontend/node_modules/.package-lock.json ## Format Java and TypeScript sources
	$(MVN) -q spotless:apply
	$(NPM) run format

clean: ## Remove build outputs and the local run's data (accounts, conversations, workspaces)
	$(MVN) -q clean
	rm -rf frontend/dist .run
