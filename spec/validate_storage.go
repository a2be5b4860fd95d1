package spec

// The storage section: S3 buckets and DynamoDB tables.

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

var (
	storageTypes   = []string{"s3", "dynamodb"}
	streamViews    = []string{"keys-only", "new-image", "old-image", "new-and-old-images"}
	keySpecPattern = regexp.MustCompile(`^([a-zA-Z_][a-zA-Z0-9_.-]*):(string|number|binary)$`)
)

func (v *validator) storage() ([]Bucket, []Table) {
	var buckets []Bucket
	var tables []Table
	names := sectionEntries(v, "storage", "storage", v.raw.Storage, "is empty; give type: s3 or type: dynamodb")
	if _, ok := v.raw.Storage[UserPoolAccessKey]; ok {
		v.errorf(child("storage", UserPoolAccessKey), "%q is reserved: functions' access names the user pool with it; rename the storage", UserPoolAccessKey)
	}
	for _, name := range names {
		sp := child("storage", name)
		raw := v.raw.Storage[name]
		var existingName string
		if v.existing != nil {
			existingName = v.existing.Storage[name]
		}
		s3Only := raw.Access != nil || raw.Cors != nil || raw.Versioned
		dynamoOnly := raw.PartitionKey != "" || raw.SortKey != "" || raw.Indexes != nil || raw.PointInTimeRecovery != nil || raw.Stream != "" || raw.TTLAttribute != ""
		switch raw.Type {
		case "s3":
			if dynamoOnly {
				v.errorf(sp, "partitionKey, sortKey, indexes, pointInTimeRecovery, stream and ttlAttribute are for type: dynamodb")
			}
			b := v.bucket(sp, name, raw)
			b.ExistingName = existingName
			buckets = append(buckets, b)
		case "dynamodb":
			if s3Only {
				v.errorf(sp, "access, cors and versioned are for type: s3")
			}
			t := v.table(sp, name, raw)
			t.ExistingName = existingName
			if existingName != "" {
				t.ExistingStreamARN = v.existing.Streams[name]
			}
			tables = append(tables, t)
		case "":
			v.missing(sp, "type", "missing type: s3 (files) or dynamodb (NoSQL table)")
		default:
			v.enum(child(sp, "type"), "storage type", raw.Type, storageTypes)
		}
	}
	return buckets, tables
}

func (v *validator) bucket(sp, name string, raw *rawStorage) Bucket {
	b := Bucket{Name: name, Versioned: raw.Versioned}
	if raw.Cors != nil {
		b.CorsOrigins = v.origins(child(sp, "cors"), raw.Cors)
	}
	a := raw.Access
	if a == nil {
		return b
	}
	ap := child(sp, "access")
	if v.identityPool == nil {
		v.errorf(ap, "browser access to S3 needs auth.identityPool: amplify-js signs S3 requests with identity pool credentials, and the access levels are IAM policies on its roles; add auth.identityPool or remove access (functions can still be granted access)")
	}
	level := func(lvl string, l *rawLevel, allowed map[string][]string) {
		if l == nil {
			return
		}
		lp := child(ap, lvl)
		for _, who := range []struct {
			name string
			list []string
		}{{"guest", l.Guest}, {"authenticated", l.Authenticated}, {"owner", l.Owner}} {
			if who.list == nil {
				continue
			}
			wp := child(lp, who.name)
			can, ok := allowed[who.name]
			if !ok {
				v.errorf(wp, "%s access to %s/ is not an Amplify access level; %s", who.name, lvl, levelHelp[lvl])
				continue
			}
			acts := v.actionList(wp, who.list)
			for _, act := range acts {
				if !slices.Contains(can, act) {
					v.errorf(wp, "%s may not %s %s/ objects; %s", who.name, act, lvl, levelHelp[lvl])
				}
			}
			if who.name == "guest" && (v.identityPool == nil || !v.identityPool.GuestAccess) && v.identityPool != nil {
				v.errorf(wp, "guest access needs auth.identityPool.guestAccess: true (signed-out visitors get credentials of the guest role)")
			}
			b.Access = append(b.Access, BucketAccess{Level: lvl, Who: who.name, Actions: acts})
		}
	}
	all := []string{"read", "write", "delete"}
	level("public", a.Public, map[string][]string{"guest": all, "authenticated": all})
	level("protected", a.Protected, map[string][]string{"guest": {"read"}, "authenticated": {"read"}, "owner": all})
	level("private", a.Private, map[string][]string{"owner": all})
	for _, g := range slices.Sorted(maps.Keys(a.Groups)) {
		gp := child(child(ap, "groups"), g)
		v.groupRef(gp, g)
		b.Access = append(b.Access, BucketAccess{Level: "all", Who: "group", Group: g, Actions: v.actionList(gp, a.Groups[g])})
	}
	return b
}

var levelHelp = map[string]string{
	"public":    "public/ takes guest and authenticated",
	"protected": "protected/ takes owner (read, write, delete) and guest or authenticated (read only)",
	"private":   "private/ takes owner only",
}

func (v *validator) parseKey(path, raw string) (Key, bool) {
	m := keySpecPattern.FindStringSubmatch(raw)
	if m == nil {
		example := "photoId"
		if name, _, _ := strings.Cut(raw, ":"); keySpecPattern.MatchString(name + ":string") {
			example = name
		}
		v.errorf(path, "%q is not a key; write name:type with type string, number or binary, e.g. %s:string", raw, example)
		return Key{}, false
	}
	return Key{Name: m[1], Type: m[2]}, true
}

func (v *validator) table(sp, name string, raw *rawStorage) Table {
	t := Table{Name: name, PointInTimeRecovery: raw.PointInTimeRecovery == nil || *raw.PointInTimeRecovery, Stream: raw.Stream, TTLAttribute: raw.TTLAttribute}
	if raw.PartitionKey == "" {
		v.missing(sp, "partitionKey", "missing partitionKey, e.g. partitionKey: id:string")
	} else if k, ok := v.parseKey(child(sp, "partitionKey"), raw.PartitionKey); ok {
		t.PartitionKey = k
	}
	if raw.SortKey != "" {
		if k, ok := v.parseKey(child(sp, "sortKey"), raw.SortKey); ok {
			t.SortKey = &k
		}
	}
	if raw.Stream != "" {
		v.enum(child(sp, "stream"), "stream view type", raw.Stream, streamViews)
	}
	for _, iname := range slices.Sorted(maps.Keys(raw.Indexes)) {
		ip := child(child(sp, "indexes"), iname)
		idx := Index{Name: iname}
		ri := raw.Indexes[iname]
		if ri == nil || ri.PartitionKey == "" {
			v.missing(ip, "partitionKey", "missing partitionKey, e.g. partitionKey: userId:string")
			continue
		}
		if k, ok := v.parseKey(child(ip, "partitionKey"), ri.PartitionKey); ok {
			idx.PartitionKey = k
		}
		if ri.SortKey != "" {
			if k, ok := v.parseKey(child(ip, "sortKey"), ri.SortKey); ok {
				idx.SortKey = &k
			}
		}
		t.Indexes = append(t.Indexes, idx)
	}
	return t
}
