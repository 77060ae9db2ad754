# Minimal container for running lossexp shards (Kubernetes, or anywhere):
# a static pure-Go binary on a distroless base, running as non-root.
#   docker build -t lossexp:dev .
#   docker run --rm -v $PWD/results:/results lossexp:dev sweep /etc/lossexp/spec.yaml ...
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/lossexp . && /out/lossexp version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/lossexp /usr/local/bin/lossexp
COPY configs /etc/lossexp/configs
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/lossexp"]
