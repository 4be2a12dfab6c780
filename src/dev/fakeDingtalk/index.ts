export { type StreamAck, FakeStreamGateway } from "./streamGateway";
export { FakeDingtalk, type FakeDingtalkOptions, type FakeCard, type FakeMedia, type FakeGroupMessage, type FakeChatItem, type FakeDingDepartment, type FakeDingUser, type FakeFailure, type FakeRobotMessage, type FakeWorkNotice, type RecordedCall } from "./FakeDingtalk";
export { deliverCardClick, deliverEvent, deliverRobotMessage, robotMediaBody, robotTextBody, type DeliveryAnswer, type DingtalkCallbackApp, type RobotMedia, type RobotText } from "./deliver";
