// Newsgraph reports in the browser: saves and deletes reports with the write token. Charts are
// drawn on the server (server/report_charts.py), so a report page needs no script to show one.
"use strict";

(function () {
  async function send(form, method) {
    const name = form.elements.name.value.trim(), token = form.elements.token.value.trim();
    const message = form.querySelector(".message");
    const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    const init = { method, headers };
    if (method === "PUT") {
      headers["Content-Type"] = "application/sparql-query";
      init.body = form.elements.text.value;
    }
    message.className = "message";
    message.textContent = method === "PUT" ? "Saving\u2026" : "Deleting\u2026";
    let response, body = {};
    try {
      response = await fetch(`/queries/${encodeURIComponent(name)}`, init);
      body = await response.json().catch(() => ({}));
    } catch (err) {
      message.className = "message error";
      message.textContent = `Not saved: ${err}`;
      return;
    }
    if (!response.ok) {
      message.className = "message error";
      message.textContent = `Not ${method === "PUT" ? "saved" : "deleted"} (${response.status}): ${body.message || response.statusText}`;
      return;
    }
    sessionStorage.setItem("newsgraph-token", token);
    message.className = "message ok";
    message.textContent = "";
    if (method === "PUT") {
      message.append(`Saved version ${body.version} of ${name}: `);
      const a = document.createElement("a");
      a.href = `/queries/${encodeURIComponent(name)}/versions/${body.version}`;
      a.textContent = a.href;
      a.id = "saved-version";
      message.append(a);
    } else {
      message.textContent = `Deleted ${name} (its history stays at /queries/${name}/versions).`;
    }
  }

  function wireSaveForms() {
    for (const form of document.querySelectorAll("form[data-save]")) {
      const saved = sessionStorage.getItem("newsgraph-token");
      if (saved && !form.elements.token.value) form.elements.token.value = saved;
      form.addEventListener("submit", (event) => { event.preventDefault(); send(form, "PUT"); });
      const del = form.querySelector("button[name=delete]");
      if (del) del.addEventListener("click", () => {
        if (form.elements.token.reportValidity() && confirm(`Delete ${form.elements.name.value}? Its versions stay readable.`)) send(form, "DELETE");
      });
    }
  }

  wireSaveForms();
})();
