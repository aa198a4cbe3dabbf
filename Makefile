# The verbs of the project. Each target is a thin layer over a command the README shows.
SHELL := /bin/bash
MVN ?= mvn -B -q
JAVA ?= $(if $(JAVA_HOME),$(JAVA_HOME)/bin/java,java)
CONSUMER_JAR := services/tracking-consumer/target/tracking-consumer.jar
CLI_JAR = $(wildcard services/tracking-client/target/tracking-client-*-cli.jar)
SOURCES := $(shell find pom.xml schemas services testkit -name pom.xml -o -path '*/src/main/*' -type f 2>/dev/null)
BOOTSTRAP = $(shell cat var/kafka/bootstrap 2>/dev/null)

.PHONY: help build run test bench consumer publish simulate kafka-up kafka-down redis-install schemas-snapshot schemas-register format clean

help:
	@echo "make run                  local Kafka + tracking consumer (dry-run unless POSTHOG_API_KEY) + simulated facts, until Ctrl-C"
	@echo "make test                 the whole test suite (unit tests and integration tests)"
	@echo "make build                compile and package (no tests)"
	@echo "make bench                the benchmark: tracking consumer vs. a PostHog SDK relay (BENCH_FACTS=1000000, BENCH_ARGS=--help)"
	@echo "make kafka-up|kafka-down  start/stop the local Kafka broker (var/kafka)"
	@echo "make consumer             run the tracking consumer in the foreground"
	@echo "make publish FILE=f.jsonl publish a file of facts"
	@echo "make simulate             publish simulated product usage (TEAMS=50 RATE=200)"
	@echo "make schemas-snapshot     record changed schemas as new released versions"
	@echo "make schemas-register     check and register every fact schema with \$$SCHEMA_REGISTRY_URL (ARGS=--dry-run)"

build: $(CONSUMER_JAR)

$(CONSUMER_JAR): $(SOURCES)
	$(MVN) install -DskipTests
	@touch $@

run: build
	tools/run-local.sh

test: redis-install
	mvn -B verify

# The benchmark (README, Performance): builds the consumer and tools/bench with the reactor (no install), then runs
# them on the local broker. Not part of make test. BENCH_FACTS scales it down; BENCH_ARGS passes options (--help).
bench:
	$(MVN) -pl tools/bench -am package -DskipTests
	$(JAVA) -Xmx1g -jar tools/bench/target/tracking-bench.jar --facts $${BENCH_FACTS:-1000000} $(BENCH_ARGS)

# Redis for the integration tests: installed with apt when missing and running as root; the tests start
# their own redis-server on a free port (and skip, with the reason printed, when it cannot be installed).
redis-install:
	@if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing redis-server with apt (for the integration tests)"; \
	    (apt-get install -y -q redis-server >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null)) \
	      || echo "WARNING: could not install redis-server; the Redis tests will be skipped"; \
	  else \
	    echo "NOTE: redis-server is missing and this is not root; the Redis tests will be skipped (apt-get install redis-server)"; \
	  fi; \
	fi

kafka-up:
	@tools/local-kafka/kafka-up.sh

kafka-down:
	@tools/local-kafka/kafka-down.sh

consumer: build
	@test -n "$(BOOTSTRAP)$(KAFKA_BOOTSTRAP_SERVERS)" || { echo "no broker: run make kafka-up or set KAFKA_BOOTSTRAP_SERVERS"; exit 2; }
	KAFKA_BOOTSTRAP_SERVERS=$${KAFKA_BOOTSTRAP_SERVERS:-$(BOOTSTRAP)} $(JAVA) -Xmx256m -jar $(CONSUMER_JAR)

publish: build
	@test -n "$(FILE)" || { echo "usage: make publish FILE=facts.jsonl"; exit 2; }
	@KAFKA_BOOTSTRAP_SERVERS=$${KAFKA_BOOTSTRAP_SERVERS:-$(or $(BOOTSTRAP),127.0.0.1:9092)} \
	  $(JAVA) -jar $(CLI_JAR) publish "$(FILE)"

simulate: build
	@KAFKA_BOOTSTRAP_SERVERS=$${KAFKA_BOOTSTRAP_SERVERS:-$(or $(BOOTSTRAP),127.0.0.1:9092)} \
	  $(JAVA) -jar $(CLI_JAR) simulate --teams $${TEAMS:-50} --rate $${RATE:-200}

schemas-snapshot:
	$(MVN) -pl schemas install -DskipTests
	$(MVN) -pl schemas exec:java

schemas-register: build
	@test -n "$${SCHEMA_REGISTRY_URL}" || { echo "usage: SCHEMA_REGISTRY_URL=http://127.0.0.1:8085/apis/ccompat/v7 make schemas-register [ARGS=--dry-run]"; exit 2; }
	$(JAVA) -jar $(CLI_JAR) schemas-register $(ARGS)

format:
	$(MVN) spotless:apply

clean:
	$(MVN) clean
