import { MalformedMessageError, toInboundEvent, typeOf } from "../../src/channels/wecom/inbound";
import { parseMessageXml } from "../../src/channels/wecom/xml";

const CREATED = 1764201600;
const head = (from: string, type: string) =>
  `<ToUserName><![CDATA[ww5c2f1e8d7a6b3c90]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${CREATED}</CreateTime><MsgType><![CDATA[${type}]]></MsgType>`;
const message = (type: string, fields: string, msgId = "4363689963896700987") => `<xml>${head("zhangsan", type)}${fields}<MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;
const event = (name: string, fields = "", from = "zhangsan") => `<xml>${head(from, "event")}<Event><![CDATA[${name}]]></Event>${fields}<AgentID>1000002</AgentID></xml>`;
const convert = (xml: string) => toInboundEvent(parseMessageXml(xml));
const base = { channel: "wecom", senderId: "zhangsan", occurredAt: new Date(CREATED * 1000) };

describe("messages", () => {
  it("text: keyed AgentID:MsgId, the 64-bit MsgId kept exact", () => {
    expect(convert(message("text", "<Content><![CDATA[隐患：东门消防通道堵塞]]></Content>"))).toEqual({
      ...base,
      eventId: "1000002:4363689963896700987",
      kind: "text",
      text: "隐患：东门消防通道堵塞",
    });
  });

  it("image: the media id (and the picture URL)", () => {
    expect(convert(message("image", "<PicUrl><![CDATA[https://wework.qpic.cn/x]]></PicUrl><MediaId><![CDATA[media_1]]></MediaId>"))).toEqual({
      ...base,
      eventId: "1000002:4363689963896700987",
      kind: "image",
      mediaId: "media_1",
      picUrl: "https://wework.qpic.cn/x",
    });
  });

  it("voice: the media id and format", () => {
    expect(convert(message("voice", "<MediaId><![CDATA[media_2]]></MediaId><Format><![CDATA[amr]]></Format>"))).toMatchObject({ kind: "voice", mediaId: "media_2", format: "amr" });
  });

  it("location: latitude, longitude and label", () => {
    expect(convert(message("location", "<Location_X>30.2741</Location_X><Location_Y>120.1551</Location_Y><Scale>15</Scale><Label><![CDATA[杭州市西湖区]]></Label><AppType><![CDATA[wxwork]]></AppType>"))).toMatchObject({
      kind: "location",
      latitude: 30.2741,
      longitude: 120.1551,
      label: "杭州市西湖区",
    });
  });

  it("video, link, file and unknown types are not handled (null)", () => {
    expect(convert(message("video", "<MediaId>m</MediaId><ThumbMediaId>t</ThumbMediaId>"))).toBeNull();
    expect(convert(message("link", "<Title>t</Title><Url>u</Url>"))).toBeNull();
    expect(convert(message("file", "<MediaId>m</MediaId>"))).toBeNull();
    expect(convert(message("hologram", ""))).toBeNull();
  });
});

describe("events", () => {
  it("menu click carries the menu key; keyed by a hash of the event", () => {
    const click = convert(event("click", "<EventKey><![CDATA[report_hazard]]></EventKey>"));
    expect(click).toMatchObject({ ...base, kind: "menu_click", key: "report_hazard" });
    expect(click?.eventId).toMatch(/^ev:[0-9a-f]{64}$/);
  });

  it("enter_agent", () => {
    expect(convert(event("enter_agent", "<EventKey><![CDATA[]]></EventKey>"))).toMatchObject({ ...base, kind: "enter_agent" });
  });

  it("template_card_event: task id, button key and response code", () => {
    const xml = event(
      "template_card_event",
      "<EventKey><![CDATA[ack]]></EventKey><TaskId><![CDATA[callout-20261127-0001]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[rc-abc]]></ResponseCode><SelectedItems><SelectedItem><QuestionKey><![CDATA[q]]></QuestionKey><OptionIds><OptionId><![CDATA[o1]]></OptionId></OptionIds></SelectedItem></SelectedItems>",
    );
    expect(convert(xml)).toMatchObject({ ...base, kind: "card_click", taskId: "callout-20261127-0001", buttonKey: "ack", responseCode: "rc-abc" });
  });

  it("change_contact: users and departments; tag changes are not handled", () => {
    const user = convert(event("change_contact", "<ChangeType><![CDATA[update_user]]></ChangeType><UserID><![CDATA[lisi]]></UserID><Name><![CDATA[李四]]></Name>", "sys"));
    expect(user).toMatchObject({ channel: "wecom", senderId: "sys", kind: "contact_change", change: "update_user", userId: "lisi" });
    const renamed = convert(event("change_contact", "<ChangeType><![CDATA[update_user]]></ChangeType><UserID><![CDATA[lisi]]></UserID><NewUserID><![CDATA[lisi2026]]></NewUserID>", "sys"));
    expect(renamed).toMatchObject({ kind: "contact_change", change: "update_user", userId: "lisi", newUserId: "lisi2026" });
    const party = convert(event("change_contact", "<ChangeType><![CDATA[delete_party]]></ChangeType><Id>17</Id>", "sys"));
    expect(party).toMatchObject({ kind: "contact_change", change: "delete_party", departmentId: "17" });
    expect(convert(event("change_contact", "<ChangeType><![CDATA[update_tag]]></ChangeType><TagId>1</TagId>", "sys"))).toBeNull();
  });

  it("LOCATION reports, subscribe, view and unknown events are not handled (null)", () => {
    expect(convert(event("LOCATION", "<Latitude>30.1</Latitude><Longitude>120.1</Longitude><Precision>10</Precision>"))).toBeNull();
    expect(convert(event("subscribe"))).toBeNull();
    expect(convert(event("view", "<EventKey><![CDATA[https://x]]></EventKey>"))).toBeNull();
    expect(convert(event("something_new"))).toBeNull();
    expect(typeOf(parseMessageXml(event("something_new")))).toBe("event:something_new");
  });

  it("the event key ignores layout but tells apart people, times and fields", () => {
    const a = convert(event("click", "<EventKey><![CDATA[k]]></EventKey>"))?.eventId;
    const spaced = convert(event("click", "\n  <EventKey>k</EventKey>\n"))?.eventId;
    const other = convert(event("click", "<EventKey><![CDATA[k]]></EventKey>", "lisi"))?.eventId;
    const otherKey = convert(event("click", "<EventKey><![CDATA[k2]]></EventKey>"))?.eventId;
    expect(spaced).toBe(a);
    expect(new Set([a, other, otherKey]).size).toBe(3);
  });
});

describe("malformed", () => {
  const field = (xml: string) => {
    try {
      convert(xml);
    } catch (err) {
      if (err instanceof MalformedMessageError) return err.field;
      throw err;
    }
    return "no error";
  };

  it("names the missing or broken field", () => {
    expect(field("<xml><MsgType>text</MsgType><Content>x</Content></xml>")).toBe("FromUserName");
    expect(field(`<xml>${head("zhangsan", "text")}</xml>`.replace(`${CREATED}`, "yesterday"))).toBe("CreateTime");
    expect(field(message("image", ""))).toBe("MediaId");
    expect(field(message("location", "<Location_X>north</Location_X><Location_Y>120</Location_Y>"))).toBe("Location_X");
    expect(field(message("text", "<Content>x</Content>", "12e3"))).toBe("MsgId");
    expect(field(event("template_card_event", "<EventKey>ack</EventKey>"))).toBe("TaskId");
    expect(field("<xml><FromUserName>a</FromUserName></xml>")).toBe("MsgType");
  });
});
