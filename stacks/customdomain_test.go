package stacks_test

import (
	"reflect"
	"slices"
	"testing"
)

// The customdomain example's custom domains, as the template says them: the certificates by reference
// (no ACM resource), the hosted UI's domain beside the prefix domain and retained as Cognito state, a
// regional TLS 1.2 API domain shared by two APIs under their base paths, and the outputs the DNS
// records and the SPA's configuration need. Expected values are the spec's (examples/customdomain).
func TestCustomDomainTemplate(t *testing.T) {
	const (
		authCert = "arn:aws:acm:us-east-1:123456789012:certificate/0f3e5a7c-1111-2222-3333-444455556666"
		apiCert  = "arn:aws:acm:eu-west-1:123456789012:certificate/9a8b7c6d-5555-4444-3333-222211110000"
	)
	tp := exampleTemplates(t)["customdomain"]
	app := loadExample(t, "customdomain", "prod", nil)
	if got := app.Auth.UserPool.HostedUI.CustomDomain.Certificate; got != authCert {
		t.Fatalf("the example's hosted UI certificate is %s; update the test", got)
	}

	if ids := tp.ofType("AWS::CertificateManager::Certificate"); len(ids) > 0 {
		t.Errorf("certificates are referenced, never created; the template creates %v", ids)
	}

	// Hosted UI: the prefix domain and the custom domain, both retained in this retain stage.
	var custom string
	prefixes := 0
	for _, id := range tp.ofType("AWS::Cognito::UserPoolDomain") {
		r := tp.Resources[id]
		if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
			t.Errorf("domain %s: DeletionPolicy %q UpdateReplacePolicy %q, want Retain", id, r.DeletionPolicy, r.UpdateReplacePolicy)
		}
		cfg, ok := r.Properties["CustomDomainConfig"].(map[string]any)
		if !ok {
			prefixes++
			if r.Properties["Domain"] != "shop-prod-auth" {
				t.Errorf("prefix domain %s: Domain %v", id, r.Properties["Domain"])
			}
			continue
		}
		custom = id
		if cfg["CertificateArn"] != authCert {
			t.Errorf("custom domain %s: CertificateArn %v, want %s", id, cfg["CertificateArn"], authCert)
		}
		if r.Properties["Domain"] != "auth.prod.example.com" {
			t.Errorf("custom domain %s: Domain %v, want auth.prod.example.com", id, r.Properties["Domain"])
		}
	}
	if custom == "" || prefixes != 1 {
		t.Fatalf("want one prefix and one custom UserPoolDomain; custom %q, %d prefix", custom, prefixes)
	}

	// The API domain: regional, TLS 1.2, the certificate of the stack's region.
	domains := tp.ofType("AWS::ApiGateway::DomainName")
	if len(domains) != 1 {
		t.Fatalf("want one API domain name for the two APIs sharing it, got %v", domains)
	}
	dom := tp.Resources[domains[0]].Properties
	for key, want := range map[string]any{
		"DomainName":             "api.prod.example.com",
		"RegionalCertificateArn": apiCert,
		"SecurityPolicy":         "TLS_1_2",
		"EndpointConfiguration":  map[string]any{"Types": []any{"REGIONAL"}},
	} {
		if !reflect.DeepEqual(dom[key], want) {
			t.Errorf("API domain %s = %v, want %v", key, dom[key], want)
		}
	}
	if _, edge := dom["CertificateArn"]; edge {
		t.Error("API domain has an edge CertificateArn")
	}

	// One mapping per API: its base path, its RestApi and that API's own stage.
	stageOf := map[string]string{}
	for _, id := range tp.ofType("AWS::ApiGateway::Stage") {
		stageOf[refOf(tp.Resources[id].Properties["RestApiId"])] = id
	}
	wantPaths := map[string]string{"admin": "admin", "shop": "v1"}
	var got []string
	for _, id := range tp.ofType("AWS::ApiGateway::BasePathMapping") {
		p := tp.Resources[id].Properties
		api := refOf(p["RestApiId"])
		if refOf(p["DomainName"]) != domains[0] {
			t.Errorf("mapping %s: DomainName %v, want a Ref to %s", id, p["DomainName"], domains[0])
		}
		if stage := refOf(p["Stage"]); stage == "" || stage != stageOf[api] {
			t.Errorf("mapping %s: Stage %v, want a Ref to %s, the stage of %s", id, p["Stage"], stageOf[api], api)
		}
		name, _ := tp.Resources[api].Properties["Name"].(string)
		got = append(got, name+" "+p["BasePath"].(string))
	}
	slices.Sort(got)
	if want := []string{"shop-prod-admin " + wantPaths["admin"], "shop-prod-shop " + wantPaths["shop"]}; !reflect.DeepEqual(got, want) {
		t.Errorf("mappings (API name, base path) %v, want %v", got, want)
	}

	// Outputs: the SPA's hosted UI domain and API URL, and the DNS targets.
	for key, want := range map[string]any{
		"HostedUIDomain":               "auth.prod.example.com",
		"HostedUIAliasTarget":          map[string]any{"Fn::GetAtt": []any{custom, "CloudFrontDistribution"}},
		"DomainShopUrl":                "https://api.prod.example.com/v1/",
		"DomainAdminUrl":               "https://api.prod.example.com/admin/",
		"DomainShopAliasTarget":        map[string]any{"Fn::GetAtt": []any{domains[0], "RegionalDomainName"}},
		"DomainShopAliasHostedZoneId":  map[string]any{"Fn::GetAtt": []any{domains[0], "RegionalHostedZoneId"}},
		"DomainAdminAliasTarget":       map[string]any{"Fn::GetAtt": []any{domains[0], "RegionalDomainName"}},
		"DomainAdminAliasHostedZoneId": map[string]any{"Fn::GetAtt": []any{domains[0], "RegionalHostedZoneId"}},
	} {
		if got := tp.Outputs[key]["Value"]; !reflect.DeepEqual(got, want) {
			t.Errorf("output %s = %v, want %v", key, got, want)
		}
	}
}
