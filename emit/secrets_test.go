package emit_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/underhood-dev/underhood/internal/secretscan"
)

// TestNoSecretsInConfig scans every generated frontend file: the browser gets ids and URLs, never a
// secret (an SPA cannot keep one).
func TestNoSecretsInConfig(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 15 {
		t.Fatalf("found %d generated files, want the 5 of each example", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, hit := range secretscan.Scan(data) {
			t.Errorf("%s: contains a %s at byte %d", f, hit.Pattern, hit.Offset)
		}
	}
}
