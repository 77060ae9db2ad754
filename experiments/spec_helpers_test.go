package experiments

import (
	"strings"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

// mustParse parses in (as t.yaml) and fails the test on an error.
func mustParse(t *testing.T, in string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse(strings.NewReader(in), "t.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

// expectRefused parses src (as t.yaml) and checks that it is refused with
// an error mentioning every part of want.
func expectRefused(t *testing.T, src string, want ...string) {
	t.Helper()
	_, err := spec.Parse(strings.NewReader(src), "t.yaml")
	if err == nil {
		t.Fatal("spec accepted")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}
