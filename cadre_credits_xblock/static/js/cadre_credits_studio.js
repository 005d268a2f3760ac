/**
 * Studio editor of the credit-hour block: posts the form to ``studio_submit`` and
 * shows the server's (translated) message when a value is refused.
 */
(function (global) {
  "use strict";

  function csrfToken(doc) {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(doc.cookie || "");
    return match ? decodeURIComponent(match[1]) : "";
  }

  function formValues(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) { return; }
      values[field.name] = field.type === "checkbox" ? field.checked : field.value;
    });
    return values;
  }

  function CadreCreditsStudio(runtime, element) {
    var root = element && element.jquery ? element[0] : element;
    var doc = root.ownerDocument;
    var form = root.querySelector(".cc-studio-form");
    var error = root.querySelector(".cc-studio-error");
    var notice = root.querySelector(".cc-studio-notice");
    root.querySelector(".save-button").addEventListener("click", function () {
      error.textContent = "";
      if (notice) { notice.textContent = ""; }
      if (runtime.notify) { runtime.notify("save", { state: "start" }); }
      global.fetch(runtime.handlerUrl(root, "studio_submit"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(doc) },
        body: JSON.stringify(formValues(form)),
      }).then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      }).then(function (res) {
        if (res.ok) {
          if (notice && res.json.notice) { notice.textContent = res.json.notice; }
          if (runtime.notify) { runtime.notify("save", { state: "end" }); }
        } else {
          error.textContent = res.json.error || "";
          if (runtime.notify) { runtime.notify("error", { title: "", message: res.json.error || "" }); }
        }
      });
    });
    root.querySelector(".cancel-button").addEventListener("click", function () {
      if (runtime.notify) { runtime.notify("cancel", {}); }
    });
  }

  global.CadreCreditsStudio = CadreCreditsStudio;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { CadreCreditsStudio: CadreCreditsStudio, formValues: formValues };
  }
})(typeof window !== "undefined" ? window : globalThis);
