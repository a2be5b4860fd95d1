package spec_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/internal/spectest"
	"github.com/underhood-dev/underhood/spec"
)

var update = flag.Bool("update", false, "rewrite golden files")

var stageFlag = regexp.MustCompile(`\A# --stage (\S+)\n`)

// TestInvalidSpecs loads every spec under testdata/invalid and compares the error output with its
// .golden file. Each spec must fail, and every line must carry FILE:LINE:COL.
func TestInvalidSpecs(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("want at least 25 invalid specs, have %d", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			stage := ""
			if strings.Contains(file, "stage-") {
				stage = "staging"
			}
			// A fixture may name the stage it is loaded for in its first line: "# --stage NAME".
			if data, err := os.ReadFile(file); err == nil {
				if m := stageFlag.FindSubmatch(data); m != nil {
					stage = string(m[1])
				}
			}
			app, err := spec.Load(file, stage)
			if err == nil {
				t.Fatalf("loaded without error: %+v", app)
			}
			got := err.Error() + "\n"
			// A spec that cannot be read at all (a folder, a symlink loop) has no line to point at: its one
			// problem is FILE: message. Every other problem is FILE:LINE:COL: message.
			_, readErr := os.ReadFile(file)
			for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
				switch {
				case readErr != nil:
					if !strings.HasPrefix(line, file+": ") {
						t.Errorf("line lacks FILE: %q", line)
					}
				case !strings.HasPrefix(line, file+":") || strings.Count(line, ":") < 3:
					t.Errorf("line lacks FILE:LINE:COL: %q", line)
				}
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./spec -update)", err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestExamplesAreValid loads every bundled example at every stage it declares.
func TestExamplesAreValid(t *testing.T) {
	files, _ := filepath.Glob("../examples/*/app.yaml")
	if len(files) < 3 {
		t.Fatalf("want at least 3 examples, found %d", len(files))
	}
	for _, file := range files {
		for _, stage := range []string{"dev", "prod"} {
			app, err := spec.Load(file, stage)
			if err != nil {
				t.Errorf("%s (stage %s):\n%v", file, stage, err)
				continue
			}
			if app.Stage != stage {
				t.Errorf("%s: stage %q, want %q", file, app.Stage, stage)
			}
		}
	}
}

func TestStages(t *testing.T) {
	tests := []struct {
		stage       string
		wantRemoval spec.Removal
		wantDomain  string
	}{
		{"", spec.RemovalDestroy, "photoshare-dev"},
		{"dev", spec.RemovalDestroy, "photoshare-dev"},
		{"prod", spec.RemovalRetain, "photoshare-prod"},
	}
	for _, tt := range tests {
		app, err := spec.Load("../examples/photoshare/app.yaml", tt.stage)
		if err != nil {
			t.Fatal(err)
		}
		if app.Removal != tt.wantRemoval {
			t.Errorf("stage %q: removal %q, want %q", tt.stage, app.Removal, tt.wantRemoval)
		}
		if got := app.Auth.UserPool.HostedUI.DomainPrefix; got != tt.wantDomain {
			t.Errorf("stage %q: domain prefix %q, want %q (${stage} substitution)", tt.stage, got, tt.wantDomain)
		}
	}
	if _, err := spec.Load("../examples/photoshare/app.yaml", "qa"); err == nil || !strings.Contains(err.Error(), `stage "qa" is not declared`) {
		t.Errorf("undeclared stage: got %v", err)
	}
}

// TestDefaultsRetain: with no stages declared, stateful resources are retained.
func TestDefaultsRetain(t *testing.T) {
	app, err := spec.Parse("min.yaml", ".", []byte("version: 1\napp: tiny\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if app.Removal != spec.RemovalRetain || app.Stage != "dev" {
		t.Errorf("got removal %q stage %q, want retain and dev", app.Removal, app.Stage)
	}
}

// TestReorderedSpecSameModel: order in the YAML never changes the resolved app.
func TestReorderedSpecSameModel(t *testing.T) {
	for _, name := range []string{"photoshare", "userpool-only", "iam-guest", "customdomain"} {
		dir := "../examples/" + name
		data, err := os.ReadFile(dir + "/app.yaml")
		if err != nil {
			t.Fatal(err)
		}
		want, err := spec.Parse("app.yaml", dir, data, "prod")
		if err != nil {
			t.Fatal(err)
		}
		reordered := spectest.Reversed(t, data)
		if bytes.Equal(reordered, data) {
			t.Fatalf("%s: reordering changed nothing", name)
		}
		got, err := spec.Parse("app.yaml", dir, reordered, "prod")
		if err != nil {
			t.Fatalf("%s reordered: %v", name, err)
		}
		// The hosted UI's URLs and scopes keep the spec's order (the SPA's configuration lists them so):
		// reversed in the YAML, reversed in the model. Nothing else may differ.
		if h := want.Auth.UserPool.HostedUI; h != nil {
			g := got.Auth.UserPool.HostedUI
			for _, l := range []struct{ got, want []string }{{g.CallbackURLs, h.CallbackURLs}, {g.LogoutURLs, h.LogoutURLs}, {g.Scopes, h.Scopes}} {
				rev := slices.Clone(l.want)
				slices.Reverse(rev)
				if !slices.Equal(l.got, rev) {
					t.Errorf("%s: reversed list %v resolves to %v, want %v (spec order)", name, l.want, l.got, rev)
				}
			}
			g.CallbackURLs, g.LogoutURLs, g.Scopes = h.CallbackURLs, h.LogoutURLs, h.Scopes
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: reordered spec resolves differently", name)
		}
	}
}

func TestSchemaIsCurrent(t *testing.T) {
	const path = "../schema/app.schema.json"
	got := spec.JSONSchema()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale; run go test ./spec -update and commit it", path)
	}
}

// TestTenMegabyteSpec: a huge file is refused up front with one clear error, without reading it all.
// It is generated here rather than committed; its expected output is golden like the others.
func TestTenMegabyteSpec(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yaml")
	line := []byte("# padding padding padding padding padding padding padding padding padding padding\n")
	data := append([]byte("version: 1\napp: huge\n"), bytes.Repeat(line, (10<<20)/len(line))...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := spec.Load(path, "")
	if err == nil {
		t.Fatal("a 10 MB spec loaded")
	}
	got := strings.ReplaceAll(err.Error(), path, "huge.yaml") + "\n"
	golden := "testdata/large/ten-megabytes.golden"
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := os.ReadFile(golden)
	if got != string(want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLocate: a spec element's field path leads to where it is written; an element the spec does not
// write leads to the nearest one that is.
func TestLocate(t *testing.T) {
	data, err := os.ReadFile("../examples/photoshare/app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want spec.Pos
	}{
		{"api.photos", spec.Pos{Line: 53, Col: 3}},
		{`api.photos.routes["DELETE /photos/{id}"]`, spec.Pos{Line: 61, Col: 7}},
		{"functions.photos", spec.Pos{Line: 41, Col: 3}},
		{"auth.userPool", spec.Pos{Line: 14, Col: 3}},
		{"api.photos.routes[\"PUT /nowhere\"]", spec.Pos{Line: 57, Col: 5}}, // routes:
		{"storage.nothing", spec.Pos{Line: 63, Col: 1}},
		{"", spec.Pos{Line: 1, Col: 1}},
	}
	for _, tt := range tests {
		if got := spec.Locate(data, tt.path); got != tt.want {
			t.Errorf("Locate(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
	if got := spec.Locate([]byte("{ not yaml"), "api.photos"); got != (spec.Pos{Line: 1, Col: 1}) {
		t.Errorf("Locate on broken YAML = %v, want 1:1", got)
	}
}
