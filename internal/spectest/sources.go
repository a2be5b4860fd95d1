package spectest

import (
	"os"
	"path/filepath"
	"testing"
)

// StubSources creates each function source folder (relative to dir, slash-separated) with a stand-in
// for the code each runtime's default handler needs (index.js, index.py, and a package main), for tests
// of specs whose real function code is not at hand (the Amplify corpus holds JSON files only): the
// validator refuses a handler whose file is not in its folder.
func StubSources(t testing.TB, dir string, sources []string) {
	t.Helper()
	stubs := map[string]string{
		"index.js": "exports.handler = async () => ({ statusCode: 200 });\n",
		"index.py": "def handler(event, context):\n    return {\"statusCode\": 200}\n",
		"main.go":  "package main\n\nfunc main() {}\n",
	}
	for _, src := range sources {
		folder := filepath.Join(dir, filepath.FromSlash(src))
		if err := os.MkdirAll(folder, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range stubs {
			if err := os.WriteFile(filepath.Join(folder, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
