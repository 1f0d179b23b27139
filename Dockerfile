# clausewatch in a container: a static binary on a small Debian base, the
# database on a volume, `watch` as the default command.
#
#   docker build -t clausewatch .                              # without a browser
#   docker build -t clausewatch --build-arg BROWSER=chromium . # with Chromium for render: browser sources
#   docker run -d --name clausewatch -v clausewatch-data:/data clausewatch
#   docker run --rm -v clausewatch-data:/data clausewatch status --vendor anthropic
#
# The default command checks every bundled source once a day; override it
# with any clausewatch command line (the entry point is the binary).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/clausewatch/clausewatch/internal/cli.Version=${VERSION}" \
      -o /out/clausewatch ./cmd/clausewatch

FROM debian:bookworm-slim
# BROWSER=chromium installs Debian's Chromium for sources declared with
# `render: browser`; without it those sources fail with a clear message.
ARG BROWSER=
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata ${BROWSER} \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /data --shell /usr/sbin/nologin clausewatch \
 && mkdir -p /data && chown clausewatch /data
COPY --from=build /out/clausewatch /usr/local/bin/clausewatch
USER clausewatch
WORKDIR /data
ENV CLAUSEWATCH_DB=/data/clausewatch.db
VOLUME ["/data"]
ENTRYPOINT ["clausewatch"]
CMD ["watch", "--every", "24h"]
