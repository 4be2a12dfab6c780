import { CoreDirectory1764115200000 } from "./1764115200000-CoreDirectory";

/** Every migration in order; listed, not globbed, so ts-jest and compiled code run the same set. */
export const migrations = [CoreDirectory1764115200000];
