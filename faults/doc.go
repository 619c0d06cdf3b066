// Package faults holds warroom's fault tests (issue 8, docs/faults.md): the real
// bin/warroom binary, run as a subprocess against the in-repo fake Slack, is killed with
// SIGKILL under load, cut off from Slack by an outage, fed forged and malformed requests,
// and starved of disk.
//
// The tests are behind the "faults" build tag so `go test ./...` stays fast; run them with
// `make faults` (which builds bin/warroom first). This file only gives the package a name
// when the tag is off.
package faults
