package auth

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// TestSettersFollowAWSRules: the construct names Cognito's attributes and trigger operations by the
// lists in awsrules, so they cannot drift apart: every name there has a setter (or operation), each
// setter sets a field of CDK's struct no other one sets, and there is no setter for a name the list
// lacks.
func TestSettersFollowAWSRules(t *testing.T) {
	// setStandard and setMapping apply a setter with a non-nil value and return CDK's struct.
	setStandard := func(name string) (any, bool) {
		set, ok := standardAttrSetters[name]
		var s awscognito.StandardAttributes
		if ok {
			set(&s, &awscognito.StandardAttribute{})
		}
		return s, ok
	}
	setMapping := func(name string) (any, bool) {
		set, ok := mappingSetters[name]
		var m awscognito.AttributeMapping
		if ok {
			set(&m, stubAttribute{})
		}
		return m, ok
	}
	for _, tc := range []struct {
		what  string
		set   func(name string) (any, bool)
		names []string // every name the setters must cover
		keys  []string // every name the setters have
	}{
		{"standard attributes", setStandard, awsrules.StandardAttributes, keys(standardAttrSetters)},
		// A provider maps standard attributes, and email_verified, which Cognito manages.
		{"provider attribute mapping", setMapping, append(slices.Clone(awsrules.StandardAttributes), "email_verified"), keys(mappingSetters)},
	} {
		t.Run(tc.what, func(t *testing.T) {
			byField := map[string]string{}
			for _, name := range tc.names {
				s, ok := tc.set(name)
				if !ok {
					t.Errorf("%s has no setter", name)
					continue
				}
				fields := setFields(s)
				if len(fields) != 1 {
					t.Errorf("the setter of %s sets %v, want exactly one field", name, fields)
					continue
				}
				if other, dup := byField[fields[0]]; dup {
					t.Errorf("the setters of %s and %s both set %s", other, name, fields[0])
				}
				byField[fields[0]] = name
			}
			for _, k := range tc.keys {
				if !slices.Contains(tc.names, k) {
					t.Errorf("setter for %q, which is not in the awsrules list", k)
				}
			}
		})
	}
	if got, want := keys(triggerOps), slices.Sorted(slices.Values(awsrules.TriggerOperations)); !slices.Equal(got, want) {
		t.Errorf("trigger operations %v, want awsrules.TriggerOperations %v", got, want)
	}
}

// stubAttribute is a non-nil awscognito.ProviderAttribute (the setters only store it).
type stubAttribute struct{ awscognito.ProviderAttribute }

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// setFields names the fields of struct s that are set (not nil).
func setFields(s any) []string {
	v := reflect.ValueOf(s)
	var out []string
	for i := range v.NumField() {
		if f := v.Field(i); (f.Kind() == reflect.Pointer || f.Kind() == reflect.Interface) && !f.IsNil() {
			out = append(out, v.Type().Field(i).Name)
		}
	}
	return out
}
