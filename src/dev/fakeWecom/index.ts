export { FakeWecom, type FailureMode, type FakeWecomOptions, type RecordedRequest } from "./FakeWecom";
export { cardClickXml, contactChangeXml, deliverCallback, imageMessageXml, locationMessageXml, textMessageXml, verifyCallbackUrl, type CallbackAnswer, type CallbackApp } from "./callbacks";
export { FAKE_CODES, type FakeConfig } from "./protocol";
export { SAMPLE_DIRECTORY, type FakeDepartment, type FakeDirectory, type FakeMessage, type FakeUser } from "./state";
