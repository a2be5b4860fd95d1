package function_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/underhood-dev/underhood/constructs/function"
)

// benchBuild is one function build, as NewFunction runs it.
type benchBuild struct {
	Runtime function.Runtime
	Source  string
	Handler string
	Bundle  function.NodeBundle
}

func (f benchBuild) run(out string) error {
	switch f.Runtime {
	case function.RuntimeNodejs:
		_, err := function.BundleNode(f.Source, f.Handler, out, f.Bundle)
		return err
	case function.RuntimePython:
		return function.BuildPython(f.Source, out)
	}
	return function.BuildGo(f.Source, out)
}

// benchEnv names the build a child process of the test binary runs once (see TestMain).
const benchEnv = "UNDERHOOD_BENCH_BUILD"

// runOnceAndExit is the child's side: one build in a fresh process, its duration in nanoseconds on
// stdout.
func runOnceAndExit(spec string) {
	var f benchBuild
	if err := json.Unmarshal([]byte(spec), &f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out, err := os.MkdirTemp("", "bench-build-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer os.RemoveAll(out)
	start := time.Now()
	err = f.run(out)
	d := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(d.Nanoseconds())
}

// BenchmarkBuild times each kind of function's build. ns/op is warm: the same build repeated in one
// process. cold-ms is the first build in a fresh process (a child of the test binary), which is what
// one underhood synth pays per function; the machine's file cache is warm in both.
//
//	go test ./constructs/function -run XXX -bench Build -benchtime 20x
//
// The heavy case bundles the AWS SDK's Kinesis client from clienttest's node_modules
// (npm ci --prefix clienttest).
func BenchmarkBuild(b *testing.B) {
	heavy := filepath.Join(b.TempDir(), "kinesis")
	if err := os.MkdirAll(heavy, 0o755); err != nil {
		b.Fatal(err)
	}
	modules, err := filepath.Abs("../../clienttest/node_modules")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(modules, "@aws-sdk", "client-kinesis")); err != nil {
		b.Fatalf("%v: run npm ci --prefix clienttest", err)
	}
	if err := os.Symlink(modules, filepath.Join(heavy, "node_modules")); err != nil {
		b.Fatal(err)
	}
	code := "import { KinesisClient, ListStreamsCommand } from \"@aws-sdk/client-kinesis\";\n" +
		"const client = new KinesisClient({});\n" +
		"export const handler = async () => (await client.send(new ListStreamsCommand({}))).StreamNames;\n"
	if err := os.WriteFile(filepath.Join(heavy, "index.mjs"), []byte(code), 0o644); err != nil {
		b.Fatal(err)
	}
	wheels := b.TempDir()
	writeWheel(b, wheels, "tinycalc", "py3-none-any")
	b.Setenv("PIP_NO_INDEX", "1")
	b.Setenv("PIP_FIND_LINKS", wheels)

	cases := []struct {
		name string
		f    benchBuild
	}{
		{"nodejs/photoshare-welcome", benchBuild{Runtime: function.RuntimeNodejs, Source: "../../examples/photoshare/functions/welcome", Handler: "index.handler"}},
		{"nodejs/typescript-with-package", benchBuild{Runtime: function.RuntimeNodejs, Source: tsSrc, Handler: "index.handler"}},
		{"nodejs/typescript-sourcemap-minify", benchBuild{Runtime: function.RuntimeNodejs, Source: tsSrc, Handler: "index.handler",
			Bundle: function.NodeBundle{SourceMap: true, Minify: true}}},
		{"nodejs/aws-sdk-kinesis-bundled", benchBuild{Runtime: function.RuntimeNodejs, Source: heavy, Handler: "index.handler",
			Bundle: function.NodeBundle{External: []string{}}}},
		{"python/userpool-only-notes", benchBuild{Runtime: function.RuntimePython, Source: "../../examples/userpool-only/functions/notes"}},
		{"python/requirements-one-wheel", benchBuild{Runtime: function.RuntimePython, Source: pyReq}},
		{"go/photoshare-photos", benchBuild{Runtime: function.RuntimeGo, Source: "../../examples/photoshare/functions/photos"}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			spec, err := json.Marshal(tc.f)
			if err != nil {
				b.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), benchEnv+"="+string(spec))
			got, err := cmd.Output()
			if err != nil {
				b.Fatalf("cold build: %v", err)
			}
			cold, err := strconv.ParseInt(strings.TrimSpace(string(got)), 10, 64)
			if err != nil {
				b.Fatalf("cold build printed %q", got)
			}
			out := b.TempDir()
			for b.Loop() {
				if err := tc.f.run(out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cold)/1e6, "cold-ms")
		})
	}
}
