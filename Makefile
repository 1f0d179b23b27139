# clausewatch — build, run, test, benchmark, lint.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/clausewatch/clausewatch/internal/cli.Version=$(VERSION)
BIN     := bin/clausewatch

.PHONY: build run test bench eval lint clean demo release

build: ## build bin/clausewatch with the version stamped in
	go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/clausewatch

run: ## check every bundled source into snapshots/clausewatch.db
	go run ./cmd/clausewatch check

test: ## the whole test suite, with the race detector
	go test -race -count=1 -timeout 45m ./...

bench: ## the check-run benchmarks, report in bench-report.txt (see internal/bench); QUICK=1: 100 pages, 2 repetitions
	@{ go test -run '^$$' -bench . -benchtime 1x -count 1 -timeout 40m $(if $(QUICK),-short) ./internal/bench/; echo $$? > bench-report.rc; } 2>&1 | tee bench-report.txt; \
	  rc=$$(cat bench-report.rc); rm -f bench-report.rc; exit $$rc

eval: ## the sentence evaluation suite: precision and recall per attribute
	go test -count=1 -run 'TestSuite$$' -v ./internal/eval/ | grep -v '^=== RUN'

lint: ## vet and formatting
	go vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# --- demo (cmd/clausewatch-demo): offline, under a minute, leaves nothing running.
demo: ## offline demo: local fixture pages, a timeline of changes, report, status matrix, email in mailpit
	go run ./cmd/clausewatch-demo
# --- end demo

PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64

release: ## cross-build stamped binaries into dist/ (linux, darwin; amd64, arm64) with SHA-256 sums
	@rm -rf dist && mkdir -p dist
	@set -e; for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; out=dist/clausewatch-$(VERSION)-$$os-$$arch; \
	  echo "build $$out"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -ldflags '$(LDFLAGS)' -o $$out ./cmd/clausewatch; \
	done
	@cd dist && sha256sum clausewatch-* > SHA256SUMS && cat SHA256SUMS

clean:
	rm -rf bin dist bench-report.txt
