// Reference CDK app in plain JavaScript for underhood's synth benchmark (see BENCHMARKS.md).
//
//   node app.js                 the photo-sharing backend of bench/photoshare-bench/app.yaml
//   node app.js --routes N      the generated N-route API of the benchmark (one function, id-token authorizer)
//   node app.js --empty         an app with one empty stack: the floor of any CDK synth
//
// It builds the same resources as underhood synthesizes for those specs, written the way a careful CDK
// user would (one Lambda permission per function, explicit log groups, no CloudWatch role), so the
// benchmark compares the cost of getting to the template, not two different templates. The output
// folder comes from CDK_OUTDIR, as when the CDK CLI runs an app.
"use strict";

const cdk = require("aws-cdk-lib");
const apigw = require("aws-cdk-lib/aws-apigateway");
const cognito = require("aws-cdk-lib/aws-cognito");
const iam = require("aws-cdk-lib/aws-iam");
const lambda = require("aws-cdk-lib/aws-lambda");
const logs = require("aws-cdk-lib/aws-logs");
const s3 = require("aws-cdk-lib/aws-s3");
const path = require("path");

const ORIGIN = "http://localhost:5173";
const ALLOW_HEADERS = [
  "Content-Type", "Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Api-Key",
  "X-Amz-Content-Sha256", "X-Amz-User-Agent",
];

function parseArgs(argv) {
  const opts = { mode: "photoshare", routes: 0 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--empty") opts.mode = "empty";
    else if (argv[i] === "--routes") { opts.mode = "routes"; opts.routes = Number(argv[++i]); }
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

// routePaths mirrors routesSpec in spec/bench_test.go and the generator in bench/cmd/bench: five verbs
// per resource, resources cycling through /rK, /rK/{id} and /rK/{id}/items/{itemId}.
function routePaths(n) {
  const verbs = ["GET", "POST", "PUT", "PATCH", "DELETE"];
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / verbs.length);
    let p = `/r${Math.floor(r / 3)}`;
    if (r % 3 === 1) p += "/{id}";
    if (r % 3 === 2) p += "/{id}/items/{itemId}";
    out.push([verbs[i % verbs.length], p]);
  }
  return out;
}

function userPool(stack, groups) {
  const pool = new cognito.UserPool(stack, "UserPool", {
    signInAliases: { email: true },
    selfSignUpEnabled: true,
    standardAttributes: { email: { required: true, mutable: true } },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  const client = pool.addClient("Client", {
    authFlows: { userSrp: true },
    generateSecret: false,
    preventUserExistenceErrors: true,
    oAuth: { flows: { authorizationCodeGrant: false, implicitCodeGrant: false } },
  });
  groups.forEach((name, i) => {
    new cognito.CfnUserPoolGroup(stack, `UserPoolGroup${name}`, {
      userPoolId: pool.userPoolId, groupName: name, precedence: i + 1,
    });
  });
  return { pool, client };
}

// InlineRole keeps the role's own grants in one inline policy instead of a DefaultPolicy resource, as
// underhood's roles do.
class InlineRole extends iam.Role {
  constructor(scope, id, props) {
    const grants = new iam.PolicyDocument();
    super(scope, id, { ...props, inlinePolicies: { Grants: grants } });
    this.grants = grants;
  }
  addToPrincipalPolicy(statement) {
    this.grants.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}

function fn(stack, name, env) {
  const logGroup = new logs.LogGroup(stack, `${name}LogGroup`, {
    retention: logs.RetentionDays.ONE_MONTH, removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  const role = new InlineRole(stack, `${name}Role`, { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
  logGroup.grantWrite(role);
  return new lambda.Function(stack, `${name}Function`, {
    role,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: "index.handler",
    code: lambda.Code.fromAsset(path.join(__dirname, "..", "photoshare-bench", "functions", "photos")),
    memorySize: 256,
    timeout: cdk.Duration.seconds(10),
    logGroup,
    environment: { ...env, UNDERHOOD_ALLOWED_ORIGINS: ORIGIN },
  });
}

// restApi is one REST API with a Cognito authorizer, CORS preflights and gateway responses, access
// and execution log groups, and a single Lambda permission for every route of handler.
function restApi(stack, name, pool, handler, routes, scopes) {
  const accessLogs = new logs.LogGroup(stack, `${name}AccessLogs`, {
    retention: logs.RetentionDays.ONE_MONTH, removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  const api = new apigw.RestApi(stack, `${name}Api`, {
    restApiName: `${stack.stackName}-${name}`,
    cloudWatchRole: false,
    endpointTypes: [apigw.EndpointType.REGIONAL],
    deployOptions: {
      stageName: "dev",
      accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
      loggingLevel: apigw.MethodLoggingLevel.ERROR,
      throttlingRateLimit: 100,
      throttlingBurstLimit: 200,
    },
  });
  // The preflight goes on each top-level resource (inherited below), so the root, which no route
  // uses, gets no OPTIONS method.
  const cors = { allowOrigins: [ORIGIN], allowHeaders: ALLOW_HEADERS, allowMethods: apigw.Cors.ALL_METHODS };
  const execLogs = new logs.LogGroup(stack, `${name}ExecutionLogs`, {
    logGroupName: cdk.Fn.join("", ["API-Gateway-Execution-Logs_", api.restApiId, "/dev"]),
    retention: logs.RetentionDays.ONE_MONTH, removalPolicy: cdk.RemovalPolicy.DESTROY,
  });
  api.deploymentStage.node.addDependency(execLogs);
  for (const type of [apigw.ResponseType.DEFAULT_4XX, apigw.ResponseType.DEFAULT_5XX]) {
    api.addGatewayResponse(`Default${type.responseType.slice(-3)}`, {
      type,
      responseHeaders: {
        "Access-Control-Allow-Origin": `'${ORIGIN}'`,
        "Access-Control-Allow-Headers": `'${ALLOW_HEADERS.join(",")}'`,
        "Access-Control-Allow-Methods": "'OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD'",
      },
    });
  }
  const validator = api.addRequestValidator("RequestValidator", {
    validateRequestBody: true, validateRequestParameters: true,
  });
  const authorizer = new apigw.CognitoUserPoolsAuthorizer(stack, `${name}Authorizer`, {
    cognitoUserPools: [pool],
  });
  // One permission for the whole API instead of two per method (LambdaIntegration's default).
  const integration = new apigw.LambdaIntegration(handler, { allowTestInvoke: false, scopePermissionToMethod: false });
  for (const [verb, p] of routes) {
    const [top, ...rest] = p.split("/").filter(Boolean);
    const topResource = api.root.getResource(top) ?? api.root.addResource(top, { defaultCorsPreflightOptions: cors });
    const resource = rest.length ? topResource.resourceForPath(rest.join("/")) : topResource;
    resource.addMethod(verb, integration, {
      authorizer,
      authorizationType: apigw.AuthorizationType.COGNITO,
      authorizationScopes: scopes,
      requestValidator: validator,
    });
  }
  return api;
}

// identityPool is the Amplify-style identity pool: authenticated and guest roles trusted through
// cognito-identity.amazonaws.com, attached to the pool. aws-cdk-lib has no stable L2 for it.
function identityPool(stack, pool, client) {
  const ip = new cognito.CfnIdentityPool(stack, "IdentityPool", {
    allowUnauthenticatedIdentities: true,
    cognitoIdentityProviders: [{
      clientId: client.userPoolClientId, providerName: pool.userPoolProviderName, serverSideTokenCheck: true,
    }],
  });
  // The authenticated role's grants are the shared policy (photoshare): an inline one would be empty.
  const role = (id, amr, Role) => new Role(stack, id, {
    assumedBy: new iam.FederatedPrincipal("cognito-identity.amazonaws.com", {
      StringEquals: { "cognito-identity.amazonaws.com:aud": ip.ref },
      "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": amr },
    }, "sts:AssumeRoleWithWebIdentity"),
  });
  const authenticated = role("IdentityPoolAuthenticatedRole", "authenticated", iam.Role);
  const guest = role("IdentityPoolGuestRole", "unauthenticated", InlineRole);
  new cognito.CfnIdentityPoolRoleAttachment(stack, "IdentityPoolRoleAttachment", {
    identityPoolId: ip.ref, roles: { authenticated: authenticated.roleArn, unauthenticated: guest.roleArn },
  });
  return { authenticated, guest };
}

// grantLevel allows actions on objects under prefix and listing of that prefix, as amplify-js expects.
function grantLevel(policy, bucket, prefix, actions) {
  policy.addStatements(
    new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects(`${prefix}*`)] }),
    new iam.PolicyStatement({
      actions: ["s3:ListBucket"], resources: [bucket.bucketArn],
      conditions: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
    }),
  );
}

function photoshare(app) {
  const stack = new cdk.Stack(app, "photobench-dev", { analyticsReporting: false });
  const { pool, client } = userPool(stack, ["admins", "editors"]);
  const { authenticated, guest } = identityPool(stack, pool, client);
  const bucket = new s3.Bucket(stack, "PhotoStore", {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: cdk.RemovalPolicy.DESTROY,
    autoDeleteObjects: true, // a dev stack must be deletable with files in its bucket
    cors: [{
      allowedOrigins: [ORIGIN], allowedHeaders: ["*"], exposedHeaders: ["ETag"],
      allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD, s3.HttpMethods.PUT, s3.HttpMethods.POST, s3.HttpMethods.DELETE],
    }],
  });
  const rw = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"];
  const user = "${cognito-identity.amazonaws.com:sub}";
  const authPolicy = new iam.Policy(stack, "IdentityPoolAuthenticatedPolicy", { roles: [authenticated] });
  grantLevel(authPolicy, bucket, "public/", rw);
  grantLevel(authPolicy, bucket, "protected/", ["s3:GetObject"]);
  grantLevel(authPolicy, bucket, `protected/${user}/`, rw);
  grantLevel(authPolicy, bucket, `private/${user}/`, rw);
  grantLevel(guest.grants, bucket, "public/", ["s3:GetObject"]);

  const photos = fn(stack, "photos", { STORAGE_PHOTOSTORE_BUCKETNAME: bucket.bucketName });
  bucket.grantReadWrite(photos);
  bucket.grantDelete(photos);
  const routes = [["GET", "/photos"], ["POST", "/photos"], ["GET", "/photos/{id}"], ["DELETE", "/photos/{id}"]];
  restApi(stack, "photos", pool, photos, routes, ["aws.cognito.signin.user.admin"]);
  outputs(stack, { UserPoolId: pool.userPoolId, UserPoolClientId: client.userPoolClientId, BucketPhotoStoreName: bucket.bucketName });
}

function routesApp(app, n) {
  const stack = new cdk.Stack(app, "bench-dev", { analyticsReporting: false });
  const { pool, client } = userPool(stack, []);
  const catalog = fn(stack, "catalog", {});
  // id-token routes: a Cognito authorizer without scopes.
  restApi(stack, "bench", pool, catalog, routePaths(n), undefined);
  outputs(stack, { UserPoolId: pool.userPoolId, UserPoolClientId: client.userPoolClientId });
}

function outputs(stack, values) {
  new cdk.CfnOutput(stack, "Region", { value: stack.region });
  for (const [k, v] of Object.entries(values)) new cdk.CfnOutput(stack, k, { value: v });
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const app = new cdk.App();
  if (opts.mode === "empty") new cdk.Stack(app, "empty-dev", { analyticsReporting: false });
  else if (opts.mode === "routes") routesApp(app, opts.routes);
  else photoshare(app);
  app.synth();
}

main();
