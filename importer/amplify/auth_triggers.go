package amplify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// triggerOp is the Cognito operation (awsrules.TriggerOperations) of an amplify-cli trigger name: the
// operation capitalized, and PreSignup for preSignUp.
func triggerOp(name string) (string, bool) {
	for _, op := range awsrules.TriggerOperations {
		amp := strings.ToUpper(op[:1]) + op[1:]
		if op == "preSignUp" {
			amp = "PreSignup"
		}
		if amp == name {
			return op, true
		}
	}
	return "", false
}

// triggerConnection is one entry of cli-inputs.json authTriggerConnections.
type triggerConnection struct {
	TriggerType        string `json:"triggerType"`
	LambdaFunctionName string `json:"lambdaFunctionName"`
}

// triggerConnections reads authTriggerConnections in every shape amplify-cli wrote it: a list of
// objects, the whole list as one JSON-encoded string, or a list of JSON-encoded strings, one per
// trigger. What cannot be read is reported and left out; the import goes on.
func (a *authOut) triggerConnections(j jsonish) []triggerConnection {
	if !j.present() {
		return nil
	}
	field := "authTriggerConnections"
	var items []json.RawMessage
	if err := j.decode(a.file, a.data, fieldPath(a.prefix, field), &items); err != nil {
		a.res.approx("%s: %s is not a list of trigger connections (%v): the triggers' functions are found by name instead", a.file, field, err)
		return nil
	}
	var out []triggerConnection
	for i, raw := range items {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			raw = json.RawMessage(s) // one JSON-encoded string per connection
		}
		var c triggerConnection
		if err := json.Unmarshal(raw, &c); err != nil || c.TriggerType == "" {
			a.res.approx("%s: %s[%d] is not a trigger connection ({triggerType, lambdaFunctionName}): left out", a.file, field, i)
			continue
		}
		out = append(out, c)
	}
	return out
}

// readTriggers reads the Cognito triggers: each one's operation, its function (triggerFunction) and the
// pool actions amplify-cli granted that function.
func (b *builder) readTriggers(a *authOut, ref resourceRef, in authParams) error {
	triggers := map[string]json.RawMessage{}
	if in.Triggers.present() {
		if err := in.Triggers.decode(a.file, a.data, fieldPath(a.prefix, "triggers"), &triggers); err != nil {
			return err
		}
	}
	conns := a.triggerConnections(in.AuthTriggerConnections)
	perms, err := a.triggerPermissions(in)
	if err != nil {
		return err
	}
	encoded := ""
	if s := strings.TrimSpace(string(in.Triggers.raw)); strings.HasPrefix(s, `"`) {
		encoded = " (triggers is a JSON-encoded string)"
	}
	for _, key := range slices.Sorted(maps.Keys(triggers)) {
		op, ok := triggerOp(key)
		if !ok {
			a.res.approx("trigger %s is not a Cognito operation the spec knows; left out", key)
			continue
		}
		fnName := b.triggerFunction(a, ref, key, conns)
		f := b.fn(fnName)
		if !f.inSpec() {
			a.res.approx("trigger %s: its function %s is not in the spec (%s); left out", key, cmp.Or(fnName, "<"+a.amp+key+">"), "see the function's entry")
			continue
		}
		var modules []string
		_ = json.Unmarshal(triggers[key], &modules)
		src := a.src("triggers." + key)
		if len(modules) > 0 {
			src += " " + fmt.Sprint(modules)
		}
		src += encoded
		a.triggers = append(a.triggers, triggerOut{op, f.name, src})
		if acts := perms[key]; len(acts) > 0 {
			// amplify-cli grants a trigger these actions on the pool (the auth stack's policy for it).
			b.addCognito(f, acts, json.RawMessage(`{"Ref":"auth`+a.amp+`UserPoolId"}`), a.src("permissions ("+key+" trigger)"))
		}
	}
	return nil
}

// triggerFunction finds a trigger's function: authTriggerConnections (amplify-cli v7), else the
// function the auth resource depends on whose name ends with the trigger, else <auth><Trigger>.
func (b *builder) triggerFunction(a *authOut, ref resourceRef, key string, conns []triggerConnection) string {
	fnName := ""
	for _, c := range conns {
		if c.TriggerType == key {
			fnName = c.LambdaFunctionName
		}
	}
	if fnName == "" {
		for _, d := range ref.DependsOn {
			if d.Category == "function" && strings.HasSuffix(d.ResourceName, key) {
				fnName = d.ResourceName
			}
		}
	}
	if fnName == "" && b.fn(a.amp+key) != nil {
		fnName = a.amp + key
	}
	return fnName
}

// triggerPermissions are the role permissions amplify-cli gave trigger functions (permissions, JSON
// strings), by trigger.
func (a *authOut) triggerPermissions(in authParams) (map[string][]string, error) {
	perms := map[string][]string{}
	for i, p := range in.Permissions {
		var perm struct {
			Trigger string   `json:"trigger"`
			Actions []string `json:"actions"`
		}
		if err := p.decode(a.file, a.data, fieldPath(a.prefix, "permissions"), &perm); err != nil {
			return nil, fmt.Errorf("%w (entry %d)", err, i)
		}
		perms[perm.Trigger] = append(perms[perm.Trigger], perm.Actions...)
	}
	return perms, nil
}
