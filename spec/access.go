package spec

import (
	"slices"
	"strings"
)

// The AWS facts behind functions' access to the user pool and to GraphQL APIs.

// CognitoUserPoolActions are the Amazon Cognito user pool IAM actions (service prefix cognito-idp) whose
// resource is a user pool (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/ID), so a grant on the app's
// pool authorizes them: the actions a function's access.userPool may list. Source: the Service
// Authorization Reference, "Actions, resources, and condition keys for Amazon Cognito User Pools".
var CognitoUserPoolActions = []string{
	"AddCustomAttributes", "AddUserPoolClientSecret", "AdminAddUserToGroup", "AdminConfirmSignUp", "AdminCreateUser",
	"AdminDeleteUser", "AdminDeleteUserAttributes", "AdminDisableProviderForUser", "AdminDisableUser",
	"AdminEnableUser", "AdminForgetDevice", "AdminGetDevice", "AdminGetUser", "AdminInitiateAuth",
	"AdminLinkProviderForUser", "AdminListDevices", "AdminListGroupsForUser", "AdminListUserAuthEvents",
	"AdminRemoveUserFromGroup", "AdminResetUserPassword", "AdminRespondToAuthChallenge",
	"AdminSetUserMFAPreference", "AdminSetUserPassword", "AdminSetUserSettings", "AdminUpdateAuthEventFeedback",
	"AdminUpdateDeviceStatus", "AdminUpdateUserAttributes", "AdminUserGlobalSignOut", "CreateGroup",
	"CreateIdentityProvider", "CreateManagedLoginBranding", "CreateResourceServer", "CreateUserImportJob",
	"CreateUserPoolClient", "CreateUserPoolDomain", "DeleteGroup", "DeleteIdentityProvider",
	"DeleteManagedLoginBranding", "DeleteResourceServer", "DeleteUserPool", "DeleteUserPoolClient",
	"DeleteUserPoolClientSecret", "DeleteUserPoolDomain", "DescribeIdentityProvider",
	"DescribeManagedLoginBranding", "DescribeManagedLoginBrandingByClient", "DescribeResourceServer",
	"DescribeRiskConfiguration", "DescribeUserImportJob", "DescribeUserPool", "DescribeUserPoolClient",
	"GetCSVHeader", "GetGroup", "GetIdentityProviderByIdentifier", "GetLogDeliveryConfiguration",
	"GetSigningCertificate", "GetUICustomization", "GetUserPoolMfaConfig", "ListGroups", "ListIdentityProviders",
	"ListResourceServers", "ListTagsForResource", "ListUserImportJobs", "ListUserPoolClientSecrets",
	"ListUserPoolClients", "ListUsers", "ListUsersInGroup", "SetLogDeliveryConfiguration", "SetRiskConfiguration",
	"SetUICustomization", "SetUserPoolMfaConfig", "StartUserImportJob", "StopUserImportJob", "TagResource",
	"UntagResource", "UpdateGroup", "UpdateIdentityProvider", "UpdateManagedLoginBranding",
	"UpdateResourceServer", "UpdateUserPool", "UpdateUserPoolClient", "UpdateUserPoolDomain",
}

// CognitoUnsignedActions are user pool API operations that IAM does not authorize: Cognito takes them
// unauthenticated (sign-up, sign-in, password recovery) or authorizes them with the user's own access
// token. A grant of them is inert, so a function never needs one.
var CognitoUnsignedActions = []string{
	"AssociateSoftwareToken", "ChangePassword", "CompleteWebAuthnRegistration", "ConfirmDevice",
	"ConfirmForgotPassword", "ConfirmSignUp", "DeleteUser", "DeleteUserAttributes", "DeleteWebAuthnCredential",
	"ForgetDevice", "ForgotPassword", "GetDevice", "GetTokensFromRefreshToken", "GetUser", "GetUserAttributeVerificationCode",
	"GetUserAuthFactors", "GlobalSignOut", "InitiateAuth", "ListDevices", "ListWebAuthnCredentials",
	"ResendConfirmationCode", "RespondToAuthChallenge", "RevokeToken", "SetUserMFAPreference", "SetUserSettings",
	"SignUp", "StartWebAuthnRegistration", "UpdateAuthEventFeedback", "UpdateDeviceStatus", "UpdateUserAttributes",
	"VerifySoftwareToken", "VerifyUserAttribute",
}

// IsCognitoUserPoolAction reports whether name (without cognito-idp:) is one of CognitoUserPoolActions.
func IsCognitoUserPoolAction(name string) bool { return slices.Contains(CognitoUserPoolActions, name) }

// GraphQL access: the spec's action to the GraphQL type it grants appsync:GraphQL on
// (arn:aws:appsync:REGION:ACCOUNT:apis/ID/types/TYPE/*, as Amplify Gen 1 granted it).
var graphQLTypes = []struct{ action, typ string }{
	{"query", "Query"}, {"mutation", "Mutation"}, {"subscription", "Subscription"},
}

// GraphQLTypeActions lists the spec's GraphQL access actions: query, mutation, subscription.
func GraphQLTypeActions() []string {
	out := make([]string, len(graphQLTypes))
	for i, t := range graphQLTypes {
		out[i] = t.action
	}
	return out
}

// GraphQLType is the GraphQL type a spec action grants (query: Query), "" for another action.
func GraphQLType(action string) string {
	for _, t := range graphQLTypes {
		if t.action == action {
			return t.typ
		}
	}
	return ""
}

// GraphQLAuthModes are the spec's GraphQL authorization modes and AppSync's names for them (the
// authenticationType of aws-exports and amplify_outputs).
var GraphQLAuthModes = []struct{ Mode, AppSync string }{
	{GraphQLAPIKey, "API_KEY"},
	{GraphQLUserPool, "AMAZON_COGNITO_USER_POOLS"},
	{GraphQLIAM, "AWS_IAM"},
	{GraphQLOIDC, "OPENID_CONNECT"},
	{GraphQLLambda, "AWS_LAMBDA"},
}

// AppSyncAuthType is AppSync's name of a spec GraphQL mode ("" when unknown).
func AppSyncAuthType(mode string) string {
	for _, m := range GraphQLAuthModes {
		if m.Mode == mode {
			return m.AppSync
		}
	}
	return ""
}

// GraphQLMode is the spec's name of an AppSync authentication type ("" when unknown).
func GraphQLMode(appSync string) string {
	for _, m := range GraphQLAuthModes {
		if m.AppSync == appSync {
			return m.Mode
		}
	}
	return ""
}

// UserPoolAccessKey is the key of a function's access that grants Cognito actions on the user pool.
const UserPoolAccessKey = "userPool"

// UserPoolIDEnv is the environment variable a function with access to the user pool gets, holding the
// pool's id: AUTH_<NAME>_USERPOOLID, Amplify Gen 1's name for its auth resource NAME.
func UserPoolIDEnv(poolName string) string {
	return "AUTH_" + strings.ToUpper(poolName) + "_USERPOOLID"
}

// GraphQLEnv are the environment variables a function with access to GraphQL API name gets (Amplify
// Gen 1's names): the API id and the endpoint.
func GraphQLEnv(name string) (id, endpoint string) {
	p := "API_" + strings.ToUpper(name) + "_"
	return p + "GRAPHQLAPIIDOUTPUT", p + "GRAPHQLAPIENDPOINTOUTPUT"
}
