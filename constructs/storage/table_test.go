package storage_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/constructs/storage"
)

func TestTableProperties(t *testing.T) {
	app := awscdk.NewApp(nil)

	basicStack := awscdk.NewStack(app, jsii.String("Basic"), nil)
	storage.NewTable(basicStack, "Likes", &storage.TableProps{
		PartitionKey: storage.Key{Name: "photoId", Type: "string"},
		SortKey:      &storage.Key{Name: "userId", Type: "string"},
	})

	destroy := awscdk.RemovalPolicy_DESTROY
	props := &storage.TableProps{
		TableName:    "photoshare-dev-photos",
		PartitionKey: storage.Key{Name: "id", Type: "string"},
		Indexes: []storage.Index{
			{Name: "byUser", PartitionKey: storage.Key{Name: "userId", Type: "string"}, SortKey: &storage.Key{Name: "createdAt", Type: "number"}},
			{Name: "byStatus", PartitionKey: storage.Key{Name: "status", Type: "string"}},
		},
		PointInTimeRecovery: jsii.Bool(false),
		Stream:              "new-and-old-images",
		TTLAttribute:        "expiresAt",
		Removal:             &destroy,
	}
	before := *props
	before.Indexes = append([]storage.Index(nil), props.Indexes...)
	fullStack := awscdk.NewStack(app, jsii.String("Full"), nil)
	storage.NewTable(fullStack, "Photos", props)

	nilStack := awscdk.NewStack(app, jsii.String("NilProps"), nil)
	storage.NewTable(nilStack, "Empty", nil)

	streams := map[string]string{"keys-only": "KEYS_ONLY", "new-image": "NEW_IMAGE", "old-image": "OLD_IMAGE", "new-and-old-images": "NEW_AND_OLD_IMAGES"}
	streamOrder := []string{"keys-only", "new-image", "old-image", "new-and-old-images"}
	streamStacks := map[string]awscdk.Stack{}
	for i, s := range streamOrder {
		st := awscdk.NewStack(app, jsii.String(fmt.Sprintf("Stream%d", i)), nil)
		storage.NewTable(st, "T", &storage.TableProps{PartitionKey: storage.Key{Name: "pk", Type: "binary"}, Stream: s})
		streamStacks[s] = st
	}

	t.Run("props not modified", func(t *testing.T) {
		if !reflect.DeepEqual(*props, before) {
			t.Errorf("props changed: %+v, was %+v", *props, before)
		}
	})

	t.Run("basic defaults", func(t *testing.T) {
		if errs := errorsOf(basicStack); len(errs) > 0 {
			t.Fatalf("unexpected errors: %v", errs)
		}
		tmpl := assertions.Template_FromStack(basicStack, nil)
		tmpl.ResourceCountIs(jsii.String("AWS::DynamoDB::Table"), jsii.Number(1))
		tmpl.ResourceCountIs(jsii.String("AWS::DynamoDB::GlobalTable"), jsii.Number(0))
		tmpl.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"KeySchema": []any{
				map[string]any{"AttributeName": "photoId", "KeyType": "HASH"},
				map[string]any{"AttributeName": "userId", "KeyType": "RANGE"},
			},
			"AttributeDefinitions": []any{
				map[string]any{"AttributeName": "photoId", "AttributeType": "S"},
				map[string]any{"AttributeName": "userId", "AttributeType": "S"},
			},
			"BillingMode":                      "PAY_PER_REQUEST",
			"ProvisionedThroughput":            assertions.Match_Absent(),
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
			"DeletionProtectionEnabled":        true,
			"TableName":                        assertions.Match_Absent(),
			"StreamSpecification":              assertions.Match_Absent(),
			"TimeToLiveSpecification":          assertions.Match_Absent(),
			"GlobalSecondaryIndexes":           assertions.Match_Absent(),
		})
		tmpl.HasResource(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
		})
	})

	t.Run("full", func(t *testing.T) {
		if errs := errorsOf(fullStack); len(errs) > 0 {
			t.Fatalf("unexpected errors: %v", errs)
		}
		tmpl := assertions.Template_FromStack(fullStack, nil)
		tmpl.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"TableName": "photoshare-dev-photos",
			"KeySchema": []any{map[string]any{"AttributeName": "id", "KeyType": "HASH"}},
			"AttributeDefinitions": []any{
				map[string]any{"AttributeName": "id", "AttributeType": "S"},
				map[string]any{"AttributeName": "userId", "AttributeType": "S"},
				map[string]any{"AttributeName": "createdAt", "AttributeType": "N"},
				map[string]any{"AttributeName": "status", "AttributeType": "S"},
			},
			// Caller order kept.
			"GlobalSecondaryIndexes": []any{
				map[string]any{
					"IndexName": "byUser",
					"KeySchema": []any{
						map[string]any{"AttributeName": "userId", "KeyType": "HASH"},
						map[string]any{"AttributeName": "createdAt", "KeyType": "RANGE"},
					},
					"Projection": map[string]any{"ProjectionType": "ALL"},
				},
				map[string]any{
					"IndexName":  "byStatus",
					"KeySchema":  []any{map[string]any{"AttributeName": "status", "KeyType": "HASH"}},
					"Projection": map[string]any{"ProjectionType": "ALL"},
				},
			},
			"BillingMode":                      "PAY_PER_REQUEST",
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": false},
			"StreamSpecification":              map[string]any{"StreamViewType": "NEW_AND_OLD_IMAGES"},
			"TimeToLiveSpecification":          map[string]any{"AttributeName": "expiresAt", "Enabled": true},
			"DeletionProtectionEnabled":        false,
		})
		tmpl.HasResource(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
		})
	})

	t.Run("nil props reports missing key", func(t *testing.T) {
		if errs := errorsOf(nilStack); !hasErrorMatching(errs, "partition key has no name") {
			t.Fatalf("errors %v, want missing partition key", errs)
		}
	})

	for _, s := range streamOrder {
		t.Run("stream "+s, func(t *testing.T) {
			assertions.Template_FromStack(streamStacks[s], nil).HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), map[string]any{
				"StreamSpecification":  map[string]any{"StreamViewType": streams[s]},
				"AttributeDefinitions": []any{map[string]any{"AttributeName": "pk", "AttributeType": "B"}},
			})
		})
	}
}

func TestTableErrors(t *testing.T) {
	snapshot := awscdk.RemovalPolicy_SNAPSHOT
	pk := storage.Key{Name: "pk", Type: "string"}
	cases := []struct {
		name  string
		props storage.TableProps
		want  string
	}{
		{"bad key type", storage.TableProps{PartitionKey: storage.Key{Name: "pk", Type: "S"}}, `partition key "pk" has type "S"`},
		{"bad sort key type", storage.TableProps{PartitionKey: pk, SortKey: &storage.Key{Name: "sk", Type: "bool"}}, `sort key "sk" has type "bool"`},
		{"conflicting attribute types", storage.TableProps{PartitionKey: pk, Indexes: []storage.Index{
			{Name: "byPk", PartitionKey: storage.Key{Name: "pk", Type: "number"}}}}, `index "byPk" partition key "pk" has type number but is string elsewhere`},
		{"duplicate index", storage.TableProps{PartitionKey: pk, Indexes: []storage.Index{
			{Name: "byX", PartitionKey: storage.Key{Name: "x", Type: "string"}},
			{Name: "byX", PartitionKey: storage.Key{Name: "y", Type: "string"}}}}, `duplicate index name "byX"`},
		{"short index name", storage.TableProps{PartitionKey: pk, Indexes: []storage.Index{
			{Name: "a", PartitionKey: storage.Key{Name: "x", Type: "string"}}}}, `index name "a" is invalid`},
		{"bad table name", storage.TableProps{TableName: "my table", PartitionKey: pk}, `table name "my table" is invalid`},
		{"unnamed index", storage.TableProps{PartitionKey: pk, Indexes: []storage.Index{{PartitionKey: pk}}}, "index 0 has no name"},
		{"unknown stream", storage.TableProps{PartitionKey: pk, Stream: "everything"}, `unknown stream "everything"`},
		{"snapshot", storage.TableProps{PartitionKey: pk, Removal: &snapshot}, "SNAPSHOT is not supported"},
	}
	app := awscdk.NewApp(nil)
	stacks := make([]awscdk.Stack, len(cases))
	for i, c := range cases {
		stacks[i] = awscdk.NewStack(app, jsii.String(fmt.Sprintf("TErr%d", i)), nil)
		storage.NewTable(stacks[i], "T", &c.props)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if errs := errorsOf(stacks[i]); !hasErrorMatching(errs, c.want) {
				t.Fatalf("errors %v, want one containing %q", errs, c.want)
			}
		})
	}
}

func TestTableGrantFunction(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("TGrant"), nil)
	tbl := storage.NewTable(stack, "Likes", &storage.TableProps{PartitionKey: storage.Key{Name: "photoId", Type: "string"}})
	reader := newFunction(stack, "Reader")
	tbl.Grant(reader, storage.ActionRead)
	writer := newFunction(stack, "Writer")
	tbl.Grant(writer, storage.ActionWrite, storage.ActionDelete)
	deleter := newFunction(stack, "Deleter")
	tbl.Grant(deleter, storage.ActionDelete)
	all := newFunction(stack, "All")
	tbl.Grant(all, storage.ActionDelete, storage.ActionWrite, storage.ActionRead)
	tbl.Grant(newFunction(stack, "Bad"), "scan")

	tmpl := templateJSON(t, stack)
	arn := "arn(" + logicalID(stack, tbl.Table) + ")"
	res := []string{arn, arn + "/index/*"}
	read := []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
		"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"}
	write := []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}
	cases := []struct {
		name    string
		roleID  string
		actions []string
	}{
		{"read", logicalID(stack, reader.Role()), read},
		{"write delete", logicalID(stack, writer.Role()), append(append([]string(nil), write...), "dynamodb:DeleteItem")},
		{"delete", logicalID(stack, deleter.Role()), []string{"dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}},
		{"all", logicalID(stack, all.Role()), append(append(append([]string(nil), read...), write...), "dynamodb:DeleteItem")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkStatements(t, statementsOfRole(t, tmpl, c.roleID), []stmt{{Actions: c.actions, Resources: res}})
		})
	}
	checkNoWildcards(t, tmpl)
	if errs := errorsOf(stack); !hasErrorMatching(errs, `unknown action "scan"`) {
		t.Errorf("errors %v, want unknown action", errs)
	}
}
