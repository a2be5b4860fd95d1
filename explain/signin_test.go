package explain

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// TestSignInDiagram: a passwordless pool gets a sign-in sequence with one branch per enabled factor (and
// the hosted UI when it has one); a pool without passwordless gets none.
func TestSignInDiagram(t *testing.T) {
	const base = "version: 1\napp: shop\nauth:\n  userPool:\n"
	tests := []struct {
		name, pool string
		want, not  []string // lines in the sign-in diagram; nil want: no sign-in diagram at all
	}{
		{"passkeys only", "    passwordless: { passkeys: { relyingPartyId: localhost } }\n    hostedUI: { domainPrefix: shop, callbackUrls: [http://localhost:5173/] }\n",
			[]string{"alt password (SRP)", "else passkey", "rpId localhost", "user verification preferred", "else hosted UI"},
			[]string{"EMAIL_OTP", "SMS_OTP", "MFA challenge", "TokenGeneration"}},
		{"SMS codes, optional MFA, v1 trigger", "    signInWith: [phone]\n    mfa: { mode: optional, methods: [sms] }\n    passwordless: { smsOTP: true, preferred: sms-otp }\n    triggers: { preTokenGeneration: fn }\n",
			[]string{"else one-time code by SMS", "MFA challenge (sms) when MFA is optional", "preferred first factor: a one-time code by SMS"},
			[]string{"EMAIL_OTP", "WEB_AUTHN", "hosted UI", "TokenGeneration"}},
		{"email codes, v2 trigger", "    emailSender: { from: a@example.com }\n    passwordless: { emailOTP: true }\n    resourceServers: { api: { scopes: { read: Read } } }\n    triggers: { preTokenGeneration: { function: fn, version: v2, addsScopes: [api/read] } }\n",
			[]string{"else one-time code by email", "from a@example.com", "TokenGeneration event, version 2", "plus api/read if the trigger adds them"},
			[]string{"SMS_OTP", "WEB_AUTHN", "MFA challenge"}},
		{"no passwordless", "    signInWith: [email]\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := base + tt.pool + "functions:\n  fn: { runtime: nodejs, source: functions/tokens }\n"
			app, err := spec.Parse("app.yaml", filepath.Join("..", "examples", "passwordless"), []byte(src), "")
			if err != nil {
				t.Fatal(err)
			}
			var got *Diagram
			for _, d := range Diagrams(app) {
				if d.Name == "sign-in" {
					got = &d
				}
			}
			if tt.want == nil {
				if got != nil {
					t.Fatalf("a pool without passwordless got a sign-in diagram:\n%s", got.Source)
				}
				return
			}
			if got == nil {
				t.Fatal("no sign-in diagram")
			}
			for _, w := range tt.want {
				if !strings.Contains(got.Source, w) {
					t.Errorf("missing %q in\n%s", w, got.Source)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got.Source, n) {
					t.Errorf("unexpected %q in\n%s", n, got.Source)
				}
			}
		})
	}
}
