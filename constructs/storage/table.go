package storage

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/awsrules"
)

// Key is a DynamoDB key attribute. Type is "string", "number" or "binary".
type Key struct {
	Name string
	Type string
}

// Index is a global secondary index (projection ALL).
type Index struct {
	Name         string
	PartitionKey Key
	SortKey      *Key
}

// TableProps configures NewTable.
type TableProps struct {
	// TableName "" lets CloudFormation generate one (names are replacement-only).
	TableName    string
	PartitionKey Key
	SortKey      *Key
	// Indexes are GSIs, created in the caller's order.
	Indexes []Index
	// PointInTimeRecovery nil means true.
	PointInTimeRecovery *bool
	// Stream is "", "keys-only", "new-image", "old-image" or "new-and-old-images".
	Stream       string
	TTLAttribute string
	// Removal nil means RETAIN; a retained table also gets deletion protection.
	Removal *awscdk.RemovalPolicy
	// ExistingTableName references a table created elsewhere instead of creating one: Grant
	// applies to it (and its indexes); the other props describe it and are not applied.
	ExistingTableName string
	// ExistingStreamARN is the existing table's stream ARN, for StreamArn: CloudFormation cannot look
	// up the stream of a table that is not in the stack.
	ExistingStreamARN string
}

// Table is an on-demand DynamoDB table (AWS::DynamoDB::Table). It is a construct of its own (its child
// is the table), so callers may add theirs under it.
type Table struct {
	constructs.Construct
	Table     awsdynamodb.ITable
	streamArn *string
	// types are the key attributes' types so far: CDK throws (a Go panic) when one attribute name gets
	// two types, so every key is checked against them first.
	types map[string]string
}

// StreamArn is the table's stream ARN: the created table's StreamArn attribute, or the existing
// table's ExistingStreamARN; nil when there is no stream (or it is not known).
func (t *Table) StreamArn() *string { return t.streamArn }

var streamViewTypes = map[string]awsdynamodb.StreamViewType{
	"keys-only":          awsdynamodb.StreamViewType_KEYS_ONLY,
	"new-image":          awsdynamodb.StreamViewType_NEW_IMAGE,
	"old-image":          awsdynamodb.StreamViewType_OLD_IMAGE,
	"new-and-old-images": awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES,
}

var attributeTypes = map[string]awsdynamodb.AttributeType{
	"string": awsdynamodb.AttributeType_STRING,
	"number": awsdynamodb.AttributeType_NUMBER,
	"binary": awsdynamodb.AttributeType_BINARY,
}

// NewTable creates the table and its GSIs. Invalid props are reported as
// synth errors; a placeholder key keeps construction going so every problem
// is reported at once.
func NewTable(scope constructs.Construct, id string, props *TableProps) *Table {
	var p TableProps
	if props != nil {
		p = *props
	}
	t := &Table{types: map[string]string{}}
	constructs.NewConstruct_Override(t, scope, jsii.String(id))
	if p.ExistingTableName != "" {
		if !validDynamoName(p.ExistingTableName) {
			t.addError(fmt.Sprintf("storage.Table: existing table name %q is invalid (3 to 255 of a-z A-Z 0-9 _ - .)", p.ExistingTableName))
		}
		t.Table = awsdynamodb.Table_FromTableName(t, jsii.String("Table"), jsii.String(p.ExistingTableName))
		if p.ExistingStreamARN != "" {
			t.streamArn = jsii.String(p.ExistingStreamARN)
		}
		return t
	}
	tp := t.tableProps(p)
	table := awsdynamodb.NewTable(t, jsii.String("Table"), tp)
	t.Table = table
	if tp.Stream != "" {
		t.streamArn = table.TableStreamArn()
	}
	t.addIndexes(table, p.Indexes)
	return t
}

// tableProps checks props and returns the table's: on demand, point-in-time recovery unless turned
// off, deletion protection when retained.
func (t *Table) tableProps(p TableProps) *awsdynamodb.TableProps {
	removal := removalPolicy(p.Removal, "storage.Table", "DynamoDB", t.addError)
	retained := removal != awscdk.RemovalPolicy_DESTROY

	pitr := true
	if p.PointInTimeRecovery != nil {
		pitr = *p.PointInTimeRecovery
	}

	tp := &awsdynamodb.TableProps{
		BillingMode: awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(pitr),
		},
		RemovalPolicy: removal,
		// Explicit false (not absent) so switching a stage to DESTROY turns it off.
		DeletionProtection: jsii.Bool(retained),
	}
	if pk, ok := t.attr("partition key", p.PartitionKey); ok {
		tp.PartitionKey = pk
	} else {
		tp.PartitionKey = &awsdynamodb.Attribute{Name: jsii.String("id"), Type: awsdynamodb.AttributeType_STRING}
		t.types["id"] = "string"
	}
	if p.SortKey != nil {
		if sk, ok := t.attr("sort key", *p.SortKey); ok {
			tp.SortKey = sk
		}
	}
	if p.TableName != "" {
		if validDynamoName(p.TableName) {
			tp.TableName = jsii.String(p.TableName)
		} else {
			t.addError(fmt.Sprintf("storage.Table: table name %q is invalid (3 to 255 of a-z A-Z 0-9 _ - .)", p.TableName))
		}
	}
	if p.Stream != "" {
		if sv, ok := streamViewTypes[p.Stream]; ok {
			tp.Stream = sv
		} else {
			t.addError(fmt.Sprintf("storage.Table: unknown stream %q (want keys-only, new-image, old-image or new-and-old-images)", p.Stream))
		}
	}
	if p.TTLAttribute != "" {
		tp.TimeToLiveAttribute = jsii.String(p.TTLAttribute)
	}
	return tp
}

// attr is the key attribute k, after checking its name and type (what names the key in errors).
func (t *Table) attr(what string, k Key) (*awsdynamodb.Attribute, bool) {
	at, ok := attributeTypes[k.Type]
	switch {
	case k.Name == "":
		t.addError(fmt.Sprintf("storage.Table: %s has no name", what))
		return nil, false
	case !ok:
		t.addError(fmt.Sprintf("storage.Table: %s %q has type %q (want string, number or binary)", what, k.Name, k.Type))
		return nil, false
	case t.types[k.Name] != "" && t.types[k.Name] != k.Type:
		t.addError(fmt.Sprintf("storage.Table: %s %q has type %s but is %s elsewhere", what, k.Name, k.Type, t.types[k.Name]))
		return nil, false
	}
	t.types[k.Name] = k.Type
	return &awsdynamodb.Attribute{Name: jsii.String(k.Name), Type: at}, true
}

// addIndexes adds the GSIs (projection ALL) in the caller's order, up to DynamoDB's default quota.
func (t *Table) addIndexes(table awsdynamodb.Table, indexes []Index) {
	seen := map[string]bool{}
	for i, ix := range indexes {
		what := fmt.Sprintf("index %q", ix.Name)
		switch {
		case ix.Name == "":
			t.addError(fmt.Sprintf("storage.Table: index %d has no name", i))
			continue
		case !validDynamoName(ix.Name):
			t.addError(fmt.Sprintf("storage.Table: index name %q is invalid (3 to 255 of a-z A-Z 0-9 _ - .)", ix.Name))
			continue
		case seen[ix.Name]:
			t.addError(fmt.Sprintf("storage.Table: duplicate index name %q", ix.Name))
			continue
		case len(seen) >= awsrules.QuotaTableGSIs:
			t.addError(fmt.Sprintf("storage.Table: index %q exceeds the limit of %d global secondary indexes", ix.Name, awsrules.QuotaTableGSIs))
			continue
		}
		pk, ok := t.attr(what+" partition key", ix.PartitionKey)
		if !ok {
			continue
		}
		gp := &awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   pk,
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		}
		if ix.SortKey != nil {
			sk, ok := t.attr(what+" sort key", *ix.SortKey)
			if !ok {
				continue
			}
			gp.SortKey = sk
		}
		seen[ix.Name] = true
		table.AddGlobalSecondaryIndex(gp)
	}
}

// Grant gives a workload principal (e.g. a Lambda function) item-level actions
// on the table and all its indexes. No dynamodb:* wildcard.
func (t *Table) Grant(grantee awsiam.IGrantable, actions ...Action) {
	if grantee == nil {
		t.addError("storage.Table.Grant: grantee is nil")
		return
	}
	read, write, del, err := actionSet(actions)
	if err != "" {
		t.addError("storage.Table.Grant: " + err)
		return
	}
	var ddb []string
	if read {
		ddb = append(ddb, "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
			"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable")
	}
	if write {
		ddb = append(ddb, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem")
	}
	if del {
		ddb = append(ddb, "dynamodb:DeleteItem")
		if !write {
			// BatchWriteItem carries batched deletes too.
			ddb = append(ddb, "dynamodb:BatchWriteItem")
		}
	}
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings(ddb...),
		ResourceArns: &[]*string{t.Table.TableArn(), t.IndexesArn()},
	})
}

// IndexesArn is the ARN of every index of the table (<table>/index/*), as Grant names them.
func (t *Table) IndexesArn() *string { return jsii.String(*t.Table.TableArn() + "/index/*") }

// validDynamoName checks DynamoDB's table and index name rules (the same for both); CDK does not.
func validDynamoName(name string) bool {
	return awsrules.TableNamePattern.MatchString(name) || *awscdk.Token_IsUnresolved(jsii.String(name))
}

// removalPolicy is the removal policy of a construct's props, RETAIN when unset. SNAPSHOT, which
// neither S3 nor DynamoDB takes, is reported with addError and replaced by RETAIN.
func removalPolicy(removal *awscdk.RemovalPolicy, construct, service string, addError func(string)) awscdk.RemovalPolicy {
	if removal == nil {
		return awscdk.RemovalPolicy_RETAIN
	}
	if *removal == awscdk.RemovalPolicy_SNAPSHOT {
		addError(fmt.Sprintf("%s: RemovalPolicy SNAPSHOT is not supported by %s; use RETAIN or DESTROY", construct, service))
		return awscdk.RemovalPolicy_RETAIN
	}
	return *removal
}

func (t *Table) addError(msg string) {
	awscdk.Annotations_Of(t).AddError(jsii.String(msg))
}
