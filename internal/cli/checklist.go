package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/underhood-dev/underhood/spec"
)

// firstDeployChecklist lists what must exist in the AWS account before the first cdk deploy of the app,
// none of which a stack can (or should) create: the CDK bootstrap stack of every stage's environment,
// the secrets the spec references, and the account-wide settings and sandboxes its resources depend on.
func firstDeployChecklist(app *spec.App) []string {
	region := "the stack's region"
	if app.Region != "" {
		region = app.Region
	}
	var out []string
	var boot []string
	for _, e := range app.Environments {
		account, where := e.Account, ""
		if account == "" {
			account = "ACCOUNT"
		}
		r := e.Region
		if r == "" {
			r = "REGION"
		}
		if e.Account == "" || e.Region == "" {
			where = " (the stage declares no " + map[bool]string{true: "account", false: "region"}[e.Account == ""] +
				": use the one the deploying credentials point at)"
		}
		boot = append(boot, fmt.Sprintf("stage %s: npx cdk bootstrap aws://%s/%s%s", e.Stage, account, r, where))
	}
	out = append(out, "CDK bootstrap, once per account and region (the CDK CLI deploys through it):\n      "+strings.Join(boot, "\n      "))

	var up *spec.UserPool
	if app.Auth != nil && app.Auth.UserPool != nil && app.Auth.UserPool.Existing == nil {
		up = app.Auth.UserPool // an existing pool keeps its own providers, domain, email and SMS settings
	}
	if up != nil && up.HostedUI != nil {
		for _, p := range up.HostedUI.Providers {
			for _, s := range []struct {
				ref  *spec.Secret
				what string
			}{{p.ClientSecret, "client secret"}, {p.PrivateKey, "private key"}} {
				if s.ref == nil {
					continue
				}
				field := "the whole secret string"
				if s.ref.JSONField != "" {
					field = "JSON field " + s.ref.JSONField
				}
				out = append(out, fmt.Sprintf("Secrets Manager secret %s in %s holding the %s of identity provider %s (%s); CloudFormation reads it at deploy",
					s.ref.SecretsManager, region, s.what, p.Name, field))
			}
		}
		out = append(out, fmt.Sprintf("hosted UI domain prefix %s free in %s: Cognito prefixes are unique across all AWS accounts, so the "+
			"deploy fails when another account holds it; then pick another domainPrefix", up.HostedUI.DomainPrefix, region))
	}
	if up != nil && up.EmailSender != nil {
		sesRegion := up.EmailSender.SESRegion
		if sesRegion == "" {
			sesRegion = region
		}
		out = append(out, fmt.Sprintf("SES identity %s verified in %s, and that account's SES out of the sandbox (in the sandbox SES only "+
			"delivers to verified addresses): Cognito sends the pool's email through it", up.EmailSender.From, sesRegion))
	}
	if up != nil && up.SendsSMS() {
		out = append(out, fmt.Sprintf("SNS SMS production access in %s: Cognito sends the pool's SMS codes through SNS, and an account in the "+
			"SNS SMS sandbox only delivers to verified numbers (raise the monthly SMS spending limit too)", region))
	}
	out = append(out, functionSecrets(app, region)...)
	var logged []string
	for _, a := range app.APIs {
		if a.AccessLogs {
			logged = append(logged, a.Name)
		}
	}
	if len(logged) > 0 {
		out = append(out, fmt.Sprintf("the account's API Gateway CloudWatch Logs role in %s (API %s logs; an account-wide setting underhood never changes): "+
			"aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN, with a role "+
			"trusting apigateway.amazonaws.com and the AmazonAPIGatewayPushToCloudWatchLogs policy; or accessLogs: false on the API",
			region, strings.Join(logged, ", ")))
	}
	out = append(out, customDomainChecklist(app)...)
	return out
}

// functionSecrets lists the Secrets Manager secrets and SSM parameters functions read (functions.<name>.secrets),
// one item each with every function that reads it: the stack grants reading them but never creates them,
// and a function whose secret is missing fails when it runs, not at deploy.
func functionSecrets(app *spec.App, region string) []string {
	type ref struct {
		what, where, kms string
		readers          []string
	}
	var refs []*ref
	byKey := map[string]*ref{}
	for _, fn := range app.Functions {
		for _, s := range fn.Secrets {
			what, where := "SSM parameter "+s.SSMParameter+" (String or SecureString)", region
			if s.SecretsManager != "" {
				what = "Secrets Manager secret " + s.SecretsManager
				if strings.HasPrefix(s.SecretsManager, "arn:") {
					where = strings.Split(s.SecretsManager, ":")[3] // a full ARN names its region
				}
			}
			key := what + "\x00" + where + "\x00" + s.KMSKey
			r := byKey[key]
			if r == nil {
				r = &ref{what: what, where: where, kms: s.KMSKey}
				byKey[key] = r
				refs = append(refs, r)
			}
			r.readers = append(r.readers, fmt.Sprintf("function %s (%s)", fn.Name, s.Env))
		}
	}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		item := fmt.Sprintf("%s in %s, read at run time by %s", r.what, r.where, strings.Join(r.readers, ", "))
		if r.kms != "" {
			item += ", encrypted with the customer managed KMS key " + r.kms + " (its key policy must let the account's IAM policies grant its use)"
		}
		out = append(out, item+": the stack grants reading it but never creates it")
	}
	return out
}

// printChecklist writes the checklist under a heading, one item a bullet.
func printChecklist(w io.Writer, app *spec.App) {
	fmt.Fprintf(w, "Before the first cdk deploy of %s (README: Before the first deploy):\n", app.StackName())
	for _, item := range firstDeployChecklist(app) {
		fmt.Fprintf(w, "  - %s\n", item)
	}
}
