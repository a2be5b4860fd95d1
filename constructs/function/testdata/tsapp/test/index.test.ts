import { handler } from "../index";

test("greets", async () => {
  expect((await handler({ name: "ada" })).message).toBe("HELLO, ADA!");
});
