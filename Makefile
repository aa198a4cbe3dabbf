# The verbs of the project. Each target is a thin layer over a command the README shows.
SHELL := /bin/bash
MVN ?= mvn -B -q
JAVA ?= $(if $(JAVA_HOME),$(JAVA_HOME)/bin/java,java)
CONSUMER_JAR := services/tracking-consumer/target/tracking-consumer.jar
CLI_JAR = $(wildcard services/tracking-client/target/tracking-client-*-cli.jar)
POSTHOG_PROJECT_STAMP := tools/posthog-project/target/cli.stamp
POSTHOG_PROJECT_JAR = $$(ls tools/posthog-project/target/posthog-project-*-cli.jar)
SOURCES := $(shell find pom.xml schemas services testkit -name pom.xml -o -path '*/src/main/*' -type f 2>/dev/null)
REPLAY_JAR := services/dlq-replay/target/dlq-replay.jar
BOOTSTRAP = $(shell cat var/kafka/bootstrap 2>/dev/null)

.PHONY: help build run test bench consumer publish simulate kafka-up kafka-down redis-install postgresql-install schemas-snapshot schemas-register posthog-plan posthog-apply replay format clean

help:
	@echo "make run                  local Kafka + tracking consumer (dry-run unless POSTHOG_API_KEY) + simulated facts, until Ctrl-C"
	@echo "make test                 the whole test suite (unit tests and integration tests)"
	@echo "make build                compile and package (no tests)"
	@echo "make bench                the benchmark: tracking consumer vs. a PostHog SDK relay (BENCH_FACTS=1000000, BENCH_ARGS=--help)"
	@echo "make kafka-up|kafka-down  start/stop the local Kafka broker (var/kafka)"
	@echo "make consumer             run the tracking consumer in the foreground"
	@echo "make publish FILE=f.jsonl publish a file of facts"
	@echo "make simulate             publish simulated product usage (TEAMS=50 RATE=200)"
	@echo "make replay ARGS=...      inspect and replay dead letters: ARGS=summary, ARGS='replay --category oversize' (ARGS=--help)"
	@echo "make schemas-snapshot     record changed schemas as new released versions"
	@echo "make schemas-register     check and register every fact schema with \$$SCHEMA_REGISTRY_URL (ARGS=--dry-run)"
	@echo "make posthog-plan         show what posthog/project.yaml would change in the PostHog project (no writes; ARGS=--prune)"
	@echo "make posthog-apply        apply posthog/project.yaml to the PostHog project (ARGS=--prune also deletes)"
	@echo "                          both need POSTHOG_PERSONAL_API_KEY and POSTHOG_PROJECT_ID (POSTHOG_APP_HOST: default US cloud)"

build: $(CONSUMER_JAR)

$(CONSUMER_JAR): $(SOURCES)
	$(MVN) install -DskipTests
	@touch $@

run: build
	tools/run-local.sh

test: redis-install postgresql-install
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

# PostgreSQL for the integration tests of the Spring Boot starter and the example service (Debian's package): installed
# with apt when missing and running as root; the tests run initdb and postgres themselves on a free port (as the
# package's postgres user when root), and skip, with the reason printed, when it cannot be installed.
postgresql-install:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing postgresql with apt (for the integration tests)"; \
	    (apt-get install -y -q postgresql >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null)) \
	      || echo "WARNING: could not install postgresql; the PostgreSQL tests will be skipped"; \
	  else \
	    echo "NOTE: PostgreSQL is missing and this is not root; the PostgreSQL tests will be skipped (apt-get install postgresql)"; \
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

# the replay tool alone (package, not install: nothing of the project goes into the local Maven repository)
$(REPLAY_JAR): $(SOURCES)
	$(MVN) -pl services/dlq-replay -am package -DskipTests
	@touch $@

replay: $(REPLAY_JAR)
	@KAFKA_BOOTSTRAP_SERVERS=$${KAFKA_BOOTSTRAP_SERVERS:-$(or $(BOOTSTRAP),127.0.0.1:9092)} \
	  $(JAVA) -jar $(REPLAY_JAR) $(or $(ARGS),--help)

schemas-snapshot:
	$(MVN) -pl schemas install -DskipTests
	$(MVN) -pl schemas exec:java

schemas-register: build
	@test -n "$${SCHEMA_REGISTRY_URL}" || { echo "usage: SCHEMA_REGISTRY_URL=http://127.0.0.1:8085/apis/ccompat/v7 make schemas-register [ARGS=--dry-run]"; exit 2; }
	$(JAVA) -jar $(CLI_JAR) schemas-register $(ARGS)

# The PostHog project as code (README, "PostHog project as code"): funnels, cohort, dashboard, flags, surveys.
$(POSTHOG_PROJECT_STAMP): $(SOURCES) $(shell find tools/posthog-project -name pom.xml -o -path '*/src/main/*' -type f 2>/dev/null)
	$(MVN) -pl tools/posthog-project -am package -DskipTests
	@touch $@

posthog-plan: $(POSTHOG_PROJECT_STAMP)
	@$(JAVA) -jar $(POSTHOG_PROJECT_JAR) plan $(ARGS)

posthog-apply: $(POSTHOG_PROJECT_STAMP)
	@$(JAVA) -jar $(POSTHOG_PROJECT_JAR) apply $(ARGS)

format:
	$(MVN) spotless:apply

clean:
	$(MVN) clean
