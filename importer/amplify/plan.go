package amplify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// The migration plan: the ordered steps from an Amplify Gen 1 env to underhood that keep the SPA
// working at every step. Step 1 (retain) comes from Result.Retire; the builder writes the others.
// Commands name the spec and the project as {spec} and {project}, which the report fills from
// Result.SpecFile and Result.ProjectArg.

// PlanStep is one numbered step of the plan.
type PlanStep struct {
	Title string
	Lines []string // paragraphs (wrapped when printed) and commands ("$ ..."), in order
}

// plan writes steps 2 and later.
func (b *builder) plan() []PlanStep {
	stage := stageName(b.p.env)
	a := b.auth
	existingPool := a != nil && a.existingPool != ""
	var steps []PlanStep

	check := PlanStep{Title: "Check that deleting the Amplify stack would keep every stateful resource"}
	check.Lines = append(check.Lines,
		"Read the deployed Amplify stack (CloudFormation, read only): the command lists each stateful resource that is not DeletionPolicy Retain, with its fix, and exits 1 until none is left. It also reads the ids the spec needs from the stack.",
		fmt.Sprintf("$ underhood import amplify {project} --env %s --from-stack --check-retained -o {spec} --force", b.p.env))
	steps = append(steps, check)

	if len(b.secrets) > 0 {
		s := PlanStep{Title: "Create the secrets underhood reads (Secrets Manager, region " + cmp.Or(b.region, "of the stage") + ")"}
		for _, sec := range b.secrets {
			s.Lines = append(s.Lines, sec.Name+": "+sec.For+".", fmt.Sprintf("$ aws secretsmanager create-secret --name %s --secret-string 'THE_VALUE'", sec.Name))
		}
		steps = append(steps, s)
	}

	deploy := PlanStep{Title: "Deploy underhood's stack alongside Amplify's"}
	if len(b.sources()) > 0 {
		deploy.Lines = append(deploy.Lines, "underhood builds each function at synth, as amplify-cli did on push: Node.js handlers are bundled with esbuild from the folder's node_modules (run npm ci in each function's folder first: a missing package fails synth), Python functions get their requirements.txt installed by pip for arm64 (Gen 1's Pipfile is not read: pipenv requirements > requirements.txt). Node.js functions run on nodejs22.x and Python on python3.13, on arm64: check code written for Amplify's older runtimes and native modules built for x86_64.")
	}
	deploy.Lines = append(deploy.Lines,
		"Both stacks run side by side: the SPA keeps using Amplify's until it is redeployed with underhood's configuration.",
		"$ underhood validate --stage "+stage+" {spec}",
		"$ npx cdk deploy -c stage="+stage+" --outputs-file outputs.json    # in the spec's folder (its cdk.json runs underhood synth)")
	if existingPool && b.auth.identityPool && b.auth.existingIdentityPool != "" {
		deploy.Lines = append(deploy.Lines, "From this deploy on, the identity pool hands out underhood's roles (its role attachment replaces Amplify's): do not change Amplify's auth category (amplify update auth, then push), or its IdentityPoolRoleMap puts Amplify's roles back.")
	}
	steps = append(steps, deploy)

	if hand := b.handSteps(); len(hand.Lines) > 0 {
		steps = append(steps, hand)
	}
	if trig := b.triggerStep(); len(trig.Lines) > 0 {
		steps = append(steps, trig)
	}

	steps = append(steps, PlanStep{Title: "Write the SPA's configuration from underhood's stack", Lines: []string{
		"config refuses to overwrite a file holding keys the spec does not account for and lists them with the spec change that keeps them: change the spec, never pass --drop-unknown-keys unless the SPA does not use those keys.",
		"$ underhood config --outputs-file outputs.json {spec}",
	}})
	steps = append(steps, PlanStep{Title: "Redeploy the SPA", Lines: []string{
		"Build and deploy the SPA as usual (Amplify Hosting or any static host) with the files config wrote; no code change is needed, the configuration keeps Gen 1's keys.",
	}})

	verify := PlanStep{Title: "Verify with the deployed SPA"}
	if a != nil {
		if existingPool {
			verify.Lines = append(verify.Lines, "Sign in with an existing user (the pool is kept, so passwords still work).")
		} else {
			verify.Lines = append(verify.Lines, "Sign up a new user: the spec creates a new user pool, Amplify's users are not in it.")
		}
		if a.hosted != nil {
			verify.Lines = append(verify.Lines, "Sign in through the hosted UI and check the redirect lands on the SPA.")
		}
	}
	for _, api := range b.apis {
		verify.Lines = append(verify.Lines, "Call REST API "+api.name+" from the SPA (its endpoint changed: it is underhood's API now).")
	}
	for _, s := range b.storages {
		if s.inSpec() && s.kind == "s3" && len(s.access) > 0 && s.physical != "" && a != nil && a.existingIdentityPool != "" {
			verify.Lines = append(verify.Lines, "Open a file the user uploaded before, under protected/ or private/ of bucket "+cmp.Or(s.physical, s.name)+" (the identity id is kept only with the identity pool).")
		}
	}
	for _, q := range b.graphql {
		verify.Lines = append(verify.Lines, "Run a GraphQL query through the SPA (API "+q.name+", still in Amplify).")
	}
	verify.Lines = append(verify.Lines, "$ underhood config --outputs-file outputs.json --check {spec}    # exit 0: the files on disk are what underhood writes")
	steps = append(steps, verify)
	steps = append(steps, b.retireStep())
	return steps
}

func (b *builder) sources() []string {
	var out []string
	for _, f := range b.fns {
		if f.inSpec() {
			out = append(out, f.source)
		}
	}
	return out
}

// handSteps is the IAM the spec cannot express, with the exact statements to add.
func (b *builder) handSteps() PlanStep {
	s := PlanStep{Title: "Add the permissions the spec cannot express"}
	stack := b.app + "-" + stageName(b.p.env)
	for _, f := range b.fns {
		if !f.inSpec() || len(f.hand) == 0 {
			continue
		}
		var statements []json.RawMessage
		var why []string
		for _, h := range f.hand {
			statements = append(statements, json.RawMessage(h.Statement))
			why = appendUnique(why, h.Why)
		}
		doc := compactJSON(map[string]any{"Version": "2012-10-17", "Statement": statements})
		s.Lines = append(s.Lines,
			fmt.Sprintf("Function %s: Amplify's role also had what follows (%s). Add it to the function's role only if the code needs it (least privilege); ACCOUNT_ID and the other capitals are yours to fill.", f.name, strings.Join(why, "; ")),
			fmt.Sprintf("$ ROLE=$(aws cloudformation describe-stack-resources --stack-name %s --query \"StackResources[?starts_with(LogicalResourceId, 'Functions%sServiceRole')].PhysicalResourceId\" --output text)", stack, f.name),
			fmt.Sprintf("$ aws iam put-role-policy --role-name \"$ROLE\" --policy-name gen1-permissions --policy-document '%s'", doc))
	}
	// The SPA's own calls to what stays in Amplify are signed with identity pool credentials, whose
	// roles are underhood's once it attaches them.
	if a := b.auth; a != nil && a.identityPool {
		var statements []map[string]any
		var what []string
		for _, q := range b.graphql {
			if slices.Contains(q.modes, "iam") {
				statements = append(statements, map[string]any{"Effect": "Allow", "Action": "appsync:GraphQL",
					"Resource": fmt.Sprintf("arn:aws:appsync:%s:ACCOUNT_ID:apis/%s/types/*", cmp.Or(b.region, "REGION"), cmp.Or(q.id, "GRAPHQL_API_ID"))})
				what = append(what, "GraphQL API "+q.name+" (iam mode)")
			}
		}
		if an := b.analytics; an != nil {
			statements = append(statements, map[string]any{"Effect": "Allow", "Action": []string{"mobiletargeting:PutEvents", "mobiletargeting:UpdateEndpoint"},
				"Resource": fmt.Sprintf("arn:aws:mobiletargeting:%s:ACCOUNT_ID:apps/%s/*", cmp.Or(an.region, b.region, "REGION"), an.appID)})
			what = append(what, "Pinpoint project "+an.appID)
		}
		if len(statements) > 0 {
			doc := compactJSON(map[string]any{"Version": "2012-10-17", "Statement": statements})
			s.Lines = append(s.Lines,
				"The SPA calls "+strings.Join(what, " and ")+" with identity pool credentials, and the identity pool now hands out underhood's roles, which do not allow it. Add this to the authenticated role (and to the guest and group roles when those callers use it) of stack "+stack+":",
				fmt.Sprintf("$ aws iam put-role-policy --role-name AUTHENTICATED_ROLE_NAME --policy-name gen1-kept-resources --policy-document '%s'", doc))
		}
	}
	return s
}

// triggerStep repoints an existing pool's triggers at underhood's functions, before Amplify's go.
func (b *builder) triggerStep() PlanStep {
	s := PlanStep{Title: "Point the user pool's triggers at underhood's functions"}
	a := b.auth
	if a == nil || a.existingPool == "" || len(a.triggers) == 0 {
		return s
	}
	stack := b.app + "-" + stageName(b.p.env)
	var configs []string
	for _, t := range a.triggers {
		configs = append(configs, cognitoTriggerKey(t.op)+"=ARN_OF_"+strings.ToUpper(t.fn))
	}
	s.Lines = append(s.Lines,
		"The kept pool still invokes Amplify's trigger functions, which go with the Amplify stack: sign-ups fail from then on unless the pool invokes underhood's. underhood deploys the functions but cannot attach them to a pool it did not create.",
		fmt.Sprintf("$ aws cloudformation describe-stack-resources --stack-name %s --query \"StackResources[?ResourceType=='AWS::Lambda::Function'].[LogicalResourceId,PhysicalResourceId]\" --output text", stack))
	for _, t := range a.triggers {
		s.Lines = append(s.Lines, fmt.Sprintf("$ aws lambda add-permission --function-name FUNCTION_NAME_OF_%s --statement-id cognito-%s --action lambda:InvokeFunction --principal cognito-idp.amazonaws.com --source-arn arn:aws:cognito-idp:%s:ACCOUNT_ID:userpool/%s", strings.ToUpper(t.fn), t.op, cmp.Or(b.region, "REGION"), a.existingPool))
	}
	s.Lines = append(s.Lines,
		"Then set the triggers in the Cognito console (User pool, Extensions, Lambda triggers), or with update-user-pool, which resets every setting it is not given: pass the current ones from describe-user-pool along with",
		"--lambda-config "+strings.Join(configs, ","))
	return s
}

// cognitoTriggerKey is the LambdaConfig key of a trigger operation.
func cognitoTriggerKey(op string) string {
	if op == "preSignUp" {
		return "PreSignUp"
	}
	return strings.ToUpper(op[:1]) + op[1:]
}

// retireStep removes from Amplify what underhood took over, and never what a kept resource needs.
func (b *builder) retireStep() PlanStep {
	s := PlanStep{Title: "Retire what underhood took over"}
	var kept []string
	for _, q := range b.graphql {
		if q.res != nil {
			kept = append(kept, "api/"+q.amp+" (AppSync GraphQL API)")
		}
	}
	if an := b.analytics; an != nil && an.res != nil {
		kept = append(kept, "analytics/"+an.res.Name+" (Pinpoint)")
	}
	hosting := false
	for _, r := range b.resources {
		switch {
		case r.Category == "hosting":
			hosting = true
		case r.Status == StatusOutOfScope:
			// Not in the spec, so still only in Amplify.
			kept = append(kept, r.Category+"/"+r.Name+" ("+cmp.Or(r.Service, "?")+", not in the spec)")
		}
	}
	if len(kept) == 0 && !hosting {
		s.Lines = append(s.Lines, "Once the SPA works on underhood's stack, the Amplify env has nothing the app still uses: delete it. The retained resources (step 1) stay and underhood's stack keeps using them; everything else of the env goes (functions, REST APIs, roles, Amplify's deployment bucket).")
		if b.p.envCount > 1 {
			s.Lines = append(s.Lines, "$ amplify env checkout ANOTHER_ENV && amplify env remove "+b.p.env)
		} else {
			s.Lines = append(s.Lines, "$ amplify delete    # the project's only env")
		}
		return s
	}
	// Something stays in Amplify: keep the env, remove only the categories underhood took over and
	// that nothing kept depends on.
	switch {
	case len(kept) > 0:
		s.Lines = append(s.Lines, "Keep the Amplify env: "+strings.Join(kept, ", ")+" stay in it, and deleting it would delete them. Remove only what underhood took over and no kept resource uses:")
	default:
		s.Lines = append(s.Lines, "Keep the Amplify app: its hosting serves the SPA (amplify delete would delete it). Remove the backend categories underhood took over:")
	}
	var remove []string
	for _, api := range b.apis {
		remove = append(remove, "$ amplify remove api "+api.amp)
	}
	resolvers, schemaKnown := b.graphQLResolvers()
	for _, f := range b.fns {
		switch {
		case !f.inSpec() || b.keptUses("function", f.amp):
		case resolvers[f.amp]:
			s.Lines = append(s.Lines, "Keep function "+f.amp+" in Amplify: the kept GraphQL API's schema resolves fields with it (@function).")
		case !schemaKnown:
			remove = append(remove, "$ amplify remove function "+f.amp+"    # only if no @function(name: \""+f.amp+"-${env}\") in the GraphQL schema (not in the project files) uses it")
		default:
			remove = append(remove, "$ amplify remove function "+f.amp)
		}
	}
	for _, st := range b.storages {
		if st.inSpec() && !st.res.Imported && !b.keptUses("storage", st.amp) {
			remove = append(remove, "$ amplify remove storage "+st.amp+"    # retained in step 1: the "+map[bool]string{true: "bucket", false: "table"}[st.kind == "s3"]+" stays")
		}
	}
	a := b.auth
	if a != nil && len(kept) == 0 {
		if a.groupsRes != nil {
			remove = append(remove, "$ amplify remove auth "+a.groupsRes.Name+"    # retained in step 1: the groups stay")
		}
		remove = append(remove, "$ amplify remove auth "+a.amp+"    # retained in step 1: the pools and the client stay")
	}
	s.Lines = append(s.Lines, remove...)
	s.Lines = append(s.Lines, "$ amplify push")
	if a != nil && !a.res.Imported && len(kept) > 0 {
		s.Lines = append(s.Lines, "Keep auth/"+a.amp+" in Amplify: what stays there authorizes with it (amplify remove auth is refused while an API uses it). Its pool, client and identity pool are retained (step 1) whichever stack ends up owning them.")
	}
	return s
}

// keptUses reports whether something that stays in Amplify depends on category/name
// (backend-config.json dependsOn): a referenced GraphQL API, a resource not in the spec, or the auth
// resource, which stays whenever anything does (its trigger functions then stay too).
func (b *builder) keptUses(cat, name string) bool {
	kept := map[[2]string]bool{}
	for _, q := range b.graphql {
		if q.res != nil {
			kept[[2]string{"api", q.amp}] = true
		}
	}
	for _, r := range b.resources {
		if r.Status == StatusOutOfScope && r.Category != "hosting" {
			kept[[2]string{r.Category, r.Name}] = true
		}
	}
	if a := b.auth; a != nil && len(kept) > 0 {
		kept[[2]string{"auth", a.amp}] = true
	}
	for _, ref := range b.p.resources {
		if !kept[[2]string{ref.Category, ref.Name}] {
			continue
		}
		for _, d := range ref.DependsOn {
			if d.Category == cat && d.ResourceName == name {
				return true
			}
		}
	}
	return false
}

// compactJSON is v as one line of JSON, without HTML escaping (it is pasted into a shell command).
func compactJSON(v any) string {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(sb.String(), "\n")
}

// graphQLResolvers lists the functions the kept GraphQL APIs' schemas resolve fields with
// (@function(name: "<fn>-${env}")). known is false when a kept API's schema is not in the project.
func (b *builder) graphQLResolvers() (map[string]bool, bool) {
	out := map[string]bool{}
	known := true
	for _, q := range b.graphql {
		if q.res == nil {
			continue
		}
		dir := "amplify/backend/api/" + q.amp
		var files []string
		if b.p.exists(dir + "/schema.graphql") {
			files = append(files, dir+"/schema.graphql")
		}
		if entries, err := os.ReadDir(b.p.abs(dir + "/schema")); err == nil {
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".graphql") {
					files = append(files, dir+"/schema/"+e.Name())
				}
			}
		}
		if len(files) == 0 {
			known = false
			continue
		}
		for _, f := range files {
			data, err := b.p.read(f)
			if err != nil {
				known = false
				continue
			}
			for _, m := range functionDirective.FindAllStringSubmatch(string(data), -1) {
				out[m[1]] = true
			}
		}
	}
	return out, known
}

// functionDirective is an AppSync schema's Lambda resolver: @function(name: "fn-${env}").
var functionDirective = regexp.MustCompile(`@function\(\s*name:\s*"([A-Za-z0-9_]+?)(?:-\$\{env\})?"`)
