import { buildXml, cdata, extractEncrypt, parseMessageXml, WecomXmlError } from "../../src/channels/wecom/xml";

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WecomXmlError) return err.reason;
    throw err;
  }
  return "no error";
}

const XXE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xml [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<xml><ToUserName><![CDATA[ww1]]></ToUserName><Encrypt>&xxe;</Encrypt><Content>&xxe;</Content></xml>`;

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<xml><Encrypt>&lol9;</Encrypt><Content>&lol9;</Content></xml>`;

describe("parseMessageXml", () => {
  it("returns the children of <xml> with every value a string", () => {
    const xml = parseMessageXml(
      "<xml>\n <ToUserName><![CDATA[ww1]]></ToUserName>\n <CreateTime>1411525903</CreateTime>\n <MsgId>4363689963896700987</MsgId>\n <AgentID>1000002</AgentID>\n</xml>",
    );
    expect(xml).toEqual({ ToUserName: "ww1", CreateTime: "1411525903", MsgId: "4363689963896700987", AgentID: "1000002" });
  });

  it("keeps CDATA exactly and decodes only XML's predefined entities in plain text", () => {
    const xml = parseMessageXml("<xml><Content><![CDATA[ a &amp; <b> 隐患 ]]></Content><Label>厂区&amp;仓库 &#20013;&#x6587; &nbsp; &xxe;</Label></xml>");
    expect(xml.Content).toBe(" a &amp; <b> 隐患 ");
    expect(xml.Label).toBe("厂区&仓库 中文 &nbsp; &xxe;");
  });

  it("keeps nested and repeated elements", () => {
    const xml = parseMessageXml(
      "<xml><SelectedItems><SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds><OptionId><![CDATA[a]]></OptionId><OptionId><![CDATA[b]]></OptionId></OptionIds></SelectedItem></SelectedItems></xml>",
    );
    expect(xml.SelectedItems).toEqual({ SelectedItem: { QuestionKey: "q1", OptionIds: { OptionId: ["a", "b"] } } });
  });

  it("refuses DOCTYPE and ENTITY declarations (XXE, billion laughs), whatever their case", () => {
    expect(reason(() => parseMessageXml(XXE))).toBe("dtd");
    expect(reason(() => parseMessageXml(BILLION_LAUGHS))).toBe("dtd");
    expect(reason(() => parseMessageXml("<!doctype xml><xml><a>1</a></xml>"))).toBe("dtd");
    expect(reason(() => parseMessageXml('<xml><!ENTITY a "b"><a>1</a></xml>'))).toBe("dtd");
  });

  it("refuses garbage", () => {
    for (const garbage of ["", "garbage", "{\"xml\":1}", "<notxml><a>1</a></notxml>", "<xml>", "<xml>just text</xml>", "\u0000\u0001"]) {
      expect(reason(() => parseMessageXml(garbage))).toBe("not_xml");
    }
  });
});

describe("extractEncrypt", () => {
  it("reads the ciphertext with or without CDATA, wherever the field sits", () => {
    expect(extractEncrypt("<xml><ToUserName><![CDATA[ww1]]></ToUserName><AgentID>1</AgentID><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>")).toBe("abc+/=");
    expect(extractEncrypt("<xml>\n  <Encrypt>abc+/=</Encrypt>\n  <AgentID><![CDATA[1]]></AgentID>\n</xml>")).toBe("abc+/=");
  });

  it("refuses bodies without exactly one usable <Encrypt>", () => {
    for (const body of ["", "garbage", "<xml></xml>", "<xml><Encrypt></Encrypt></xml>", "<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>", "<xml><Encrypt><![CDATA[abc</Encrypt></xml>", "<xml><Encrypt><b>x</b></Encrypt></xml>", "<xml><Encrypt>abc"]) {
      expect(reason(() => extractEncrypt(body))).toBe("no_encrypt");
    }
  });

  it("refuses DTDs before looking at anything else", () => {
    expect(reason(() => extractEncrypt(XXE))).toBe("dtd");
    expect(reason(() => extractEncrypt(BILLION_LAUGHS))).toBe("dtd");
  });
});

describe("buildXml", () => {
  it("writes strings as CDATA, numbers bare, and nests objects; the parser reads it back", () => {
    const xml = buildXml({ ToUserName: "zhangsan", CreateTime: 1411525903, MsgType: "update_button", Button: { ReplaceName: "已确认" } });
    expect(xml).toBe(
      "<xml><ToUserName><![CDATA[zhangsan]]></ToUserName><CreateTime>1411525903</CreateTime><MsgType><![CDATA[update_button]]></MsgType><Button><ReplaceName><![CDATA[已确认]]></ReplaceName></Button></xml>",
    );
    expect(parseMessageXml(xml)).toEqual({ ToUserName: "zhangsan", CreateTime: "1411525903", MsgType: "update_button", Button: { ReplaceName: "已确认" } });
  });

  it("survives ]]> inside a CDATA value", () => {
    expect(parseMessageXml(`<xml><Content>${cdata("a]]>b")}</Content></xml>`).Content).toBe("a]]>b");
  });
});

describe("parseMessageXml, the reader's edges", () => {
  it("skips the declaration, comments, processing instructions and attributes, and reads self-closing tags as empty", () => {
    const xml = parseMessageXml('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- sent by WeCom -->\n<xml lang="zh"><A x=\'1\' y="2"><![CDATA[a]]></A><!-- note --><B/><C></C><D>  </D><?pi x?></xml>\n');
    expect(xml).toEqual({ A: "a", B: "", C: "", D: "" });
  });

  it("keeps a leaf's text and CDATA apart: text trimmed and entity-decoded, CDATA exact", () => {
    expect(parseMessageXml("<xml><A> x &lt;1&gt; <![CDATA[ <y> ]]></A></xml>").A).toBe("x <1> <y> ");
  });

  it("refuses documents that are not well formed: unclosed, closed by another name, stray markup, text around the root, another root", () => {
    for (const bad of ["<xml><A>1</B></xml>", "<xml><A>1</xml>", "<xml><A>1</A>", "<xml><A x=1>1</A></xml>", "<xml><A>1<</A></xml>", "<xml><![CDATA[x</xml>", "<xml><!ELEMENT a ANY></xml>", "x<xml><A>1</A></xml>", "<xml><A>1</A></xml>x", "<other><A>1</A></other>", "<xml><A>1</A></xml><xml><A>2</A></xml>"]) {
      expect(reason(() => parseMessageXml(bad))).toBe("not_xml");
    }
  });

  it("refuses a tag that would set a record's prototype, and nesting deeper than any message", () => {
    expect(reason(() => parseMessageXml("<xml><__proto__><A>1</A></__proto__></xml>"))).toBe("not_xml");
    expect(parseMessageXml("<xml><constructor>1</constructor><constructor>2</constructor></xml>")).toEqual({ constructor: ["1", "2"] });
    const deep = (n: number) => `<xml>${"<A>".repeat(n)}1${"</A>".repeat(n)}</xml>`;
    expect(reason(() => parseMessageXml(deep(40)))).toBe("not_xml");
    expect(reason(() => parseMessageXml(deep(20)))).toBe("no error");
  });
});
