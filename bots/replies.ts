/** What the bot says, in one place so the wording can be reviewed together. */
export const replies = {
  received: (name: string) =>
    `您好，${name}。安哨已收到您的消息。\n巡查打卡、隐患随手拍、整改反馈等对话功能正在陆续上线，上线后直接在这里回复即可使用。`,
  unknownSender: () => "您好，您的账号尚未登记在安哨人员名单中，暂时无法使用。已通知管理员，请联系所在单位管理员添加。",
  deactivated: () => "您好，您在安哨中的账号已停用，暂时无法使用。如有疑问请联系所在单位管理员。",
  adminUnknownSender: (channelName: string, userId: string) =>
    `有未登记的${channelName}用户（账号：${userId}）正在使用安哨，请在人员名单中添加此人，或确认其不应使用。`,
};
