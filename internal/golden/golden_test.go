package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// numbered is "1\n2\n...n\n" with the lines listed in change replaced.
func numbered(n int, change map[int]string) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if s, ok := change[i]; ok {
			b.WriteString(s + "\n")
			continue
		}
		fmt.Fprintf(&b, "%d\n", i)
	}
	return []byte(b.String())
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name      string
		want, got []byte
		diff      string
	}{
		{"equal", numbered(5, nil), numbered(5, nil), ""},
		{"one line changed, three lines of context", numbered(10, nil), numbered(10, map[int]string{5: "five"}),
			"@@ -2,7 +2,7 @@\n" +
				"   2  2 | 2\n" +
				"   3  3 | 3\n" +
				"   4  4 | 4\n" +
				"-  5    | 5\n" +
				"+     5 | five\n" +
				"   6  6 | 6\n" +
				"   7  7 | 7\n" +
				"   8  8 | 8\n"},
		{"line added at the top", []byte("a\nb\n"), []byte("x\na\nb\n"),
			"@@ -1,2 +1,3 @@\n" +
				"+   1 | x\n" +
				"  1 2 | a\n" +
				"  2 3 | b\n"},
		{"line removed: numbers on both sides drift", []byte("a\nb\nc\nd\n"), []byte("a\nc\nd\n"),
			"@@ -1,4 +1,3 @@\n" +
				"  1 1 | a\n" +
				"- 2   | b\n" +
				"  3 2 | c\n" +
				"  4 3 | d\n"},
		{"two distant changes, two hunks", numbered(20, nil), numbered(20, map[int]string{2: "two", 18: "eighteen"}),
			"@@ -1,5 +1,5 @@\n" +
				"   1  1 | 1\n" +
				"-  2    | 2\n" +
				"+     2 | two\n" +
				"   3  3 | 3\n" +
				"   4  4 | 4\n" +
				"   5  5 | 5\n" +
				"@@ -15,6 +15,6 @@\n" +
				"  15 15 | 15\n" +
				"  16 16 | 16\n" +
				"  17 17 | 17\n" +
				"- 18    | 18\n" +
				"+    18 | eighteen\n" +
				"  19 19 | 19\n" +
				"  20 20 | 20\n"},
		{"missing final newline", []byte("a\nb\n"), []byte("a\nb"),
			"@@ -1,2 +1,2 @@\n" +
				"  1 1 | a\n" +
				"- 2   | b\n" +
				"+   2 | b (no newline at end of file)\n"},
		{"trailing blank is shown quoted", []byte("a\n"), []byte("a \n"),
			"@@ -1,1 +1,1 @@\n" +
				"- 1   | a\n" +
				"+   1 | \"a \"\n"},
		{"empty golden", nil, []byte("new\n"),
			"@@ -0,0 +1,1 @@\n" +
				"+   1 | new\n"},
		{"long line cut", []byte(strings.Repeat("x", 250) + "\n"), []byte("y\n"),
			"@@ -1,1 +1,1 @@\n" +
				"- 1   | " + strings.Repeat("x", 200) + "... (50 more characters)\n" +
				"+   1 | y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diff(tt.want, tt.got); got != tt.diff {
				t.Errorf("Diff:\n%s\nwant:\n%s", got, tt.diff)
			}
		})
	}
}

// TestDiffShowsFortyChangedLines: a file rewritten from top to bottom shows its first 40 changed lines
// and counts the others, rather than two whole blobs.
func TestDiffShowsFortyChangedLines(t *testing.T) {
	var want, got strings.Builder
	for i := range 100 {
		fmt.Fprintf(&want, "old %d\n", i)
		fmt.Fprintf(&got, "new %d\n", i)
	}
	d := Diff([]byte(want.String()), []byte(got.String()))
	lines := strings.Split(strings.TrimSuffix(d, "\n"), "\n")
	if len(lines) != 42 || lines[0] != "@@ -1,100 +1,100 @@" || lines[1] != "-   1     | old 0" ||
		lines[40] != "-  40     | old 39" || lines[41] != "... and 160 more changed lines" {
		t.Errorf("diff of 100 changed lines:\n%s", d)
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "x.golden")
	if msg := check(path, []byte("a\n"), false); msg != "golden file "+path+" does not exist" {
		t.Errorf("missing golden: %q", msg)
	}
	// -update writes the file, creating its folder; then the same output matches.
	if msg := check(path, []byte("a\nb\n"), true); msg != "" {
		t.Fatalf("update: %s", msg)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "a\nb\n" {
		t.Fatalf("update wrote %q, %v", data, err)
	}
	if msg := check(path, []byte("a\nb\n"), false); msg != "" {
		t.Errorf("same output: %s", msg)
	}
	want := path + " differs from the golden file (- golden, + got):\n" +
		"@@ -1,2 +1,2 @@\n" +
		"  1 1 | a\n" +
		"- 2   | b\n" +
		"+   2 | c\n"
	if msg := check(path, []byte("a\nc\n"), false); msg != want {
		t.Errorf("mismatch:\n%s\nwant:\n%s", msg, want)
	}
	// Without -update a mismatch leaves the golden alone.
	if data, _ := os.ReadFile(path); string(data) != "a\nb\n" {
		t.Errorf("a failed comparison changed the golden to %q", data)
	}
}

// TestUpdateCommand: the failure names the command that rewrites this test's goldens, from the
// module root, and -update is the flag that command sets.
func TestUpdateCommand(t *testing.T) {
	if got, want := updateCommand(t), "go test ./internal/golden -run '^TestUpdateCommand$' -update"; got != want {
		t.Errorf("updateCommand = %q, want %q", got, want)
	}
	t.Run("sub", func(t *testing.T) {
		if got, want := updateCommand(t), "go test ./internal/golden -run '^TestUpdateCommand$' -update"; got != want {
			t.Errorf("in a subtest: %q, want %q", got, want)
		}
	})
	if f := flag.Lookup("update"); f == nil || f.DefValue != "false" {
		t.Errorf("-update is not a boolean flag of the test binary: %v", f)
	}
}
