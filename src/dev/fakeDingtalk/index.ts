export { FakeDingtalk, type FakeDingtalkOptions, type FakeFailure, type FakeRobotMessage, type FakeWorkNotice, type RecordedCall } from "./FakeDingtalk";
export { deliverEvent, deliverRobotMessage, robotMediaBody, robotTextBody, type DeliveryAnswer, type DingtalkCallbackApp, type RobotMedia, type RobotText } from "./deliver";
