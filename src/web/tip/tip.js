"use strict";
// The public tip page (/tip) and its lookup (/tip/status): plain script, no framework, phone first.
(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_PHOTOS = 9;

  function problem(text) {
    const p = $("problem");
    p.textContent = text || "";
    p.hidden = !text;
  }

  /** A random id kept on this phone, so the server can limit one device's submissions. */
  function deviceId() {
    let id = localStorage.getItem("anshao-device");
    if (!id) {
      const bytes = crypto.getRandomValues(new Uint8Array(12));
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      localStorage.setItem("anshao-device", id);
    }
    return id;
  }

  async function readJson(res) {
    try {
      return await res.json();
    } catch {
      return {};
    }
  }

  function tipPage() {
    const form = $("tip-form");
    const select = $("category");
    let categories = [];
    let position = null;

    fetch("/api/public/tip-categories")
      .then(readJson)
      .then((body) => {
        categories = body.data || [];
        select.innerHTML = "";
        const blank = new Option("请选择", "");
        select.add(blank);
        for (const c of categories) select.add(new Option(c.name, c.code));
      })
      .catch(() => problem("举报类别加载失败，请刷新页面重试"));
    select.addEventListener("change", () => {
      const c = categories.find((x) => x.code === select.value);
      $("category-hint").textContent = c ? c.hint : "";
    });

    $("photos").addEventListener("change", () => {
      const files = Array.from($("photos").files || []);
      const box = $("previews");
      box.innerHTML = "";
      if (files.length > MAX_PHOTOS) problem(`照片最多 ${MAX_PHOTOS} 张，请重新选择`);
      else problem("");
      for (const f of files.slice(0, MAX_PHOTOS)) {
        const img = document.createElement("img");
        img.alt = "照片预览";
        img.src = URL.createObjectURL(f);
        box.appendChild(img);
      }
    });

    $("locate").addEventListener("click", () => {
      if (!navigator.geolocation) return void ($("located").textContent = "此浏览器无法定位，请填写地址");
      $("located").textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(
        (p) => {
          position = { lat: p.coords.latitude, lng: p.coords.longitude };
          $("located").textContent = `已定位：${position.lat.toFixed(5)}, ${position.lng.toFixed(5)}`;
        },
        () => {
          position = null;
          $("located").textContent = "未能定位，请填写地址";
        },
        { enableHighAccuracy: true, timeout: 15000 },
      );
    });

    for (const radio of form.querySelectorAll("input[name=anonymous]")) {
      radio.addEventListener("change", () => {
        $("identity").hidden = form.querySelector("input[name=anonymous]:checked").value !== "false";
      });
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      problem("");
      const files = Array.from($("photos").files || []);
      if (!select.value) return problem("请选择举报类别");
      if ($("description").value.trim().length < 5) return problem("请把举报的情况说清楚（至少 5 个字）");
      if (files.length > MAX_PHOTOS) return problem(`照片最多 ${MAX_PHOTOS} 张`);
      const data = new FormData();
      data.append("category", select.value);
      data.append("description", $("description").value);
      data.append("address", $("address").value);
      if (position) {
        data.append("lat", String(position.lat));
        data.append("lng", String(position.lng));
      }
      const anonymous = form.querySelector("input[name=anonymous]:checked").value;
      data.append("anonymous", anonymous);
      if (anonymous === "false") {
        data.append("name", $("name").value);
        data.append("phone", $("phone").value);
      }
      for (const f of files) data.append("photos", f, f.name);
      const button = $("submit");
      button.disabled = true;
      button.textContent = "正在提交…";
      try {
        const res = await fetch("/api/public/tips", { method: "POST", body: data, headers: { "X-Device-Id": deviceId() } });
        const body = await readJson(res);
        if (res.status !== 201) return problem(body.message || "提交失败，请稍后再试");
        form.hidden = true;
        $("receipt-code").textContent = body.data.code;
        $("receipt-token").textContent = body.data.token;
        $("receipt-link").href = `/tip/status#code=${encodeURIComponent(body.data.code)}&token=${encodeURIComponent(body.data.token)}`;
        $("receipt").hidden = false;
        window.scrollTo(0, 0);
      } catch {
        problem("网络不通，请稍后再试；情况紧急请拨打 12350");
      } finally {
        button.disabled = false;
        button.textContent = "提交举报";
      }
    });
  }

  function statusPage() {
    const form = $("status-form");
    // The receipt's link carries code and token in the fragment: never sent to a server or a log.
    const given = new URLSearchParams(location.hash.slice(1));
    if (given.get("code")) $("code").value = given.get("code");
    if (given.get("token")) $("token").value = given.get("token");
    const day = (iso) => (iso ? new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : "—");

    async function lookUp() {
      problem("");
      $("status").hidden = true;
      const code = $("code").value.trim().toUpperCase();
      const token = $("token").value.trim();
      if (!code || !token) return problem("请填写查询码和密钥");
      try {
        const res = await fetch(`/api/public/tips/${encodeURIComponent(code)}?token=${encodeURIComponent(token)}`);
        const body = await readJson(res);
        if (res.status !== 200) return problem(body.message || "查询失败，请稍后再试");
        const s = body.data;
        $("status-label").textContent = s.statusLabel;
        $("status-reported").textContent = day(s.reportedAt);
        $("status-accepted").textContent = day(s.acceptedAt);
        $("status-closed").textContent = day(s.closedAt);
        $("status-feedback").textContent = s.feedback || "暂无反馈";
        $("status-reward").textContent = s.reward ? `${s.reward.amount} 元（${s.reward.state === "paid" ? `已于 ${day(s.reward.paidAt)} 兑现` : "待兑现"}）` : "—";
        $("status").hidden = false;
      } catch {
        problem("网络不通，请稍后再试");
      }
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void lookUp();
    });
    if (given.get("code") && given.get("token")) void lookUp();
  }

  if ($("tip-form")) tipPage();
  if ($("status-form")) statusPage();
})();
