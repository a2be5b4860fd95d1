import { runExample } from "../lib/suite.mjs";

runExample("userpool-only");
