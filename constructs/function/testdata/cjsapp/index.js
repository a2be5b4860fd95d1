// A CommonJS handler, the way Amplify Gen 1 wrote them: exports.handler and require.
const os = require("os");

exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ platform: typeof os.platform(), got: event.ping }) });
