// Shop API handler (both APIs): the id token's claims arrive in requestContext.authorizer.claims. The
// path is the route's, without the custom domain's base path (API Gateway strips it).
export const handler = async (event) => {
  const allowed = (process.env.UNDERHOOD_ALLOWED_ORIGINS ?? "").split(",").filter(Boolean);
  const origin = event.headers?.origin ?? event.headers?.Origin ?? "";
  const headers = { "Content-Type": "application/json", Vary: "Origin" };
  if (allowed.includes(origin)) headers["Access-Control-Allow-Origin"] = origin;
  const claims = event.requestContext?.authorizer?.claims ?? {};
  return { statusCode: 200, headers, body: JSON.stringify({ path: event.resource, email: claims.email ?? null }) };
};
