// Package faketrainer is a training command for tests of lossexp's
// trainer: section: a deterministic, dependency-free program that speaks
// the metrics.jsonl protocol, and misbehaves on request. A test binary
// becomes the program when Env is set, with
//
//	func TestMain(m *testing.M) { faketrainer.TestMain(m) }
//
// and a spec runs it with command: [<test binary>, <mode>, …] and
// env: {FAKE_LOSSEXP_TRAINER: "1"}.
package faketrainer
