// The bench API's handler; its content does not matter to synth, only that the folder exists.
export const handler = async () => ({ statusCode: 200, body: "[]" });
