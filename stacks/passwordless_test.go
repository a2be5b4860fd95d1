package stacks_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// passwordlessSpec is a pool with the given auth.userPool lines added, in the passwordless example's
// folder (its functions exist there).
func passwordlessSpec(app, pool string) string {
	return fmt.Sprintf(`version: 1
app: %s
auth:
  userPool:
    signInWith: [email]
    hostedUI: { domainPrefix: %s-auth, callbackUrls: [https://app.example.com/] }
%s
functions:
  tokens: { runtime: nodejs, source: functions/tokens }
`, app, app, pool)
}

// TestPasswordlessTemplate checks, on the synthesized properties, what each passwordless and token
// setting makes of the pool and its app client.
func TestPasswordlessTemplate(t *testing.T) {
	type want struct {
		factors      []string // SignInPolicy.AllowedFirstAuthFactors; nil: no SignInPolicy
		rpID, uv     string   // WebAuthnRelyingPartyID, WebAuthnUserVerification ("": absent)
		tier         string   // UserPoolTier
		userAuth     bool     // ALLOW_USER_AUTH in the client's ExplicitAuthFlows
		tokenTrigger string   // LambdaConfig key of the pre token generation trigger ("": none)
		tokenVersion string   // its LambdaVersion ("": a plain ARN)
		smsRole      bool     // SmsConfiguration present
	}
	cases := []struct {
		name, spec string
		want       want
	}{
		{"example: every factor, v2 trigger", "", want{
			factors: []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"}, rpID: "keyless.example.com", uv: "required",
			tier: "ESSENTIALS", userAuth: true, tokenTrigger: "PreTokenGenerationConfig", tokenVersion: "V2_0", smsRole: true}},
		{"passkeys only, plus plan, v1 trigger", passwordlessSpec("pk", `    featurePlan: plus
    passwordless: { passkeys: { relyingPartyId: example.com } }
    triggers: { preTokenGeneration: tokens }`), want{
			factors: []string{"PASSWORD", "WEB_AUTHN"}, rpID: "example.com", uv: "preferred",
			tier: "PLUS", userAuth: true, tokenTrigger: "PreTokenGeneration"}},
		{"SMS codes only: phone verified, SMS role", passwordlessSpec("sms", `    standardAttributes: { phone_number: optional }
    passwordless: { smsOTP: true, preferred: sms-otp }`), want{
			factors: []string{"PASSWORD", "SMS_OTP"}, tier: "ESSENTIALS", userAuth: true, smsRole: true}},
		{"no passwordless, lite plan", passwordlessSpec("lite", `    featurePlan: lite`), want{tier: "LITE"}},
	}
	tpls := map[string]*template{"": exampleTemplates(t)["passwordless"]}
	var apps []*spec.App
	for _, c := range cases {
		if c.spec == "" {
			continue
		}
		app, err := spec.Parse("app.yaml", filepath.Join("..", "examples", "passwordless"), []byte(c.spec), "prod")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		apps = append(apps, app)
	}
	raw := synthApps(t, apps)
	for i, c := range cases[1:] {
		tpls[c.spec] = parseTemplate(t, raw[apps[i].StackName()])
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp := tpls[c.spec]
			pools, clients := tp.ofType("AWS::Cognito::UserPool"), tp.ofType("AWS::Cognito::UserPoolClient")
			if len(pools) != 1 || len(clients) != 1 {
				t.Fatalf("%d pools and %d clients, want one each", len(pools), len(clients))
			}
			pool, client := tp.Resources[pools[0]].Properties, tp.Resources[clients[0]].Properties
			var got want
			if pol, ok := pool["Policies"].(map[string]any)["SignInPolicy"].(map[string]any); ok {
				for _, f := range pol["AllowedFirstAuthFactors"].([]any) {
					got.factors = append(got.factors, f.(string))
				}
			}
			got.rpID, _ = pool["WebAuthnRelyingPartyID"].(string)
			got.uv, _ = pool["WebAuthnUserVerification"].(string)
			got.tier, _ = pool["UserPoolTier"].(string)
			for _, f := range client["ExplicitAuthFlows"].([]any) {
				got.userAuth = got.userAuth || f == "ALLOW_USER_AUTH"
			}
			if lc, ok := pool["LambdaConfig"].(map[string]any); ok {
				for _, key := range []string{"PreTokenGeneration", "PreTokenGenerationConfig"} {
					v, ok := lc[key].(map[string]any)
					if !ok {
						continue
					}
					got.tokenTrigger = key // a plain ARN ({"Fn::GetAtt": ...}) or { LambdaArn, LambdaVersion }
					if ver, ok := v["LambdaVersion"].(string); ok {
						got.tokenVersion = ver
					}
				}
			}
			_, got.smsRole = pool["SmsConfiguration"]
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
			if !slices.Contains(clientFlows(client), "ALLOW_USER_SRP_AUTH") {
				t.Errorf("the client lost ALLOW_USER_SRP_AUTH (password sign-in with Amplify's default flow): %v", clientFlows(client))
			}
		})
	}
}

func clientFlows(client map[string]any) []string {
	var out []string
	for _, f := range client["ExplicitAuthFlows"].([]any) {
		out = append(out, f.(string))
	}
	return out
}
