// Loopback HTTP server standing in for API Gateway: answers every request 200 with a JSON echo of
// method, path and all headers, and records each request (with its raw body) for the assertions. It
// listens on a free port the system picks, so runs in parallel never collide. respond, when given, may
// answer a request itself (the Cognito user pool API's replies): it returns { status, headers, body } or
// nothing for the echo.
import http from "node:http";

export async function startLoopback({ respond } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      // Node joins repeated headers; keep both the lower-cased map and the raw pairs.
      const record = {
        received: Date.now(), // API Gateway checks X-Amz-Date against the time a request arrives
        method: req.method,
        url: req.url, // raw request target: path + query, as sent
        path: req.url.split("?")[0],
        headers: { ...req.headers },
        rawHeaders: req.rawHeaders,
        body,
      };
      requests.push(record);
      const own = respond?.(record);
      if (own) {
        res.writeHead(own.status, { "content-length": Buffer.byteLength(own.body), ...own.headers });
        res.end(own.body);
        return;
      }
      const echo = JSON.stringify({
        method: record.method,
        path: record.path,
        url: record.url,
        headers: record.headers,
        body: body.toString("utf8"),
      });
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(echo),
      });
      res.end(echo);
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    port: server.address().port,
    requests,
    last() {
      return requests[requests.length - 1];
    },
    /** Returns the requests received since the previous take(). */
    take() {
      return requests.splice(0, requests.length);
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
