package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Validation of what makes a function run besides API routes and Cognito triggers: schedule, events
// (DynamoDB streams, S3 notifications), and the secrets it reads.

var (
	// Secrets Manager: names take letters, digits and /_+=.@-; a full ARN ends in -<6 characters>.
	secretNamePattern = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	secretARNPattern  = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`)
	// SSM Parameter Store: letters, digits and _.-/ ; hierarchical names start with /.
	ssmNamePattern   = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)
	kmsKeyARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)
	// arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>
	streamARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):[0-9]{12}:table/([A-Za-z0-9_.-]{3,255})/stream/[0-9A-Za-z:.-]+$`)
)

// ssmMaxName is the longest parameter name Parameter Store takes (its full ARN may be longer).
const ssmMaxName = 2048

// ssmMaxLevels is Parameter Store's limit on a parameter name's hierarchy depth.
const ssmMaxLevels = 15

// s3MaxKeyPrefix is the longest key prefix worth filtering on: S3 keys are at most 1024 bytes.
const s3MaxKeyPrefix = 1024

var s3EventKinds = []string{S3Created, S3Removed}

// reservedEnvPrefix reports whether a function environment variable name is one Lambda or underhood
// sets (AWS_..., STORAGE_<NAME>_..., UNDERHOOD_...).
func reservedEnvPrefix(name string) bool {
	return strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "UNDERHOOD_") || strings.HasPrefix(name, "STORAGE_")
}

// schedule checks an EventBridge schedule expression and returns it with single spaces ("" when wrong).
func (v *validator) schedule(path, expr string) string {
	norm, problem := CheckSchedule(expr)
	if problem != "" {
		v.errorf(path, "schedule %s", problem)
	}
	return norm
}

// CheckSchedule checks an EventBridge schedule expression (rate or cron, as scheduled rules take
// them). It returns the expression with single spaces, or "" and what is wrong with it.
func CheckSchedule(expr string) (string, string) {
	s := strings.TrimSpace(expr)
	kind, inner, ok := strings.Cut(s, "(")
	if !ok || !strings.HasSuffix(inner, ")") || (kind != "rate" && kind != "cron") {
		return "", fmt.Sprintf("%q is not an EventBridge schedule expression; write rate(5 minutes) or cron(0 3 * * ? *) (minutes hours day-of-month month day-of-week year, UTC)", expr)
	}
	fields := strings.Fields(strings.TrimSuffix(inner, ")"))
	if kind == "rate" {
		return checkRate(expr, fields)
	}
	return checkCron(expr, fields)
}

var rateUnits = []string{"minute", "minutes", "hour", "hours", "day", "days"}

func checkRate(expr string, f []string) (string, string) {
	if len(f) != 2 {
		return "", fmt.Sprintf("%q: a rate takes a number and a unit, e.g. rate(5 minutes), rate(1 hour), rate(7 days)", expr)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 || f[0][0] == '+' || f[0][0] == '0' {
		return "", fmt.Sprintf("%q: the rate's value must be a whole number of 1 or more, not %q", expr, f[0])
	}
	if !slices.Contains(rateUnits, f[1]) {
		return "", fmt.Sprintf("%q: %q is not a rate unit; use minute(s), hour(s) or day(s)%s", expr, f[1], didYouMean(f[1], rateUnits))
	}
	plural := strings.HasSuffix(f[1], "s")
	switch {
	case n == 1 && plural:
		return "", fmt.Sprintf("%q: EventBridge wants the singular unit for a value of 1: rate(1 %s)", expr, strings.TrimSuffix(f[1], "s"))
	case n > 1 && !plural:
		return "", fmt.Sprintf("%q: EventBridge wants the plural unit for a value above 1: rate(%d %ss)", expr, n, f[1])
	}
	return "rate(" + f[0] + " " + f[1] + ")", ""
}

// cronField is one field of an EventBridge cron expression: its range, names and the wildcards
// EventBridge allows in it.
type cronField struct {
	name     string
	min, max int
	names    []string // names for min, min+1, ... (JAN..DEC, SUN..SAT)
	extra    string   // wildcards besides , - * / : ? L W #
}

var cronFields = []cronField{
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31, extra: "?LW"},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 1, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, extra: "?L#"},
	{name: "year", min: 1970, max: 2199},
}

func checkCron(expr string, f []string) (string, string) {
	if len(f) != 6 {
		return "", fmt.Sprintf("%q has %d fields; an EventBridge cron has 6: minutes hours day-of-month month day-of-week year, e.g. cron(0 3 * * ? *) (a Unix crontab has 5: add the year, and ? for day-of-month or day-of-week)", expr, len(f))
	}
	for i, cf := range cronFields {
		if msg := cf.check(f[i]); msg != "" {
			return "", fmt.Sprintf("%q: %s field %q %s", expr, cf.name, f[i], msg)
		}
	}
	switch dom, dow := f[2], f[4]; {
	case dom == "?" && dow == "?":
		return "", fmt.Sprintf("%q: day-of-month and day-of-week are both ?; one of them needs a value or *, e.g. cron(%s %s * %s ? %s)", expr, f[0], f[1], f[3], f[5])
	case dom != "?" && dow != "?":
		return "", fmt.Sprintf("%q: EventBridge needs ? in day-of-month or day-of-week (it cannot take both): cron(%s %s %s %s ? %s) for days of the month, cron(%s %s ? %s %s %s) for days of the week", expr, f[0], f[1], dom, f[3], f[5], f[0], f[1], f[3], dow, f[5])
	}
	return "cron(" + strings.Join(f, " ") + ")", ""
}

// check returns what is wrong with one field ("" when nothing).
func (cf cronField) check(s string) string {
	allowed := "use " + cf.rangeWords() + " with , - * /"
	if cf.extra != "" {
		allowed += " " + strings.Join(strings.Split(cf.extra, ""), " ")
	}
	if s == "?" {
		if strings.Contains(cf.extra, "?") {
			return ""
		}
		return "cannot be ?; only day-of-month and day-of-week take it"
	}
	items := strings.Split(s, ",")
	for _, it := range items {
		switch {
		case it == "":
			return "has an empty list item; " + allowed
		case it == "L" && strings.Contains(cf.extra, "L"):
			continue
		case cf.name == "day-of-month" && (it == "LW" || (strings.HasSuffix(it, "W") && cf.value(strings.TrimSuffix(it, "W")))):
			continue
		case cf.name == "day-of-week" && strings.HasSuffix(it, "L") && cf.value(strings.TrimSuffix(it, "L")):
			continue
		case cf.name == "day-of-week" && strings.Contains(it, "#"):
			day, nth, _ := strings.Cut(it, "#")
			if len(items) > 1 {
				return "combines # with other items; a day-of-week with # holds that one expression only (3#1,6#3 is two)"
			}
			if n, err := strconv.Atoi(nth); err != nil || n < 1 || n > 5 || !cf.value(day) {
				return "is not DAY#N (N from 1 to 5), e.g. 3#2 for the second Tuesday"
			}
			continue
		}
		base, step, hasStep := strings.Cut(it, "/")
		if hasStep {
			if n, err := strconv.Atoi(step); err != nil || n < 1 {
				return fmt.Sprintf("has increment %q; write START/N with N of 1 or more, e.g. 0/15", step)
			}
		}
		if base == "*" {
			continue
		}
		lo, hi, isRange := strings.Cut(base, "-")
		if !cf.value(lo) || (isRange && !cf.value(hi)) {
			return "is not valid; " + allowed
		}
	}
	return ""
}

func (cf cronField) rangeWords() string {
	w := fmt.Sprintf("%d-%d", cf.min, cf.max)
	if len(cf.names) > 0 {
		w += " or " + cf.names[0] + "-" + cf.names[len(cf.names)-1]
	}
	return w
}

// value reports whether s is one value of the field: a number in range or a name.
func (cf cronField) value(s string) bool {
	if slices.Contains(cf.names, strings.ToUpper(s)) {
		return true
	}
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return false
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= cf.min && n <= cf.max
}

// functionSecrets checks functions.<name>.secrets: names, collisions with environment, references.
func (v *validator) functionSecrets(fp string, raw *rawFunction) []FunctionSecret {
	var out []FunctionSecret
	sp := child(fp, "secrets")
	for _, env := range slices.Sorted(maps.Keys(raw.Secrets)) {
		ep := child(sp, env)
		switch {
		case !envNamePattern.MatchString(env):
			v.errorf(ep, "%q is not a valid environment variable name (letters, digits and _, starting with a letter)", env)
		case reservedEnvPrefix(env):
			v.errorf(ep, "names starting with AWS_, UNDERHOOD_ or STORAGE_ are reserved (Lambda and underhood set them); choose another variable name")
		default:
			if _, clash := raw.Environment[env]; clash {
				v.errorf(ep, "%s is also under environment; a variable holds one value: remove it from environment or rename the secret's variable", env)
			}
		}
		s := raw.Secrets[env]
		if s == nil {
			v.errorf(ep, "is empty; give { secretsManager: NAME } or { ssmParameter: /NAME }")
			continue
		}
		if s.plaintext {
			continue
		}
		fs := FunctionSecret{Env: env, SecretsManager: s.SecretsManager, SSMParameter: s.SSMParameter, KMSKey: s.KMSKey}
		switch {
		case s.SecretsManager != "" && s.SSMParameter != "":
			v.errorf(ep, "names both a Secrets Manager secret and an SSM parameter; keep one")
			continue
		case s.SecretsManager == "" && s.SSMParameter == "":
			if !v.r.decodeFailed(child(ep, "secretsManager")) && !v.r.decodeFailed(child(ep, "ssmParameter")) {
				v.errorf(ep, "missing the secret: { secretsManager: NAME } (or its full ARN) or { ssmParameter: /NAME }")
			}
			continue
		case s.SecretsManager != "":
			v.secretsManagerName(child(ep, "secretsManager"), s.SecretsManager)
		default:
			v.ssmName(child(ep, "ssmParameter"), s.SSMParameter)
		}
		if s.KMSKey != "" && !kmsKeyARNPattern.MatchString(s.KMSKey) {
			hint := ""
			if strings.Contains(s.KMSKey, "alias/") {
				hint = "; an IAM grant needs the key's ARN, not an alias: aws kms describe-key --key-id " + s.KMSKey + " --query KeyMetadata.Arn"
			}
			v.errorf(child(ep, "kmsKey"), "%q is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY_ID)%s", s.KMSKey, hint)
		}
		out = append(out, fs)
	}
	return out
}

func (v *validator) secretsManagerName(path, s string) {
	if strings.HasPrefix(s, "arn:") {
		if !secretARNPattern.MatchString(s) {
			v.errorf(path, "%q is not a full Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX, as the console shows it); or give the secret's name", s)
		}
		return
	}
	if !secretNamePattern.MatchString(s) {
		v.errorf(path, "%q is not a Secrets Manager secret name (1 to 512 letters, digits and / _ + = . @ -)", s)
	}
}

func (v *validator) ssmName(path, s string) {
	low := strings.ToLower(strings.TrimPrefix(s, "/"))
	switch {
	case strings.HasPrefix(s, "arn:"):
		v.errorf(path, "give the parameter's name (such as /myapp/prod/apiKey), not its ARN")
	case !ssmNamePattern.MatchString(s) || len(s) > ssmMaxName:
		v.errorf(path, "%q is not an SSM parameter name (up to %d letters, digits and _ . - /)", s, ssmMaxName)
	case strings.Contains(s, "/") && !strings.HasPrefix(s, "/"):
		v.errorf(path, "%q: a hierarchical parameter name starts with /: /%s", s, s)
	case strings.HasPrefix(low, "aws") || strings.HasPrefix(low, "ssm"):
		v.errorf(path, "%q: names starting with aws or ssm are reserved by AWS", s)
	case strings.Count(s, "/") > ssmMaxLevels:
		v.errorf(path, "%q has more than %d levels; Parameter Store allows %d", s, ssmMaxLevels, ssmMaxLevels)
	}
}

// functionEvents checks functions.<name>.events and returns them sorted.
func (v *validator) functionEvents(fp string, raw *rawFunction) []Event {
	var out []Event
	ep := child(fp, "events")
	tables := map[string]bool{}
	for i, e := range raw.Events {
		ip := index(ep, i)
		if e == nil {
			v.errorf(ip, "is empty; give { dynamodb: TABLE } or { s3: BUCKET, on: [created, removed] }")
			continue
		}
		switch {
		case e.DynamoDB != "" && e.S3 != "":
			v.errorf(ip, "names a table and a bucket; one source per event: split it into { dynamodb: %s } and { s3: %s, on: [...] }", e.DynamoDB, e.S3)
		case e.DynamoDB != "":
			if len(e.On) > 0 || e.Prefix != "" {
				v.errorf(ip, "on and prefix are for s3 events; a table's stream delivers every change of the table")
			}
			if !v.eventStorage(child(ip, "dynamodb"), e.DynamoDB, "dynamodb") {
				continue
			}
			if tables[e.DynamoDB] {
				v.errorf(child(ip, "dynamodb"), "table %q is listed twice; one stream mapping per table and function", e.DynamoDB)
				continue
			}
			tables[e.DynamoDB] = true
			out = append(out, Event{DynamoDB: e.DynamoDB})
		case e.S3 != "":
			if !v.eventStorage(child(ip, "s3"), e.S3, "s3") {
				continue
			}
			ev := Event{S3: e.S3, Prefix: e.Prefix}
			if len(e.On) == 0 {
				v.missing(ip, "on", "missing on: which object events invoke the function: [created], [removed] or [created, removed]")
			}
			ev.On = v.enumSet(child(ip, "on"), "S3 event", e.On, s3EventKinds)
			switch {
			case strings.HasPrefix(e.Prefix, "/"):
				v.errorf(child(ip, "prefix"), "S3 keys do not start with /: write %q", strings.TrimLeft(e.Prefix, "/"))
			case len(e.Prefix) > s3MaxKeyPrefix:
				v.errorf(child(ip, "prefix"), "is longer than an S3 key may be (%d bytes)", s3MaxKeyPrefix)
			}
			if len(ev.On) > 0 {
				out = append(out, ev)
			}
		default:
			if !v.r.decodeFailed(child(ip, "dynamodb")) && !v.r.decodeFailed(child(ip, "s3")) {
				v.errorf(ip, "missing the source: { dynamodb: TABLE } (the table's stream) or { s3: BUCKET, on: [created, removed] }")
			}
		}
	}
	slices.SortFunc(out, compareEvents)
	return out
}

func compareEvents(a, b Event) int {
	switch {
	case a.DynamoDB != b.DynamoDB && (a.DynamoDB == "" || b.DynamoDB == ""):
		if a.DynamoDB != "" {
			return -1
		}
		return 1
	case a.DynamoDB != b.DynamoDB:
		return strings.Compare(a.DynamoDB, b.DynamoDB)
	case a.S3 != b.S3:
		return strings.Compare(a.S3, b.S3)
	case a.Prefix != b.Prefix:
		return strings.Compare(a.Prefix, b.Prefix)
	}
	return slices.Compare(a.On, b.On)
}

// eventStorage checks that an event names storage of the right type; for a table, that it streams.
func (v *validator) eventStorage(path, name, want string) bool {
	raw, ok := v.raw.Storage[name]
	if !ok || raw == nil {
		v.errorf(path, "storage %q is not defined under storage%s", name, didYouMean(name, slices.Sorted(maps.Keys(v.raw.Storage))))
		return false
	}
	if raw.Type != want {
		if raw.Type == "s3" || raw.Type == "dynamodb" {
			other := map[string]string{"s3": "dynamodb", "dynamodb": "s3"}[want]
			v.errorf(path, "storage %q is type %s; write %s: %s", name, raw.Type, other, name)
		}
		return false
	}
	if want != "dynamodb" {
		return true
	}
	if raw.Stream == "" {
		v.errorf(path, "table %q has no stream; add stream: new-image (or keys-only, old-image, new-and-old-images) to storage.%s", name, name)
		return false
	}
	if e := v.existing; e != nil && e.Storage[name] != "" && e.Streams[name] == "" {
		v.errorf(path, "table %q is an existing table (stages.%s.existing.storage), whose stream ARN cannot be looked up at deploy time; add it under stages.%s.existing.streams: { %s: ARN } (aws dynamodb describe-table --table-name %s --query Table.LatestStreamArn)", name, v.stageName, v.stageName, name, e.Storage[name])
		return false
	}
	return true
}

// s3Overlaps rejects two notifications of one bucket that S3 would refuse together: the same event
// kind on prefixes one of which starts with the other (no prefix covers every key).
func (v *validator) s3Overlaps() {
	type cfg struct {
		fn, path string
		ev       Event
	}
	var all []cfg
	for _, name := range slices.Sorted(maps.Keys(v.raw.Functions)) {
		raw := v.raw.Functions[name]
		if raw == nil {
			continue
		}
		for i, e := range raw.Events {
			if e == nil || e.S3 == "" || e.DynamoDB != "" {
				continue
			}
			all = append(all, cfg{fn: name, path: index(child(child("functions", name), "events"), i), ev: Event{S3: e.S3, On: e.On, Prefix: e.Prefix}})
		}
	}
	for j, b := range all {
		for _, a := range all[:j] {
			if a.ev.S3 != b.ev.S3 || !(strings.HasPrefix(a.ev.Prefix, b.ev.Prefix) || strings.HasPrefix(b.ev.Prefix, a.ev.Prefix)) {
				continue
			}
			var common []string
			for _, k := range s3EventKinds {
				if slices.Contains(a.ev.On, k) && slices.Contains(b.ev.On, k) {
					common = append(common, k)
				}
			}
			if len(common) == 0 {
				continue
			}
			v.errorf(b.path, "overlaps %s: both get %s events of bucket %s under %s, and S3 refuses two notifications of one event type on overlapping prefixes; use prefixes that do not start with one another, or let one function handle both", a.path, strings.Join(common, " and "), b.ev.S3, prefixWords(a.ev.Prefix, b.ev.Prefix))
		}
	}
}

func prefixWords(a, b string) string {
	if len(b) > len(a) {
		a = b
	}
	if a == "" {
		return "every key"
	}
	return fmt.Sprintf("%q", a)
}

// checkStreams validates stages.<s>.existing.streams.
func (v *validator) checkStreams(p string, s *rawStage) {
	e := s.Existing
	for _, name := range slices.Sorted(maps.Keys(e.Streams)) {
		np := child(child(p, "streams"), name)
		raw, ok := v.raw.Storage[name]
		switch {
		case !ok || raw == nil:
			v.errorf(np, "storage %q is not defined under storage%s", name, didYouMean(name, slices.Sorted(maps.Keys(v.raw.Storage))))
			continue
		case raw.Type != "dynamodb":
			v.errorf(np, "storage %q is not a dynamodb table; only tables have streams", name)
			continue
		case e.Storage[name] == "":
			v.errorf(np, "table %q is not under existing.storage: the stack creates it and knows its stream; remove this entry, or reference the existing table under existing.storage", name)
			continue
		}
		arn := e.Streams[name]
		m := streamARNPattern.FindStringSubmatch(arn)
		switch {
		case m == nil:
			v.errorf(np, "%q is not a DynamoDB stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL); aws dynamodb describe-table --table-name %s --query Table.LatestStreamArn prints it", arn, e.Storage[name])
		case m[2] != e.Storage[name]:
			v.errorf(np, "this is the stream of table %s, but existing.storage.%s is table %s", m[2], name, e.Storage[name])
		case s.Region != "" && m[1] != s.Region:
			v.errorf(np, "this stream is in %s but the stage deploys to %s; a stream invokes functions of its own region only", m[1], s.Region)
		}
	}
}

// EventBucketPrefix is the start of the name underhood gives a bucket that notifies functions, before
// -<account>-<region>: S3 checks a notification's destination when it is set, so the Lambda permission
// must exist first, and a permission scoped to the bucket can name it only if the name is known
// before the bucket exists. Lowercase app, stage and storage name; shortened with a hash when the
// whole name could pass S3's 63 characters.
func EventBucketPrefix(app, stage, bucket string) string {
	// S3's 63 characters, less "-<12-digit account>-" and the longest region name (ap-southeast-1).
	const budget = 63 - 1 - 12 - 1 - 14
	p := strings.ToLower(app + "-" + stage + "-" + bucket)
	if len(p) <= budget {
		return p
	}
	sum := sha256.Sum256([]byte(p))
	return strings.TrimRight(p[:budget-7], "-") + "-" + hex.EncodeToString(sum[:])[:6]
}

// BucketEvents lists, for a bucket (storage name), each function and the events it gets from it,
// ordered by function name.
func (a *App) BucketEvents(bucket string) []FunctionEvent {
	var out []FunctionEvent
	for _, f := range a.Functions {
		for _, e := range f.Events {
			if e.S3 == bucket {
				out = append(out, FunctionEvent{Function: f.Name, Event: e})
			}
		}
	}
	return out
}

// FunctionEvent is one event of one function.
type FunctionEvent struct {
	Function string
	Event    Event
}
