# warroom — the two commands a new user needs: `make run` and `make test`.
GO      ?= go
BIN     := bin/warroom
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
export CGO_ENABLED := 1

.PHONY: run build test test-deps deps-check vet fuzz bench gobench faults screenshots clean

# The bot: every platform configured in the environment, the console when none.
run: build
	@./$(BIN) run $(ARGS)

build:
	@$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/warroom

# Everything CI runs: vet, the dependency rules, and every test with the race detector.
# test-deps installs python3, Chromium and PostgreSQL from Debian's packages when they are missing.
test: test-deps vet deps-check
	$(GO) test -race -count=1 ./...

test-deps:
	@./scripts/test-deps

vet:
	$(GO) vet ./...

# The dependency rules (README: "Layout and dependency rules"): commands never import slack-go, discordgo, go-sqlite3 or an adapter;
# storage never imports commands or an adapter; adapters never import commands.
deps-check:
	@./.ci/deps-check

# Short fuzzing of every parser of untrusted input (FUZZTIME per target).
FUZZTIME ?= 15s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# The figures of issues 8, 18 and 19 on this machine: warroom side by side with a Bolt-JS peer
# (bench/peer, installed here with npm ci from its lock file), the Slack HTTP path, ingest,
# report, idle memory, the web view, and PostgreSQL with one and three replicas beside SQLite
# plus the leader's failover (a throwaway cluster; test-deps installs PostgreSQL when
# missing). BENCH_ARGS passes flags (-only versus, -only postgres, -offered 20000).
bench: build test-deps bench/peer/node_modules/.package-lock.json
	@$(GO) build -o bin/warroom-bench ./cmd/warroom-bench
	@./bin/warroom-bench -bin $(BIN) -peer bench/peer $(BENCH_ARGS)

# The peer's dependencies, exactly as pinned (npm ci refuses a lock file out of step).
bench/peer/node_modules/.package-lock.json: bench/peer/package.json bench/peer/package-lock.json
	cd bench/peer && npm ci --no-audit --no-fund

# The Go micro-benchmarks (report of 100,000 entries, IOC extraction …).
gobench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Fault tests (docs/faults.md): the real bin/warroom, against the fake Slack, killed with
# SIGKILL 20 times under load, cut off by a 30 s Slack outage, fed forged and malformed
# requests, given a full and a read-only disk, and 30 s of lost answers on Slack and Discord
# (docs/exactly-once.md), and the leader of several replicas on one PostgreSQL database
# killed 10 times under load (docs/deploy.md). About seven minutes; CI runs it after
# `make test`. FAULTS_SEED=n draws the kill moments from seed n.
faults: build test-deps
	WARROOM_BIN=$(CURDIR)/$(BIN) $(GO) test -tags faults -count=1 -v -timeout 20m ./faults/

# The web view's pages and the HTML report in docs/screenshots/, taken by headless Chromium
# (web/browser; emoji need fonts-noto-color-emoji).
screenshots: build
	WARROOM_BIN=$(CURDIR)/$(BIN) WARROOM_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -tags screenshots -count=1 -run '^TestScreenshots(Report)?$$' -v ./web/browser/

clean:
	rm -rf bin
