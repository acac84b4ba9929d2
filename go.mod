module github.com/doublerandom/doublerandom

go 1.26.0

require (
	github.com/cloudflare/circl v1.6.5
	github.com/google/go-cmp v0.7.0
	github.com/stretchr/testify v1.12.1
	github.com/transparency-dev/formats v0.1.1
	golang.org/x/mod v0.42.0
	golang.org/x/text v0.43.0
)

require (
	filippo.io/mldsa v0.0.0-20260215214346-43d0283efc3e // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/crypto v0.54.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)
