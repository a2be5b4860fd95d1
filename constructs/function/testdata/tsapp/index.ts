// A TypeScript handler that imports a package from its node_modules (committed for the tests).
import { shout, dirnameType } from "tinycase";

interface Event {
  name: string;
}

export const handler = async (event: Event): Promise<{ message: string; dirname: string }> => {
  return { message: shout(`hello, ${event.name}`), dirname: dirnameType };
};
