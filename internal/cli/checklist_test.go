package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/underhood-dev/underhood/spec"
)

// The first-deploy checklist names what each spec needs in the account, and nothing it does not need.
func TestFirstDeployChecklist(t *testing.T) {
	const extra = `
version: 1
app: shop
stages:
  dev: {}
  prod: { account: "123456789012", region: eu-central-1 }
auth:
  userPool:
    signInWith: [email, phone]
    standardAttributes: { email: required, phone_number: required }
    mfa: { mode: optional, methods: [sms, email] }
    emailSender: { from: no-reply@shop.example, sesRegion: eu-west-1 }
    hostedUI:
      domainPrefix: shop-${stage}
      callbackUrls: [https://shop.example/]
      logoutUrls: [https://shop.example/]
      scopes: [openid]
      providers:
        apple: { clientId: com.shop.web, teamId: TEAM123456, keyId: KEY1234567, privateKey: { secretsManager: shop/apple } }
`
	const existing = `
version: 1
app: adopt
stages:
  prod:
    region: eu-west-1
    existing: { userPool: { id: eu-west-1_AbC123xyz, clientId: 4g5h6j7k8l9m0n1p2q3r4s5t6u, domain: adopt.auth.eu-west-1.amazoncognito.com } }
auth:
  userPool:
    signInWith: [email]
    mfa: { mode: optional, methods: [sms] }
    standardAttributes: { phone_number: required }
    hostedUI:
      domainPrefix: adopt
      callbackUrls: [https://adopt.example/]
      logoutUrls: [https://adopt.example/]
      scopes: [openid]
      providers:
        google: { clientId: g, clientSecret: { secretsManager: adopt/google } }
`
	const secrets = `
version: 1
app: trig
stages: { dev: { region: eu-west-1 } }
functions:
  nightly:
    runtime: nodejs
    source: functions/catalog
    secrets:
      DB_URL: { ssmParameter: /trig/db }
      API_KEY: { secretsManager: trig/api }
  pay:
    runtime: nodejs
    source: functions/catalog
    secrets:
      KEY: { secretsManager: trig/api }
      WEBHOOK_KEY: { secretsManager: "arn:aws:secretsmanager:us-east-1:123456789012:secret:trig/webhook-AbC123" }
      OPENAI_KEY: { ssmParameter: "/trig/${stage}/openai", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
`
	tests := []struct {
		name, example, src, stage string
		want, not                 []string
	}{
		{"photoshare", "photoshare", "", "dev", []string{
			"stage dev: npx cdk bootstrap aws://ACCOUNT/REGION (the stage declares no account",
			"stage prod: npx cdk bootstrap aws://ACCOUNT/REGION",
			"Secrets Manager secret photoshare/google in the stack's region holding the client secret of identity provider google (JSON field clientSecret)",
			"hosted UI domain prefix photoshare-dev free",
			"API Gateway CloudWatch Logs role in the stack's region (API photos logs",
		}, []string{"SES", "SNS"}},
		{"iam-guest prod declares its region", "iam-guest", "", "prod", []string{
			"stage prod: npx cdk bootstrap aws://ACCOUNT/eu-west-1 (the stage declares no account",
			"API Gateway CloudWatch Logs role in eu-west-1 (API catalog logs",
		}, []string{"Secrets Manager", "hosted UI", "SES", "SNS"}},
		{"userpool-only has no secret", "userpool-only", "", "dev", []string{"hosted UI domain prefix notes-dev-auth free"},
			[]string{"Secrets Manager", "SES", "SNS"}},
		{"SES, SMS, an Apple key, a declared environment", "", extra, "prod", []string{
			"stage prod: npx cdk bootstrap aws://123456789012/eu-central-1\n",
			"stage dev: npx cdk bootstrap aws://ACCOUNT/REGION",
			"Secrets Manager secret shop/apple in eu-central-1 holding the private key of identity provider apple (the whole secret string)",
			"SES identity no-reply@shop.example verified in eu-west-1",
			"SNS SMS production access in eu-central-1",
			"hosted UI domain prefix shop-prod free in eu-central-1",
		}, []string{"CloudWatch Logs role"}},
		{"functions' secrets, once each with every reader", "", secrets, "dev", []string{
			"Secrets Manager secret trig/api in eu-west-1, read at run time by function nightly (API_KEY), function pay (KEY): the stack grants",
			"SSM parameter /trig/db (String or SecureString) in eu-west-1, read at run time by function nightly (DB_URL): the stack",
			"Secrets Manager secret arn:aws:secretsmanager:us-east-1:123456789012:secret:trig/webhook-AbC123 in us-east-1, read at run time by function pay (WEBHOOK_KEY):",
			"SSM parameter /trig/dev/openai (String or SecureString) in eu-west-1, read at run time by function pay (OPENAI_KEY), encrypted with the customer managed KMS key arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		}, []string{"trig/api in eu-west-1, read at run time by function pay", "identity provider", "SES", "SNS"}},
		{"an existing pool keeps its own settings", "", existing, "prod", []string{"stage prod: npx cdk bootstrap aws://ACCOUNT/eu-west-1"},
			[]string{"Secrets Manager", "hosted UI domain prefix", "SNS", "SES"}},
		{"custom domains: certificates, the parent A record, the DNS records", "customdomain", "", "prod", []string{
			"hosted UI custom domain auth.prod.example.com: ACM certificate arn:aws:acm:us-east-1:123456789012:certificate/0f3e5a7c-1111-2222-3333-444455556666 issued in us-east-1",
			"the parent domain of auth.prod.example.com resolving with a DNS A record",
			"a DNS alias or CNAME record of auth.prod.example.com pointing at the stack output HostedUIAliasTarget",
			"API custom domain api.prod.example.com: ACM certificate arn:aws:acm:eu-west-1:123456789012:certificate/9a8b7c6d-5555-4444-3333-222211110000 issued in eu-west-1",
			"alias record of api.prod.example.com pointing at the stack output DomainAdminAliasTarget in hosted zone DomainAdminAliasHostedZoneId",
		}, []string{"API custom domain api.prod.example.com: ACM certificate arn:aws:acm:eu-west-1:123456789012:certificate/9a8b7c6d-5555-4444-3333-222211110000 issued in eu-west-1 (the stack's region); after the deploy, a DNS alias record of api.prod.example.com pointing at the stack output DomainShop"}},
		{"no custom domain, no certificate", "userpool-only", "", "prod", nil, []string{"custom domain", "ACM certificate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var app *spec.App
			var err error
			if tt.example != "" {
				app, err = spec.Load(filepath.Join("..", "..", "examples", tt.example, "app.yaml"), tt.stage)
			} else {
				// The iam-guest example's folder holds functions/catalog.
				app, err = spec.Parse("app.yaml", filepath.Join("..", "..", "examples", "iam-guest"), []byte(tt.src), tt.stage)
			}
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			printChecklist(&b, app)
			got := b.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q in:\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("must not mention %q:\n%s", n, got)
				}
			}
		})
	}
}
