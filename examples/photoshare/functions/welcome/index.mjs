// Cognito post-confirmation trigger: runs once when a user confirms sign-up.
export const handler = async (event) => {
  console.log(JSON.stringify({ welcome: event.userName, pool: event.userPoolId }));
  return event; // Cognito triggers must return the event
};
