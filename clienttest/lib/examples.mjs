// What each example's app.yaml says about its REST routes (examples/<ex>/app.yaml `api:`), as the test
// plan: one concrete call per route and the authorization the route must receive. Values (URLs, ids,
// region) always come from examples/<ex>/outputs.sample.json, never from here. port is the port of the
// sample outputs' API URLs (http://127.0.0.1:<port>/...); nothing listens there: the loopback server
// takes a free port and the staged config files are pointed at it (fixtures.mjs retarget).
export const EXAMPLES = {
  photoshare: {
    port: 43101,
    apis: {
      photos: {
        mixed: true, // access-token routes + one IAM route: callers pass authHeaders() per call
        routes: [
          { method: "GET", path: "/photos", mode: "access-token" },
          { method: "POST", path: "/photos", mode: "access-token", body: { title: "sunset" } },
          { method: "GET", path: "/photos/p-42", mode: "access-token" },
          { method: "DELETE", path: "/photos/p-42", mode: "iam" },
        ],
      },
    },
    storage: { first: "photoStore", buckets: ["photoStore"], levels: ["protected", "private"] },
    groups: ["admins"],
  },
  "userpool-only": {
    port: 43102,
    apis: {
      notes: {
        routes: [
          { method: "GET", path: "/notes", mode: "access-token" },
          { method: "GET", path: "/notes/n-1", mode: "access-token" },
          { method: "POST", path: "/notes", mode: "access-token", body: { text: "hello" } },
          { method: "DELETE", path: "/notes/n-1", mode: "access-token" },
        ],
      },
      profile: {
        routes: [
          { method: "GET", path: "/me", mode: "id-token" },
          { method: "PUT", path: "/me/settings/theme", mode: "id-token", body: { theme: "dark" } }, // ANY /me/{proxy+}
          { method: "GET", path: "/health", mode: "none" },
        ],
      },
    },
    storage: null,
    groups: [],
  },
  "iam-guest": {
    port: 43103,
    apis: {
      catalog: {
        routes: [
          { method: "GET", path: "/items", mode: "iam", guest: true },
          { method: "GET", path: "/items/i%2042", mode: "iam", guest: true },
          { method: "GET", path: "/orders", mode: "iam" },
          { method: "POST", path: "/items", mode: "iam", body: { name: "lamp" } },
          { method: "PATCH", path: "/admin/reindex/all", mode: "iam", body: { full: true } }, // ANY /admin/{proxy+}
        ],
      },
    },
    storage: { first: "media", buckets: ["media"], levels: ["protected"] },
    groups: ["editors"],
  },
  passwordless: {
    port: 43104,
    apis: {
      orders: {
        routes: [
          { method: "GET", path: "/orders", mode: "access-token" },
          { method: "GET", path: "/orders/o-7", mode: "access-token" },
        ],
      },
    },
    storage: null,
    groups: [],
  },
};
