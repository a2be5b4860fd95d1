// Orders API handler: the access token's claims (scope included) arrive in requestContext.authorizer.claims.
export const handler = async (event) => {
  const allowed = (process.env.UNDERHOOD_ALLOWED_ORIGINS ?? "").split(",").filter(Boolean);
  const origin = event.headers?.origin ?? event.headers?.Origin ?? "";
  const headers = { "Content-Type": "application/json", Vary: "Origin" };
  if (allowed.includes(origin)) headers["Access-Control-Allow-Origin"] = origin;
  const claims = event.requestContext?.authorizer?.claims ?? {};
  return { statusCode: 200, headers, body: JSON.stringify({ user: claims.sub ?? null, orders: [] }) };
};
