package emit

import (
	"strings"

	"github.com/underhood-dev/underhood/templates"
)

// moduleData fills templates/config/amplify-config.tmpl.
type moduleData struct {
	Header        string
	OutputsImport string // module specifier of amplify_outputs.json
	TS            bool
	Stack         string
	APIs          []moduleAPI
}

// HasAPITokens reports whether any API carries a token on every call.
func (d moduleData) HasAPITokens() bool {
	for _, a := range d.APIs {
		if a.HeaderMode != "" {
			return true
		}
	}
	return false
}

type moduleAPI struct {
	Name, Endpoint, Region string
	Authorization          string // comma-joined modes, as the stack output
	Modes                  string // ", "-joined, for comments
	HeaderMode             string // token mode for a global Authorization header; empty: none
	Mixed                  bool
	Routes                 []moduleRoute
	Example                moduleRoute // the first route with a token mode, for the usage comment
	ExampleFunc            string      // aws-amplify/api function of Example.Method
}

type moduleRoute struct {
	Method, Path, Authorization string
}

var apiFuncs = map[string]string{"GET": "get", "POST": "post", "PUT": "put", "PATCH": "patch", "DELETE": "del", "HEAD": "head"}

// AmplifyConfigModule is the amplify-config wiring module, TypeScript or JavaScript.
// It imports amplify_outputs.json from its own folder.
func (c *Config) AmplifyConfigModule(ts bool) ([]byte, error) {
	return c.amplifyConfigModule(ts, "./amplify_outputs.json")
}

func (c *Config) amplifyConfigModule(ts bool, outputsImport string) ([]byte, error) {
	d := moduleData{Header: c.Header(), OutputsImport: outputsImport, TS: ts, Stack: c.Stack}
	for i := range c.APIs {
		api := &c.APIs[i]
		m := moduleAPI{
			Name: api.Name, Endpoint: api.Endpoint, Region: c.Region,
			Authorization: joinModes(api.Modes), Modes: strings.Join(api.Modes, ", "),
			HeaderMode: api.HeaderMode(), Mixed: api.Mixed(),
		}
		for _, r := range api.Routes {
			mr := moduleRoute{Method: r.Method, Path: r.Path, Authorization: r.Authorization}
			m.Routes = append(m.Routes, mr)
			if m.ExampleFunc == "" && (r.Authorization == "access-token" || r.Authorization == "id-token") {
				if f, ok := apiFuncs[r.Method]; ok {
					m.Example, m.ExampleFunc = mr, f
				}
			}
		}
		if m.Mixed && m.ExampleFunc == "" { // only ANY token routes: show a GET
			for _, r := range m.Routes {
				if r.Authorization == "access-token" || r.Authorization == "id-token" {
					m.Example, m.ExampleFunc = moduleRoute{Method: "GET", Path: r.Path, Authorization: r.Authorization}, "get"
					break
				}
			}
		}
		d.APIs = append(d.APIs, m)
	}
	return templates.RenderConfig("amplify-config.tmpl", d)
}
