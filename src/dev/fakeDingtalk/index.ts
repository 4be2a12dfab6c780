export { FakeDingtalk, type FakeDingtalkOptions, type FakeFailure, type FakeWorkNotice, type RecordedCall } from "./FakeDingtalk";
export { deliverEvent, deliverRobotMessage, robotTextBody, type DeliveryAnswer, type DingtalkCallbackApp, type RobotText } from "./deliver";
