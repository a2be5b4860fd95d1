// Pre token generation, event version 2 (TokenGeneration_*): adds orders/read to the access token of
// every user who signed in (password, one-time code, passkey or hosted UI). Decide here who gets it:
// the API requires the scope, so a token without it is refused.
export const handler = async (event) => {
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: { scopesToAdd: ["orders/read"] },
    },
  };
  return event;
};
