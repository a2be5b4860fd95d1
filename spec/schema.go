package spec

import (
	"encoding/json"
	"reflect"
	"strings"
)

// SchemaID is where editors find the schema; examples reference the committed copy by relative path.
const SchemaID = "https://github.com/underhood-dev/underhood/schema/app.schema.json"

// JSONSchema returns the JSON Schema (draft 2020-12) of app.yaml, generated from the decoder's types so
// the two cannot drift. encoding/json sorts map keys, so the output is deterministic.
func JSONSchema() []byte {
	s := schemaFor(reflect.TypeOf(rawSpec{}), "", "")
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["$id"] = SchemaID
	s["title"] = "underhood app spec"
	s["required"] = []string{"version", "app"}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(err) // only plain maps and strings above
	}
	return append(out, '\n')
}

func schemaFor(t reflect.Type, doc, enum string) map[string]any {
	s := map[string]any{}
	if doc != "" {
		s["description"] = doc
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeOf(rawRoute{}):
		obj := objectSchema(t)
		return map[string]any{"description": doc, "oneOf": []any{
			map[string]any{"type": "string", "description": "The function that handles the route."}, obj}}
	case reflect.TypeOf(rawTrigger{}):
		obj := objectSchema(t)
		obj["required"] = []string{"function"}
		return map[string]any{"oneOf": []any{
			map[string]any{"type": "string", "description": "The function that handles the trigger."}, obj}}
	case reflect.TypeOf(rawCustomAttr{}):
		obj := objectSchema(t)
		obj["required"] = []string{"type"}
		return map[string]any{"oneOf": []any{
			map[string]any{"type": "string", "description": "The attribute's type.", "enum": attrTypes}, obj}}
	case reflect.TypeOf(rawFunctionSecret{}):
		obj := objectSchema(t)
		obj["oneOf"] = []any{
			map[string]any{"required": []string{"secretsManager"}},
			map[string]any{"required": []string{"ssmParameter"}},
		}
		return withDoc(obj, doc)
	case reflect.TypeOf(rawEvent{}):
		obj := objectSchema(t)
		obj["oneOf"] = []any{
			map[string]any{"required": []string{"dynamodb"}},
			map[string]any{"required": []string{"s3", "on"}},
		}
		return withDoc(obj, doc)
	case reflect.TypeOf(rawAccess{}):
		return map[string]any{"description": doc, "type": "object",
			"properties": map[string]any{UserPoolAccessKey: map[string]any{
				"description": "Cognito actions on the app's user pool.", "type": "array",
				"items": map[string]any{"type": "string", "enum": CognitoUserPoolActions}}},
			"additionalProperties": map[string]any{"type": "array", "items": map[string]any{"type": "string",
				"enum": append([]string{"read", "write", "delete"}, GraphQLTypeActions()...)}}}
	case reflect.TypeOf(rawSecret{}):
		obj := objectSchema(t)
		obj["required"] = []string{"secretsManager"}
		obj["description"] = doc
		return obj
	}
	switch t.Kind() {
	case reflect.Struct:
		obj := objectSchema(t)
		for k, v := range s {
			obj[k] = v
		}
		return obj
	case reflect.Map:
		s["type"] = "object"
		s["additionalProperties"] = schemaFor(t.Elem(), "", enum)
	case reflect.Slice:
		s["type"] = "array"
		s["items"] = schemaFor(t.Elem(), "", enum)
	case reflect.String:
		s["type"] = "string"
		if enum != "" {
			s["enum"] = strings.Split(enum, ",")
		}
	case reflect.Int:
		s["type"] = "integer"
		if enum != "" {
			s["const"] = 1
		}
	case reflect.Bool:
		s["type"] = "boolean"
	}
	return s
}

func withDoc(obj map[string]any, doc string) map[string]any {
	if doc != "" {
		obj["description"] = doc
	}
	return obj
}

func objectSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("yaml")
		if name == "" {
			continue
		}
		props[name] = schemaFor(f.Type, f.Tag.Get("doc"), f.Tag.Get("enum"))
	}
	return map[string]any{"type": "object", "additionalProperties": false, "properties": props}
}
