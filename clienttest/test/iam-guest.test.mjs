import { runExample } from "../lib/suite.mjs";

runExample("iam-guest");
