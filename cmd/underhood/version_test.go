package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// underhood version and --version print the versions go.mod requires and the aws-cdk CLI tools/ pins.
func TestVersion(t *testing.T) {
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	required := func(module string) string {
		m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(module) + ` v(\S+)`).FindSubmatch(gomod)
		if m == nil {
			t.Fatalf("go.mod does not require %s", module)
		}
		return string(m[1])
	}
	var tools struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	data, err := os.ReadFile("../../tools/package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &tools); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"underhood ",
		"\naws-cdk-lib " + required("github.com/aws/aws-cdk-go/awscdk/v2") + "\n",
		"\njsii " + required("github.com/aws/jsii-runtime-go") + "\n",
		"\naws-cdk CLI " + tools.DevDependencies["aws-cdk"] + " (tested with",
	}
	bin := underhoodBinary(t)
	var outputs []string
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(bin, arg).Output()
		if err != nil {
			t.Fatalf("underhood %s: %v", arg, err)
		}
		for _, w := range want {
			if !strings.Contains(string(out), w) {
				t.Errorf("underhood %s lacks %q:\n%s", arg, w, out)
			}
		}
		outputs = append(outputs, string(out))
	}
	if outputs[0] != outputs[1] {
		t.Errorf("version and --version differ:\n%s\n---\n%s", outputs[0], outputs[1])
	}
}
