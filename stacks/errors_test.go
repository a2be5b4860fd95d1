package stacks

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/spec"
)

// TestReraise: a CDK error raised while a spec element is built comes out of the builder as an
// *ElementError naming the element and its construct path, with CDK's whole message; with no element
// being built the panic goes on unchanged.
func TestReraise(t *testing.T) {
	build := func(element bool) (r any) {
		defer func() { r = recover() }()
		stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("shop-dev"), nil)
		b := &builder{app: &spec.App{Name: "shop", Stage: "dev"}}
		defer b.reraise()
		if element {
			b.at("storage.files", stack, "Files")
		}
		awss3.NewBucket(stack, jsii.String("Files"), &awss3.BucketProps{BucketName: jsii.String("Bad_Name")})
		return nil
	}
	r := build(true)
	var el *ElementError
	if err, _ := r.(error); !errors.As(err, &el) {
		t.Fatalf("recovered %T %v, want *ElementError", r, r)
	}
	if el.Path != "storage.files" || el.Construct != "shop-dev/Files" {
		t.Errorf("element %q at %q, want storage.files at shop-dev/Files", el.Path, el.Construct)
	}
	if msg := el.Err.Error(); !strings.Contains(msg, "Invalid S3 bucket name") || !strings.Contains(msg, "must start with a lowercase character") {
		t.Errorf("CDK's message lost lines: %q", msg)
	}
	if r := build(false); r == nil {
		t.Error("no panic without an element")
	} else if _, ok := r.(*ElementError); ok {
		t.Errorf("a panic outside any element became %v", r)
	}
}

// TestSpecPath maps construct paths to spec elements.
func TestSpecPath(t *testing.T) {
	app := &spec.App{Name: "shop", Stage: "dev",
		Functions: []spec.Function{{Name: "orders"}},
		Buckets:   []spec.Bucket{{Name: "files"}},
		Tables:    []spec.Table{{Name: "items"}},
		APIs: []spec.API{{Name: "main", Routes: []spec.Route{
			{Method: "GET", Path: "/orders/{id}"}, {Method: "GET", Path: "/"},
		}}},
	}
	tests := []struct{ construct, want string }{
		{"/shop-dev/Functions/orders/Function/Resource", "functions.orders"},
		{"shop-dev/Functions/nope/Function", ""},
		{"shop-dev/UserPool/Pool/Resource", "auth.userPool"},
		{"shop-dev/IdentityPool/GuestRole", "auth.identityPool"},
		{"shop-dev/Storage/files/Bucket/Resource", "storage.files"},
		{"shop-dev/Storage/items/Table", "storage.items"},
		{"shop-dev/Apis/main/Api/Default/orders/{id}/GET", `api.main.routes["GET /orders/{id}"]`},
		{"shop-dev/Apis/main/Api/Default/GET", `api.main.routes["GET /"]`},
		{"shop-dev/Apis/main/Routes|orders/Api/Default/orders/{id}/GET/Resource", `api.main.routes["GET /orders/{id}"]`},
		{"shop-dev/Apis/main/Api/Default/orders/POST", "api.main"},
		{"shop-dev/Apis/main/Api", "api.main"},
		{"shop-dev/Region", ""},
		{"other-dev/UserPool", ""},
		{"shop-dev", ""},
	}
	for _, tt := range tests {
		if got := SpecPath(app, tt.construct); got != tt.want {
			t.Errorf("SpecPath(%s) = %q, want %q", tt.construct, got, tt.want)
		}
	}
}
