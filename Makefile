# Stowage's front door: thin, documented wrappers over the Maven wrapper (./mvnw fetches Maven 3.9).
# `make help` lists the targets.

MVNW := ./mvnw -B -ntp
# Everything the build reads: when none of it changed, `make build` (and so `make run`) skips Maven.
SOURCES := pom.xml $(shell find proto common embedded api-server cli -path '*/target' -prune -o -type f -print 2>/dev/null)
BUILT := cli/target/.built

.PHONY: help build run test clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build: $(BUILT) ## Compile and package; afterwards bin/stowage runs the stowage command

$(BUILT): $(SOURCES)
	$(MVNW) -DskipTests package
	@touch $@

run: build ## Run everything on one machine (stowage dev): embedded Kafka, the api-server and the ingest worker; data in ./data
	@bin/stowage dev || [ $$? -eq 130 ] # 130: stopped with Ctrl-C, which is how it is meant to stop

test: ## Run every test: unit, integration against real servers, and end to end through bin/stowage
	$(MVNW) verify

clean: ## Remove build output (not ./data)
	$(MVNW) clean
