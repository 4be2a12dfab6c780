// The fake lives under src/dev/ so `npm run fake:wecom` runs from the build; tests import it from here.
export * from "../../src/dev/fakeWecom";
