export const main = async () => ({ statusCode: 200, body: "app" });
