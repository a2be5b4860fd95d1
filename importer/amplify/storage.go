package amplify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// storageOut is one S3 bucket or DynamoDB table on its way into the spec.
type storageOut struct {
	amp, name string
	res       *Resource
	kind      string // s3, dynamodb; "" = not in the spec
	dir       string
	legacy    bool

	// existing physical name, and how it was found
	physical, physicalFrom string
	bucketBase             string // s3: the bucketName Amplify's name starts with

	// s3
	access      []levelOut // public, protected, private in that order
	groups      []groupGrant
	trigger     string // Amplify name of the trigger function
	triggerFile string // the file that names it
	accessFile  string // the file the access levels come from

	// dynamodb
	pk, sk     keyOut
	indexes    []indexOut
	stream     string
	streamFrom string
	triggerFns []string // cli-inputs.json triggerFunctions: functions its stream invokes
	streamArn  string   // an existing table's stream ARN (Options.Streams)
}

type levelOut struct {
	level string
	who   []whoOut // guest, authenticated, owner
}

type whoOut struct {
	who     string
	actions []string
	from    string
}

type groupGrant struct {
	group   string
	actions []string
	from    string
}

type keyOut struct {
	spec, from string // name:type
}

type indexOut struct {
	name   string
	pk, sk keyOut
}

func (s *storageOut) inSpec() bool { return s != nil && s.kind != "" }

// storage returns the storage resource with Amplify name amp, or nil.
func (b *builder) storage(amp string) *storageOut { return byAmpName(b.storages, amp) }

func (s *storageOut) ampName() string { return s.amp }

func (b *builder) readStorage() error {
	var names []string
	for _, ref := range b.refs("storage") {
		names = append(names, ref.Name)
	}
	var apis []string
	for _, ref := range b.refs("api") {
		if ref.Service == "AppSync" {
			apis = append(apis, ref.Name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(b.opts.Existing)) {
		if !slices.Contains(names, name) && !slices.Contains(apis, name) {
			return fmt.Errorf("%s %s=...: the project has no storage resource or AppSync API %s (its storage: %s; its AppSync APIs: %s)", FlagExisting, name, name, cmp.Or(strings.Join(names, ", "), "none"), cmp.Or(strings.Join(apis, ", "), "none"))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(b.opts.Streams)) {
		if !slices.Contains(names, name) {
			return fmt.Errorf("%s %s=...: the project has no storage resource %s (its storage: %s)", FlagStream, name, name, cmp.Or(strings.Join(names, ", "), "none"))
		}
	}
	for _, ref := range b.refs("storage") {
		res := b.resource(ref.Category, ref.Name)
		dir := "amplify/backend/storage/" + ref.Name
		s := &storageOut{amp: ref.Name, name: specName(ref.Name), res: res, dir: dir}
		b.storages = append(b.storages, s)
		if ref.Service != "S3" && ref.Service != "DynamoDB" {
			continue // reported as out of scope
		}
		if !b.p.isDir(dir) {
			res.missing(dir)
			continue
		}
		if s.name != ref.Name {
			res.approx("named %s in the spec: underhood names are letters and digits", s.name)
		}
		// Imported resources keep only {resourceName, serviceType} in parameters.json.
		var params map[string]json.RawMessage
		if _, err := b.p.readOptionalJSON(dir+"/parameters.json", &params); err != nil {
			return err
		}
		if st, _ := rawString(params["serviceType"]); st == "imported" {
			res.Imported = true
		}
		var err error
		if ref.Service == "S3" {
			err = b.readBucket(s, params)
		} else {
			err = b.readTable(s, params)
		}
		if err != nil {
			return err
		}
		if s.inSpec() {
			res.SpecPath = "storage." + s.name
			if err := b.existingStorage(s); err != nil {
				return err
			}
			if err := b.storageRetire(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// existingStorage settles the physical name the stage references: Options.Existing, else what the
// files determine (already in s.physical). A stream ARN given for it must be that table's.
func (b *builder) existingStorage(s *storageOut) error {
	if v, ok := b.opts.Existing[s.amp]; ok && v != "" {
		s.physical, s.physicalFrom = v, "given with "+FlagExisting+" "+s.amp+"="+v
	}
	if s.physical == "" && s.kind == "s3" && !s.res.Imported {
		// The SPA's configuration names its one bucket (the first, for amplify-cli): it is this
		// project's when the project has exactly one.
		var buckets int
		for _, ref := range b.refs("storage") {
			if ref.Service == "S3" {
				buckets++
			}
		}
		if v, src := b.spaID("aws_user_files_s3_bucket"); v != "" && buckets == 1 {
			s.physical, s.physicalFrom = v, src
		}
	}
	s.res.Existing = s.physical
	if arn, ok := b.opts.Streams[s.amp]; ok && (s.kind != "dynamodb" || s.physical == "" || !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":table/"+s.physical+"/stream/")) {
		return fmt.Errorf("%s %s=%s: not the stream of an existing table %s (want arn:aws:dynamodb:REGION:ACCOUNT:table/%s/stream/LABEL, from aws dynamodb describe-table --table-name %s --query Table.LatestStreamArn)", FlagStream, s.amp, arn, cmp.Or(s.physical, s.amp), cmp.Or(s.physical, "TABLE"), cmp.Or(s.physical, "TABLE"))
	}
	s.streamArn = b.opts.Streams[s.amp]
	if s.physical == "" && s.kind == "s3" {
		where := "the SPA's aws-exports.js (aws_user_files_s3_bucket), the S3 console"
		if s.bucketBase != "" {
			where += fmt.Sprintf(" (a bucket whose name starts with %s and ends with -%s)", s.bucketBase, b.p.env)
		}
		where += ", or the S3Bucket resource of the Amplify stack's storage" + s.amp + " stack (import with --from-stack to read it)"
		b.warnings = append(b.warnings, fmt.Sprintf("NEW BUCKET: the name of storage %s's bucket is not determined by the project files, so the spec creates a new, empty bucket: the app's files stay in Amplify's. Import again with %s %s=BUCKET; BUCKET is in %s.", s.amp, FlagExisting, s.amp, where))
	}
	if s.physical == "" {
		what := "bucket"
		if s.kind == "dynamodb" {
			what = "table"
		}
		s.res.note("the %s's name is not determined by the project files: the spec creates a new %s; pass %s %s=NAME to use Amplify's", what, what, FlagExisting, s.amp)
	}
	return nil
}

// --- S3

type s3Inputs struct {
	BucketName      string             `json:"bucketName"`
	StorageAccess   string             `json:"storageAccess"`
	GuestAccess     strList            `json:"guestAccess"`
	AuthAccess      strList            `json:"authAccess"`
	GroupAccess     map[string]strList `json:"groupAccess"`
	TriggerFunction string             `json:"triggerFunction"`
}

type s3Legacy struct {
	BucketName                          string `json:"bucketName"`
	S3PermissionsAuthenticatedPublic    string `json:"s3PermissionsAuthenticatedPublic"`
	S3PermissionsAuthenticatedProtected string `json:"s3PermissionsAuthenticatedProtected"`
	S3PermissionsAuthenticatedPrivate   string `json:"s3PermissionsAuthenticatedPrivate"`
	S3PermissionsAuthenticatedUploads   string `json:"s3PermissionsAuthenticatedUploads"`
	S3PermissionsGuestPublic            string `json:"s3PermissionsGuestPublic"`
	S3PermissionsGuestUploads           string `json:"s3PermissionsGuestUploads"`
	AuthenticatedAllowList              string `json:"AuthenticatedAllowList"`
	GuestAllowList                      string `json:"GuestAllowList"`
	TriggerFunction                     string `json:"triggerFunction"`
}

func (b *builder) readBucket(s *storageOut, params map[string]json.RawMessage) error {
	s.kind = "s3"
	if s.res.Imported {
		if v, ok := b.p.param("storage", s.amp, "bucketName"); ok && v != "" {
			s.physical, s.physicalFrom = v, b.p.tpiPath("storage", s.amp, "bucketName")
		}
		s.res.approx("imported bucket: Amplify created no IAM policies for it (whoever imported it granted access outside Amplify), so the spec has no access levels; add access: if the app uses Storage (a commented suggestion is in the spec)")
		return nil
	}
	cli := s.dir + "/cli-inputs.json"
	var bucketBase string
	if b.p.exists(cli) {
		var in s3Inputs
		if err := b.p.readJSON(cli, &in); err != nil {
			return err
		}
		bucketBase = in.BucketName
		s.trigger, s.triggerFile = in.TriggerFunction, cli
		b.s3Levels(s, cli, in)
	} else {
		s.legacy = true
		file := s.dir + "/parameters.json"
		var in s3Legacy
		if err := b.p.readJSON(file, &in); err != nil {
			return err
		}
		bucketBase = in.BucketName
		s.trigger, s.triggerFile = in.TriggerFunction, file
		var sp struct {
			GroupPermissionMap map[string]strList `json:"groupPermissionMap"`
		}
		spFile := s.dir + "/storage-params.json"
		if _, err := b.p.readOptionalJSON(spFile, &sp); err != nil {
			return err
		}
		b.s3LegacyLevels(s, file, in, spFile, sp.GroupPermissionMap)
	}
	if s.trigger == "NONE" {
		s.trigger = ""
	}
	s.bucketBase = bucketBase
	// Amplify's bucket name: bucketName + Fn::Select [3, Fn::Split ["-", AWS::StackName]] + "-" + env,
	// where AWS::StackName is the storage stack's: <root stack>-storage<name>-<random>.
	if part, ok := nestedStackPart3(b.p.aws.StackName, "storage"+s.amp); bucketBase != "" && ok && b.p.hasTPI {
		s.physical = bucketBase + part + "-" + b.p.env
		s.physicalFrom = fmt.Sprintf("Amplify's BucketName: bucketName %q + %q (the 4th \"-\" part of the storage stack's name %s-storage%s-...; %s.StackName) + \"-\" + env", bucketBase, part, b.p.aws.StackName, s.amp, b.p.awsFrom)
	}
	return nil
}

// nestedStackPart3 is what Fn::Select [3, Fn::Split ["-", AWS::StackName]] gives in the nested stack
// logicalID of root: CloudFormation names it <root>-<logicalID>-<random>, so the 4th part is the
// root's 4th part (the suffix of amplify-<project>-<env>-<suffix>, or the env when the project name
// holds a hyphen), or logicalID for a root of three parts (<project>-<env>-<timestamp>, amplify-cli's
// oldest names). A shorter root leaves the random part: unknowable.
func nestedStackPart3(root, logicalID string) (string, bool) {
	parts := strings.Split(root, "-")
	switch {
	case root == "":
		return "", false
	case len(parts) >= 4:
		return parts[3], true
	case len(parts) == 3:
		return logicalID, true
	}
	return "", false
}

// s3Actions maps Amplify's CREATE_AND_UPDATE/READ/DELETE and S3 actions to read/write/delete.
func s3Actions(list []string) []string {
	return accessActions(list, s3Action, strings.TrimSpace)
}

// s3Action is underhood's action for each of Amplify's S3 operations and the S3 actions they stand for.
var s3Action = map[string]string{
	"CREATE_AND_UPDATE": "write", "create/update": "write", "s3:PutObject": "write",
	"READ": "read", "read": "read", "s3:GetObject": "read",
	"DELETE": "delete", "delete": "delete", "s3:DeleteObject": "delete",
}

// s3Levels follows amplify-cli v7's S3 stack (s3-stack-transform): the authenticated role gets the
// selected actions on public/*, protected/{identity}/* and private/{identity}/*, plus s3:GetObject on
// every protected/* when READ is selected; the guest role gets them on public/* plus protected/* reads
// with READ; each group role gets its actions on the whole bucket.
func (b *builder) s3Levels(s *storageOut, file string, in s3Inputs) {
	auth := s3Actions(in.AuthAccess.items())
	guest := s3Actions(in.GuestAccess.items())
	s.accessFile = file
	authFrom := "authAccess [" + strings.Join(in.AuthAccess.items(), ", ") + "]"
	guestFrom := "guestAccess [" + strings.Join(in.GuestAccess.items(), ", ") + "]"
	if in.StorageAccess == "auth" && len(guest) > 0 {
		s.res.note("cli-inputs.json says storageAccess auth but lists guestAccess %v; Amplify's stack grants the guest role those anyway (it reads guestAccess), so the spec does too", in.GuestAccess.items())
	}
	if hasString(in.AuthAccess.items(), "CREATE_AND_UPDATE") || hasString(in.GuestAccess.items(), "CREATE_AND_UPDATE") {
		s.res.approx("Amplify also let those who may write put objects under uploads/ (s3:PutObject only); the spec has no uploads/ level")
	}
	pub := levelOut{level: "public"}
	prot := levelOut{level: "protected"}
	priv := levelOut{level: "private"}
	if len(guest) > 0 {
		pub.who = append(pub.who, whoOut{"guest", guest, guestFrom})
	}
	if len(auth) > 0 {
		pub.who = append(pub.who, whoOut{"authenticated", auth, authFrom})
		prot.who = append(prot.who, whoOut{"owner", auth, authFrom})
	}
	if hasString(auth, "read") {
		prot.who = append(prot.who, whoOut{"authenticated", []string{"read"}, authFrom + " (READ also reads every protected/ object)"})
	}
	if hasString(guest, "read") {
		prot.who = append(prot.who, whoOut{"guest", []string{"read"}, guestFrom + " (READ also reads every protected/ object)"})
	}
	if len(auth) > 0 {
		priv.who = append(priv.who, whoOut{"owner", auth, authFrom})
	}
	s.setLevels(pub, prot, priv)
	for _, g := range slices.Sorted(maps.Keys(in.GroupAccess)) {
		if acts := s3Actions(in.GroupAccess[g].items()); len(acts) > 0 {
			s.groups = append(s.groups, groupGrant{g, acts, from(file, "groupAccess."+g)})
		}
	}
}

// s3LegacyLevels follows the parameters.json S3 template: one explicit action list per level.
func (b *builder) s3LegacyLevels(s *storageOut, file string, in s3Legacy, spFile string, groups map[string]strList) {
	list := func(v string) []string {
		if v == "" || v == "DISALLOW" {
			return nil
		}
		return s3Actions(strings.Split(v, ","))
	}
	s.accessFile = file
	pub := levelOut{level: "public"}
	prot := levelOut{level: "protected"}
	priv := levelOut{level: "private"}
	if a := list(in.S3PermissionsGuestPublic); len(a) > 0 {
		pub.who = append(pub.who, whoOut{"guest", a, "s3PermissionsGuestPublic " + in.S3PermissionsGuestPublic})
	}
	if a := list(in.S3PermissionsAuthenticatedPublic); len(a) > 0 {
		pub.who = append(pub.who, whoOut{"authenticated", a, "s3PermissionsAuthenticatedPublic " + in.S3PermissionsAuthenticatedPublic})
	}
	if a := list(in.S3PermissionsAuthenticatedProtected); len(a) > 0 {
		prot.who = append(prot.who, whoOut{"owner", a, "s3PermissionsAuthenticatedProtected " + in.S3PermissionsAuthenticatedProtected})
	}
	if in.AuthenticatedAllowList == "ALLOW" {
		prot.who = append(prot.who, whoOut{"authenticated", []string{"read"}, "AuthenticatedAllowList ALLOW (s3:GetObject on every protected/ object)"})
	}
	if in.GuestAllowList == "ALLOW" {
		prot.who = append(prot.who, whoOut{"guest", []string{"read"}, "GuestAllowList ALLOW (s3:GetObject on every protected/ object)"})
	}
	if a := list(in.S3PermissionsAuthenticatedPrivate); len(a) > 0 {
		priv.who = append(priv.who, whoOut{"owner", a, "s3PermissionsAuthenticatedPrivate " + in.S3PermissionsAuthenticatedPrivate})
	}
	if list(in.S3PermissionsAuthenticatedUploads) != nil || list(in.S3PermissionsGuestUploads) != nil {
		s.res.approx("Amplify also let some callers put objects under uploads/ (s3PermissionsAuthenticatedUploads / s3PermissionsGuestUploads); the spec has no uploads/ level")
	}
	s.setLevels(pub, prot, priv)
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		if acts := s3Actions(groups[g].items()); len(acts) > 0 {
			s.groups = append(s.groups, groupGrant{g, acts, from(spFile, "groupPermissionMap."+g)})
		}
	}
}

func (s *storageOut) setLevels(levels ...levelOut) {
	for _, l := range levels {
		if len(l.who) > 0 {
			s.access = append(s.access, l)
		}
	}
}

// --- DynamoDB

type ddbKey struct {
	FieldName string `json:"fieldName"`
	FieldType string `json:"fieldType"`
}

type ddbInputs struct {
	TableName        string            `json:"tableName"`
	PartitionKey     *ddbKey           `json:"partitionKey"`
	SortKey          *ddbKey           `json:"sortKey"`
	GSI              []ddbGSI          `json:"gsi"`
	TriggerFunctions []json.RawMessage `json:"triggerFunctions"`
}

type ddbGSI struct {
	Name         string  `json:"name"`
	PartitionKey *ddbKey `json:"partitionKey"`
	SortKey      *ddbKey `json:"sortKey"`
}

// ddbType maps DynamoDB's S/N/B and amplify-cli's string/number/binary to the spec's key types.
func ddbType(t string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "s", "string":
		return "string", true
	case "n", "number":
		return "number", true
	case "b", "binary":
		return "binary", true
	}
	return "", false
}

func (b *builder) key(s *storageOut, name, typ, from string) (keyOut, bool) {
	t, ok := ddbType(typ)
	if name == "" || !ok {
		s.res.approx("key %q of type %q is not a DynamoDB key the spec can express (%s)", name, typ, from)
		return keyOut{}, false
	}
	return keyOut{name + ":" + t, from}, true
}

// readTable reads a DynamoDB table: its inputs, keys, indexes, stream triggers and name.
func (b *builder) readTable(s *storageOut, params map[string]json.RawMessage) error {
	s.kind = "dynamodb"
	if s.res.Imported {
		b.readImportedTable(s)
		return nil
	}
	in, file, err := b.readTableInputs(s)
	if err != nil {
		return err
	}
	if in.PartitionKey == nil {
		s.kind = ""
		s.res.outOfScope("%s names no partition key; add the table by hand", file)
		return nil
	}
	pkField, skField := "partitionKey", "sortKey"
	if s.legacy {
		pkField, skField = "partitionKeyName, partitionKeyType", "sortKeyName, sortKeyType"
	}
	var ok bool
	if s.pk, ok = b.key(s, in.PartitionKey.FieldName, in.PartitionKey.FieldType, from(file, pkField)); !ok {
		s.kind = ""
		return nil
	}
	if in.SortKey != nil {
		s.sk, _ = b.key(s, in.SortKey.FieldName, in.SortKey.FieldType, from(file, skField))
	}
	b.readIndexes(s, in.GSI, file)
	s.readTableTriggers(in.TriggerFunctions)
	s.stream, s.streamFrom = "new-image", "Amplify's tables stream NEW_IMAGE (StreamSpecification in its template)"
	if in.TableName != "" && b.p.hasTPI {
		s.physical = in.TableName + "-" + b.p.env
		s.physicalFrom = fmt.Sprintf("Amplify's TableName: tableName %q (%s) + \"-\" + env", in.TableName, file)
	}
	s.res.note("Amplify's table used provisioned capacity (5 read, 5 write units); a table underhood creates is on-demand, and an existing one keeps its billing")
	return nil
}

// readImportedTable reads an imported table's name and keys, all team-provider-info.json records.
func (b *builder) readImportedTable(s *storageOut) {
	get := func(k string) (string, string) {
		v, _ := b.p.param("storage", s.amp, k)
		return v, b.p.tpiPath("storage", s.amp, k)
	}
	name, nameFrom := get("tableName")
	pkName, pkFrom := get("partitionKeyName")
	pkType, _ := get("partitionKeyType")
	skName, skFrom := get("sortKeyName")
	skType, _ := get("sortKeyType")
	if name == "" || pkName == "" {
		s.kind = ""
		s.res.outOfScope("imported table: team-provider-info.json has no tableName and partitionKeyName for env %s, so its keys are unknown; add it by hand", b.p.env)
		return
	}
	s.physical, s.physicalFrom = name, nameFrom
	var ok bool
	if s.pk, ok = b.key(s, pkName, pkType, pkFrom+" ("+pkType+")"); !ok {
		s.kind = ""
		return
	}
	if skName != "" {
		s.sk, _ = b.key(s, skName, skType, skFrom+" ("+skType+")")
	}
	s.res.note("imported table: its indexes, stream and point-in-time recovery are as the table has them (team-provider-info.json records only the keys); the spec describes it, underhood does not change it")
}

// readTableInputs reads a table's cli-inputs.json (amplify-cli v7+) or, in older projects,
// parameters.json and the indexes of its template; file is the one read.
func (b *builder) readTableInputs(s *storageOut) (in ddbInputs, file string, err error) {
	if cli := s.dir + "/cli-inputs.json"; b.p.exists(cli) {
		return in, cli, b.p.readJSON(cli, &in)
	}
	s.legacy = true
	file = s.dir + "/parameters.json"
	var lp struct {
		TableName        string `json:"tableName"`
		PartitionKeyName string `json:"partitionKeyName"`
		PartitionKeyType string `json:"partitionKeyType"`
		SortKeyName      string `json:"sortKeyName"`
		SortKeyType      string `json:"sortKeyType"`
	}
	if err := b.p.readJSON(file, &lp); err != nil {
		return in, file, err
	}
	in.TableName = lp.TableName
	if lp.PartitionKeyName != "" {
		in.PartitionKey = &ddbKey{lp.PartitionKeyName, lp.PartitionKeyType}
	}
	if lp.SortKeyName != "" {
		in.SortKey = &ddbKey{lp.SortKeyName, lp.SortKeyType}
	}
	in.GSI, err = b.legacyGSIs(s)
	return in, file, err
}

// readIndexes reads the global secondary indexes; an index listed twice is imported once.
func (b *builder) readIndexes(s *storageOut, gsis []ddbGSI, file string) {
	firstGSI := map[string]int{}
	for i, g := range gsis {
		field := fmt.Sprintf("gsi[%d]", i)
		if s.legacy {
			field = "GlobalSecondaryIndexes"
		}
		if g.PartitionKey == nil || g.Name == "" {
			s.res.approx("index %d has no name or partition key: left out", i)
			continue
		}
		// Some amplify-cli versions list an index more than once: an identical repeat is the same
		// index, a different one under the same name cannot be (DynamoDB index names are unique).
		if j, dup := firstGSI[g.Name]; dup {
			where := fmt.Sprintf("%s: gsi[%d] and %s", file, j, field)
			if s.legacy {
				where = s.dir + "/" + s.amp + "-cloudformation-template.json: GlobalSecondaryIndexes"
			}
			if reflect.DeepEqual(gsis[j], g) {
				s.res.note("index %s is listed twice, identically (%s): it is imported once", g.Name, where)
			} else {
				s.res.approx("index %s is listed twice with different keys (%s): the spec keeps the first; check which one the table has", g.Name, where)
			}
			continue
		}
		firstGSI[g.Name] = i
		idx := indexOut{name: g.Name}
		src := from(file, field)
		if s.legacy {
			src = from(s.dir+"/"+s.amp+"-cloudformation-template.json", "Resources.DynamoDBTable.Properties.GlobalSecondaryIndexes "+g.Name)
		}
		var ok bool
		if idx.pk, ok = b.key(s, g.PartitionKey.FieldName, g.PartitionKey.FieldType, src); !ok {
			continue
		}
		if g.SortKey != nil {
			idx.sk, _ = b.key(s, g.SortKey.FieldName, g.SortKey.FieldType, src)
		}
		s.indexes = append(s.indexes, idx)
	}
}

// readTableTriggers reads the functions the table's stream invokes (triggerFunctions): names, or in
// some amplify-cli versions objects ({"name": ...}) or JSON-encoded strings.
func (s *storageOut) readTableTriggers(fns []json.RawMessage) {
	for i, raw := range fns {
		var name string
		if json.Unmarshal(raw, &name) == nil && strings.HasPrefix(strings.TrimSpace(name), "{") {
			raw = json.RawMessage(name)
		}
		var obj struct {
			Name         string `json:"name"`
			FunctionName string `json:"functionName"`
		}
		if name == "" || strings.HasPrefix(strings.TrimSpace(name), "{") {
			name = ""
			if json.Unmarshal(raw, &obj) == nil {
				name = cmp.Or(obj.Name, obj.FunctionName)
			}
		}
		if name == "" {
			s.res.approx("triggerFunctions[%d] (%s) names no function: left out", i, strings.TrimSpace(string(raw)))
			continue
		}
		s.triggerFns = appendUnique(s.triggerFns, name)
	}
}

// legacyGSIs reads GlobalSecondaryIndexes from a parameters.json table's template, when it has any.
func (b *builder) legacyGSIs(s *storageOut) ([]ddbGSI, error) {
	file := s.dir + "/" + s.amp + "-cloudformation-template.json"
	var tmpl struct {
		Resources map[string]struct {
			Type       string `json:"Type"`
			Properties struct {
				AttributeDefinitions []struct {
					AttributeName string `json:"AttributeName"`
					AttributeType string `json:"AttributeType"`
				} `json:"AttributeDefinitions"`
				GlobalSecondaryIndexes []struct {
					IndexName string `json:"IndexName"`
					KeySchema []struct {
						AttributeName string `json:"AttributeName"`
						KeyType       string `json:"KeyType"`
					} `json:"KeySchema"`
				} `json:"GlobalSecondaryIndexes"`
			} `json:"Properties"`
		} `json:"Resources"`
	}
	if ok, err := b.p.readOptionalJSON(file, &tmpl); err != nil || !ok {
		return nil, err
	}
	var out []ddbGSI
	for _, id := range slices.Sorted(maps.Keys(tmpl.Resources)) {
		r := tmpl.Resources[id]
		if r.Type != "AWS::DynamoDB::Table" {
			continue
		}
		types := map[string]string{}
		for _, a := range r.Properties.AttributeDefinitions {
			types[a.AttributeName] = a.AttributeType
		}
		for _, g := range r.Properties.GlobalSecondaryIndexes {
			gsi := ddbGSI{Name: g.IndexName}
			for _, k := range g.KeySchema {
				key := &ddbKey{k.AttributeName, types[k.AttributeName]}
				if k.KeyType == "HASH" {
					gsi.PartitionKey = key
				} else {
					gsi.SortKey = key
				}
			}
			out = append(out, gsi)
		}
	}
	return out, nil
}

// --- rendering

func (s *storageOut) node() *yaml.Node {
	m := newMap()
	m.add("type", str(s.kind), "")
	switch s.kind {
	case "s3":
		if len(s.access) > 0 || len(s.groups) > 0 {
			acc := newMap()
			for _, l := range s.access {
				lm := newFlowMap()
				var froms []string
				for _, w := range l.who {
					lm.add(w.who, flowList(w.actions...), "")
					froms = appendUnique(froms, w.from)
				}
				acc.add(l.level, lm.n, from(s.accessFile, strings.Join(froms, "; ")))
			}
			if len(s.groups) > 0 {
				gm := newMap()
				for _, g := range s.groups {
					gm.add(g.group, flowList(g.actions...), g.from)
				}
				acc.add("groups", gm.n, "each group's role may do this to every object of the bucket")
			}
			m.add("access", acc.n, "Amplify's access levels as its IAM policies granted them")
		}
		cors := newFlowMap()
		cors.add("allowOrigins", flowList("*"), "")
		if len(s.access) == 0 && len(s.groups) == 0 && s.res.Imported {
			m.addNote("cors", cors.n, commentLines(
				"Amplify created no IAM policies for this imported bucket, so there is no access block.",
				"For Amplify's usual levels (signed-in users), add:",
				"access:",
				"  public: { authenticated: [read, write, delete] }",
				"  protected: { owner: [read, write, delete], authenticated: [read] }",
				"  private: { owner: [read, write, delete] }",
				"cors: an existing bucket keeps its own CORS rules; this is what a new bucket would get"))
		} else {
			m.add("cors", cors.n, "Amplify's bucket CORS rule allows every origin")
		}
	case "dynamodb":
		m.add("partitionKey", str(s.pk.spec), s.pk.from)
		if s.sk.spec != "" {
			m.add("sortKey", str(s.sk.spec), s.sk.from)
		}
		if len(s.indexes) > 0 {
			im := newMap()
			for _, idx := range s.indexes {
				x := newFlowMap()
				x.add("partitionKey", str(idx.pk.spec), "")
				if idx.sk.spec != "" {
					x.add("sortKey", str(idx.sk.spec), "")
				}
				im.add(idx.name, x.n, idx.pk.from)
			}
			m.add("indexes", im.n, "")
		}
		if s.stream != "" {
			m.add("stream", str(s.stream), s.streamFrom)
		}
	}
	return m.n
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// finishStorage fits the buckets' access to the auth the spec has: browser access needs an identity
// pool, guest access needs guest credentials, group access needs the group.
func (b *builder) finishStorage() error {
	for _, s := range b.storages {
		if !s.inSpec() || s.kind != "s3" || (len(s.access) == 0 && len(s.groups) == 0) {
			continue
		}
		a := b.auth
		if a == nil {
			s.res.approx("the project has no auth, so nobody signs S3 requests from a browser: the access levels are left out (functions keep their grants)")
			s.access, s.groups = nil, nil
			continue
		}
		if !a.identityPool {
			b.addIdentityPool("storage " + s.amp)
		}
		var levels []levelOut
		for _, l := range s.access {
			var who []whoOut
			for _, w := range l.who {
				if w.who == "guest" && !a.guest {
					s.res.approx("guests had %s on %s/, but the identity pool gives guests no credentials (allowUnauthenticatedIdentities false): no guest access in the spec either", strings.Join(w.actions, ", "), l.level)
					continue
				}
				who = append(who, w)
			}
			if len(who) > 0 {
				l.who = who
				levels = append(levels, l)
			}
		}
		s.access = levels
		var groups []groupGrant
		for _, g := range s.groups {
			if !slices.ContainsFunc(a.groups, func(x groupOut) bool { return x.name == g.group }) {
				s.res.approx("group %s is not a user pool group of the project: its access is left out", g.group)
				continue
			}
			groups = append(groups, g)
		}
		s.groups = groups
	}
	return nil
}
