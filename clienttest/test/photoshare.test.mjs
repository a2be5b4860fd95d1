import { runExample } from "../lib/suite.mjs";

runExample("photoshare");
