// Package templates holds the files underhood writes from templates, embedded and parsed once.
package templates

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
)

//go:embed init/*.tmpl
var files embed.FS

// Parsed once at start-up: a template that does not parse panics every binary importing the package,
// test binaries included. This package's test renders only package.json and package-lock.json
// (TestCDKCLIPin); the other starter files are rendered by internal/cli's TestInitThenValidate and
// cmd/underhood's TestInitThenCDKSynth, and the config modules by emit's golden tests.
var all = template.Must(template.New("").Option("missingkey=error").ParseFS(files, "init/*.tmpl"))

// InitData fills the starter project that underhood init writes.
type InitData struct {
	App    string     // app name, from the folder name
	CDKCLI NPMPackage // the aws-cdk CLI the project pins
}

// NPMPackage is an npm package as package-lock.json records it.
type NPMPackage struct {
	Version, Integrity, License string
	Bin                         string // the path of its one binary
	NodeEngine                  string // its engines.node
}

// InitFiles are the starter files, in the order they are written: path (slash-separated) and template.
var InitFiles = []struct{ Path, Template string }{
	{"app.yaml", "app.yaml.tmpl"},
	{"cdk.json", "cdk.json.tmpl"},
	{"package.json", "package.json.tmpl"},
	{"package-lock.json", "package-lock.json.tmpl"},
	{".gitignore", "gitignore.tmpl"},
	{"functions/hello/index.mjs", "hello.mjs.tmpl"},
}

// Render executes one template.
func Render(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := all.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

//go:embed config/*.tmpl
var configFiles embed.FS

// configAll holds the frontend configuration modules that underhood config writes. `json` quotes a
// value as a JSON (and so JavaScript) literal.
var configAll = template.Must(template.New("").Option("missingkey=error").Funcs(template.FuncMap{
	"json": func(v any) (string, error) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSuffix(buf.String(), "\n"), nil
	},
}).ParseFS(configFiles, "config/*.tmpl"))

// RenderConfig executes one frontend configuration template (config/<name>).
func RenderConfig(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := configAll.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
