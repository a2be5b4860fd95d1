package stacks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/underhood-dev/underhood/spec"
)

// ElementError is a CDK (JavaScript) error raised while New built the constructs of one spec element.
// jsii raises such errors as Go panics; New re-panics with an *ElementError, so the caller that
// recovers can say where in the spec the problem is.
type ElementError struct {
	Path      string // the element's field path in the spec: functions.photos, api.photos, ...
	Construct string // the construct path of the element: photoshare-dev/Functions/photos
	Err       error  // CDK's error, every line of it
}

func (e *ElementError) Error() string {
	return fmt.Sprintf("%s (%s): %v", e.Path, e.Construct, e.Err)
}

func (e *ElementError) Unwrap() error { return e.Err }

// at records that the constructs of the spec element at path are made next, under scope's child id.
func (b *builder) at(path string, scope constructs.IConstruct, id string) {
	b.building = &ElementError{Path: path, Construct: *scope.Node().Path() + "/" + id}
}

// reraise, deferred by New, turns a CDK error raised while a spec element was built into an
// *ElementError naming it; other panics go on unchanged.
func (b *builder) reraise() {
	r := recover()
	if r == nil {
		return
	}
	if b.building == nil {
		panic(r)
	}
	err, ok := r.(error)
	if !ok {
		err = fmt.Errorf("%v", r)
	}
	e := *b.building
	e.Err = err
	panic(&e)
}

// SpecPath maps a construct path of app's stack (as CDK names it in validation errors and
// annotations, with or without the leading "/") to the field path of the spec element it was built
// for: functions.<name>, auth.userPool, auth.identityPool, storage.<name>, api.<name>, or
// api.<name>.routes["METHOD /path"] for a route's method. It returns "" for a construct no spec element
// made (the stack itself, outputs, CDK's own helpers).
func SpecPath(app *spec.App, constructPath string) string {
	parts := strings.Split(strings.TrimPrefix(constructPath, "/"), "/")
	if len(parts) < 2 || parts[0] != app.StackName() {
		return ""
	}
	name := ""
	if len(parts) > 2 {
		name = parts[2]
	}
	switch parts[1] {
	case "UserPool":
		return "auth.userPool"
	case "IdentityPool":
		return "auth.identityPool"
	case "Functions":
		if slices.ContainsFunc(app.Functions, func(f spec.Function) bool { return f.Name == name }) {
			return "functions." + name
		}
	case "Storage":
		if slices.ContainsFunc(app.Buckets, func(b spec.Bucket) bool { return b.Name == name }) ||
			slices.ContainsFunc(app.Tables, func(t spec.Table) bool { return t.Name == name }) {
			return "storage." + name
		}
	case "Apis":
		for _, api := range app.APIs {
			if api.Name == name {
				if r := routeOf(api, parts[3:]); r != "" {
					return fmt.Sprintf("api.%s.routes[%q]", api.Name, r)
				}
				return "api." + api.Name
			}
		}
	}
	return ""
}

// routeOf finds the route whose method a construct path below an API's construct names: the
// resources after the API's root resource ("Default"), then the method. Methods of a split API's
// nested stacks are under its imported API's root, except those below a subtree top kept in the app
// stack (their path starts at that top, which is not known here): those map to the API.
func routeOf(api spec.API, below []string) string {
	below = slices.Clone(below)
	if n := len(below); n > 0 && below[n-1] == "Resource" { // the Method's CfnMethod, where cdk-nag reports
		below = below[:n-1]
	}
	i := slices.Index(below, "Default")
	if i < 0 || len(below) < i+2 {
		return ""
	}
	segs, method := below[i+1:len(below)-1], below[len(below)-1]
	key := method + " /" + strings.Join(segs, "/")
	for _, r := range api.Routes {
		if r.Key() == key {
			return key
		}
	}
	return ""
}
