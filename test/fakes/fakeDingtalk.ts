// The fake lives under src/dev/ so it can run from the build; tests import it from here.
export * from "../../src/dev/fakeDingtalk";
