/**
 * The Messenger widget stand-in, served at /widget/{app_id} like widget.intercom.io. Plain browser
 * JavaScript. When it loads it does what Intercom's widget does (intercom-api.md §5): replaces
 * the queue stub at window.Intercom, boots from window.intercomSettings, then replays the queued
 * calls (`Intercom.q`) in order. The visitor id lives in localStorage (Intercom keeps it in its
 * intercom-id cookie) and is forgotten on shutdown, so the next boot is a new visitor. Every
 * command is sent, one at a time and in order, to the stand-in's /messenger/web/* endpoint.
 */
export function widgetScript(baseUrl: string, appId: string): string {
  const json = (value: string) => JSON.stringify(value).replace(/</g, "\\u003c");
  return `(function () {
  "use strict";
  var BASE = ${json(baseUrl)};
  var APP_ID = ${json(appId)};
  var KEY = "intercom-sandbox:visitor:" + APP_ID;
  var previous = window.Intercom;
  var queued = previous && previous.q ? Array.prototype.slice.call(previous.q) : [];
  var settings = null; // the booted session's settings; null when shut down
  var visitorId;
  var chain = Promise.resolve();
  var callbacks = { email: [], show: [], hide: [] };
  var ui = null;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = (Math.random() * 16) | 0;
      return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);
    });
  }

  function storedVisitorId() {
    try {
      var id = localStorage.getItem(KEY);
      if (!id) {
        id = uuid();
        localStorage.setItem(KEY, id);
      }
      return id;
    } catch (error) {
      return uuid();
    }
  }

  /** One request at a time, in command order; the body names the visitor at call time. */
  function send(path, body) {
    var payload = Object.assign({ app_id: APP_ID, visitor_id: visitorId }, body);
    var sent = chain.then(function () {
      return fetch(BASE + "/messenger/web/" + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) console.warn("[Intercom sandbox] " + path + " refused", answer);
          return response.ok ? answer : null;
        });
      });
    });
    chain = sent.catch(function () {
      return null;
    });
    return chain;
  }

  function fire(list, value) {
    list.slice().forEach(function (callback) {
      try {
        callback(value);
      } catch (error) {
        console.error("[Intercom sandbox] callback failed", error);
      }
    });
  }

  // ---- the launcher and panel ----
  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function render() {
    unrender();
    var side = settings.alignment === "left" ? "left" : "right";
    var root = element("div", { id: "intercom-sandbox", "data-visitor-id": visitorId });
    root.style.cssText = "position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;font:14px system-ui,sans-serif";
    var launcher = element("button", { id: "intercom-sandbox-launcher", type: "button", "aria-label": "Open the messenger" }, "💬");
    launcher.style.cssText = "width:56px;height:56px;border-radius:50%;border:0;background:#1f8ded;color:#fff;font-size:24px;cursor:pointer";
    if (settings.hide_default_launcher) launcher.style.display = "none";
    var panel = element("div", { id: "intercom-sandbox-panel", role: "dialog" });
    panel.hidden = true;
    panel.style.cssText = "width:300px;margin-bottom:10px;padding:14px;border-radius:12px;background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.2)";
    panel.appendChild(element("strong", {}, "Messenger (Intercom sandbox)"));
    var who = settings.email || settings.user_id ? "Signed in as " + (settings.name || settings.email || settings.user_id) : "Visitor " + visitorId;
    panel.appendChild(element("p", { id: "intercom-sandbox-who" }, who));
    if (!settings.email && !settings.user_id) {
      var form = element("form", { id: "intercom-sandbox-email-form" });
      form.appendChild(element("label", { for: "intercom-sandbox-email" }, "Get replies by email"));
      var input = element("input", { id: "intercom-sandbox-email", type: "email", required: "", placeholder: "you@example.com" });
      input.style.cssText = "display:block;width:100%;margin:6px 0;padding:6px;box-sizing:border-box";
      form.appendChild(input);
      form.appendChild(element("button", { type: "submit" }, "Send"));
      var note = element("p", { id: "intercom-sandbox-note" });
      form.appendChild(note);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var email = input.value;
        send("email", { email: email }).then(function (answer) {
          if (!answer) return;
          note.textContent = "Thanks! We will reply to " + email;
          fire(callbacks.email, email);
        });
      });
      panel.appendChild(form);
    }
    var compose = element("form", { id: "intercom-sandbox-message-form" });
    var message = element("textarea", { id: "intercom-sandbox-message", rows: "2", placeholder: "Ask us anything" });
    message.style.cssText = "display:block;width:100%;margin:6px 0;box-sizing:border-box";
    compose.appendChild(message);
    compose.appendChild(element("button", { type: "submit" }, "Send a message"));
    var sent = element("p", { id: "intercom-sandbox-sent" });
    compose.appendChild(sent);
    compose.addEventListener("submit", function (event) {
      event.preventDefault();
      send("conversations", { body: message.value }).then(function (answer) {
        if (!answer) return;
        message.value = "";
        sent.textContent = "Sent. The team will reply here.";
      });
    });
    panel.appendChild(compose);
    launcher.addEventListener("click", function () {
      setOpen(panel.hidden);
    });
    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(root);
    ui = { root: root, panel: panel };
  }

  function unrender() {
    if (ui && ui.root.parentNode) ui.root.parentNode.removeChild(ui.root);
    ui = null;
  }

  function setOpen(open) {
    if (!ui || ui.panel.hidden === !open) return;
    ui.panel.hidden = !open;
    fire(open ? callbacks.show : callbacks.hide);
  }

  // ---- commands ----
  var commands = {
    boot: function (options) {
      // A boot while booted starts over with the same visitor (its id is kept until shutdown).
      settings = Object.assign({}, options || {});
      visitorId = storedVisitorId();
      render();
      send("ping", { user: settings });
    },
    update: function (attributes) {
      if (!settings) return;
      Object.assign(settings, attributes || {});
      send("ping", { user: settings });
      if (attributes && (attributes.email || attributes.user_id)) render();
    },
    trackEvent: function (name, metadata) {
      if (!settings) return;
      send("events", { event_name: name, created_at: Math.floor(Date.now() / 1000), metadata: metadata || {} });
    },
    shutdown: function () {
      if (!settings) return;
      send("shutdown", {});
      settings = null;
      visitorId = undefined;
      try {
        localStorage.removeItem(KEY);
      } catch (error) {
        /* storage blocked: the id only lived in memory */
      }
      unrender();
    },
    getVisitorId: function () {
      return settings ? visitorId : undefined;
    },
    whoami: function () {
      return settings ? { visitor_id: visitorId, user_id: settings.user_id, email: settings.email } : undefined;
    },
    show: function () {
      setOpen(true);
    },
    hide: function () {
      setOpen(false);
    },
    showMessages: function () {
      setOpen(true);
    },
    showNewMessage: function () {
      setOpen(true);
    },
    onShow: function (callback) {
      if (typeof callback === "function") callbacks.show.push(callback);
    },
    onHide: function (callback) {
      if (typeof callback === "function") callbacks.hide.push(callback);
    },
    onUserEmailSupplied: function (callback) {
      if (typeof callback === "function") callbacks.email.push(callback);
    },
    reattach_activator: function () {},
  };

  function Intercom(command) {
    var handler = commands[command];
    if (!handler) return undefined;
    return handler.apply(null, Array.prototype.slice.call(arguments, 1));
  }

  window.Intercom = Intercom;
  if (window.intercomSettings && window.intercomSettings.app_id === APP_ID) {
    commands.boot(window.intercomSettings);
  }
  queued.forEach(function (args) {
    Intercom.apply(null, Array.prototype.slice.call(args));
  });
})();
`;
}
