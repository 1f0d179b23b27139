# clausewatch — build, run, test, benchmark, lint.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/clausewatch/clausewatch/internal/cli.Version=$(VERSION)
BIN     := bin/clausewatch

.PHONY: build run test bench eval lint clean demo

build: ## build bin/clausewatch with the version stamped in
	go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/clausewatch

run: ## check every bundled source into snapshots/clausewatch.db
	go run ./cmd/clausewatch check

test: ## the whole test suite, with the race detector
	go test -race -count=1 ./...

bench: ## the check-run benchmarks; prints a report (see internal/bench)
	go test -run '^$$' -bench . -benchtime 1x -count 1 -timeout 30m ./internal/bench/ 2>&1 | tee bench-report.txt

eval: ## the sentence evaluation suite: precision and recall per attribute
	go test -count=1 -run 'TestSuite$$' -v ./internal/eval/ | grep -v '^=== RUN'

lint: ## vet and formatting
	go vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# --- demo (cmd/clausewatch-demo): offline, under a minute, leaves nothing running.
demo: ## offline demo: local fixture pages, a timeline of changes, report, status matrix, email in mailpit
	go run ./cmd/clausewatch-demo
# --- end demo

clean:
	rm -rf bin bench-report.txt
