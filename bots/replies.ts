/** What the bot says outside any flow, in one place so the wording can be reviewed together. */
export const replies = {
  unknownSender: () => "您好，您的账号尚未登记在安哨人员名单中，暂时无法使用。已通知管理员，请联系所在单位管理员添加。",
  deactivated: () => "您好，您在安哨中的账号已停用，暂时无法使用。如有疑问请联系所在单位管理员。",
  adminUnknownSender: (channelName: string, userId: string) =>
    `有未登记的${channelName}用户（账号：${userId}）正在使用安哨，请在人员名单中添加此人，或确认其不应使用。`,
  menuTitle: (name: string) => `${name}，您好！请选择要办理的事项`,
  // The renderer adds the one hint about 取消 and the numbers; this only says how to come back.
  menuFooter: () => "办理中随时回复「帮助」可再次查看本菜单。",
  nothingAllowed: (name: string) => `${name}，您好！您当前的角色暂无可在对话中办理的事项。如需开通，请联系所在单位管理员。`,
  cancelled: (label: string) => `已退出「${label}」，刚才填写的内容未保存。`,
  menuClosed: () => "已关闭菜单。需要时回复「帮助」再打开。",
  documentNotHere: () => "这一步不需要文件，请按下面的提示回复。",
  nothingToCancel: () => "当前没有正在办理的事项。",
  expired: (label: string) => `「${label}」已超过 30 分钟未回复，本次办理已自动结束，填写的内容未保存。请重新开始：`,
  notUnderstood: () => "抱歉，没有看懂您的意思。",
  // A number with no menu on screen (after 取消, or a menu long gone): the menu again, to pick from.
  noMenuOnScreen: () => "当前没有正在办理的事项，请从下面的菜单中选择：",
  // A PDF only serves as proof of a rectification; outside one it says where it belongs.
  documentOutsideFlow: () => "已收到文件，但当前没有需要文件的事项。整改材料（如检测报告）请在「整改反馈」中发送照片时一并发送。",
  photoStartsFlow: (label: string) => `已收到照片，开始「${label}」…`,
  notAllowed: (label: string) => `您当前的角色不能办理「${label}」。如需开通，请联系所在单位管理员。`,
  staleCard: () => "这张卡片已失效（对话已结束或已有新的问题），请按最新消息操作。",
  busy: () => "正在处理您上一条消息，请稍候再发。",
};
