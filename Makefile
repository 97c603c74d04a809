# Stowage's front door: thin, documented wrappers over the Maven wrapper (./mvnw fetches Maven 3.9).
# `make help` lists the targets.

MVNW := ./mvnw -B -ntp
# Everything the build reads: when none of it changed, `make build` (and so `make run`) skips Maven.
# The modules come from the parent pom's <module> list, so a new module triggers a rebuild too.
MODULES := $(shell sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml)
SOURCES := pom.xml $(shell find $(MODULES) -path '*/target' -prune -o -type f -print 2>/dev/null)
BUILT := cli/target/.built

.PHONY: help build run test bench dist dist-dev image helm-test clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

build: $(BUILT) ## Compile and package; afterwards bin/stowage runs the stowage command

$(BUILT): $(SOURCES)
	$(MVNW) -DskipTests package
	@touch $@

run: build ## Run everything on one machine (stowage dev): embedded Kafka, the api-server and the ingest worker; data in ./data
	@# Ctrl-C (130) or SIGTERM (143) is how it stops: no make "Interrupt" or "Error" line for either
	@trap true INT TERM; bin/stowage dev; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 130 ] || [ $$rc -eq 143 ]

test: ## Run every test: unit, integration against real servers, and end to end through bin/stowage
	$(MVNW) verify

dist: ## Build the production distribution: dist/target/stowage-<version>/ (bin/stowage, lib/*.jar) and its .tar.gz; no embedded servers, no stowage dev
	$(MVNW) -DskipTests package -pl dist -am
	@du -sh dist/target/stowage-[0-9]*/ dist/target/stowage-[0-9]*.tar.gz

dist-dev: ## Build the development distribution: dist/target/stowage-dev-<version>/ and its .tar.gz, with stowage dev and the embedded Kafka, PostgreSQL and S3
	$(MVNW) -DskipTests -Pdevelopment package -pl dist -am
	@du -sh dist/target/stowage-dev-*/ dist/target/stowage-dev-*.tar.gz

# The image's name; its tag is the project version, e.g. make image IMAGE=ghcr.io/me/stowage
IMAGE ?= stowage

image: ## Build the container image stowage:<version> (IMAGE=name renames it) from the distribution; needs a Docker engine
	@command -v docker >/dev/null 2>&1 || { echo "make image: docker is not installed here. Install Docker, or run 'make dist' and build the Dockerfile where a Docker engine runs." >&2; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "make image: no Docker engine answers ('docker info' failed). Start one (or set DOCKER_HOST), or run 'make dist' and build the Dockerfile where a Docker engine runs." >&2; exit 1; }
	$(MAKE) dist
	version=$$($(MVNW) -q -N org.apache.maven.plugins:maven-help-plugin:3.5.1:evaluate -Dexpression=project.version -DforceStdout) && \
	  docker build --build-arg STOWAGE_VERSION="$$version" -t "$(IMAGE):$$version" .

helm-test: ## Lint the Helm chart (helm/stowage) and check what it renders; no helm binary or cluster needed
	$(MVNW) verify -pl helm

# Benchmark sizes, e.g. make bench BENCH_ARGS=--quick or BENCH_ARGS="--records 200000 --partitions 3"
BENCH_ARGS ?=

bench: ## Measure Stowage against this machine's limits and a peer (B1-B8); prints a table, writes bench/results/latest.json
	$(MVNW) -q -pl bench -am package -DskipTests
	java -Xmx2g -cp 'bench/target/*:bench/target/lib/*' io.stowage.bench.Bench $(BENCH_ARGS)

clean: ## Remove build output (not ./data)
	$(MVNW) clean
