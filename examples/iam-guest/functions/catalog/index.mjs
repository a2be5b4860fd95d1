// Catalog API handler. Every route is AWS_IAM: API Gateway has already checked the SigV4 signature and
// the caller's role; requestContext.identity.cognitoIdentityId says who called.
export const handler = async (event) => {
  const headers = { "Content-Type": "application/json" };
  if ((process.env.UNDERHOOD_ALLOWED_ORIGINS ?? "") === "*") headers["Access-Control-Allow-Origin"] = "*";
  const identity = event.requestContext?.identity ?? {};
  return {
    statusCode: 200,
    headers,
    body: JSON.stringify({ route: `${event.httpMethod} ${event.resource}`, identityId: identity.cognitoIdentityId ?? null }),
  };
};
