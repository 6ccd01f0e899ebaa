/*
 * Hull.js stand-in for the local Hull sandbox. It mimics the parts of Hull.js 0.10 that a
 * connector's browser script relies on (see shared/reference/hull-platform.md §1): auto-init from
 * the script tag, the ready promise, a wildcard event bus, track/traits/identify/alias/api,
 * currentUser/config, auto-tracked hull.user.* events and real embedding of deployments through
 * Hull.onEmbed. Plain browser JavaScript, no build step.
 */
(function () {
  "use strict";
  if (window.Hull && window.Hull.__sandbox) return;

  var tag = document.currentScript;
  var STORAGE_KEY = "hull-sandbox:anonymous-id";
  var OBJECT_ID = /^[a-f0-9]{24}$/i;

  // ---- event bus: EventEmitter2-like, wildcard, "." delimiter, `this.event` in listeners ----
  var listeners = [];

  function matches(pattern, name) {
    var p = pattern.split(".");
    var n = name.split(".");
    function walk(i, j) {
      if (i === p.length) return j === n.length;
      if (p[i] === "**") {
        for (var k = j; k <= n.length; k++) if (walk(i + 1, k)) return true;
        return false;
      }
      if (j === n.length) return false;
      return (p[i] === "*" || p[i] === n[j]) && walk(i + 1, j + 1);
    }
    return walk(0, 0);
  }

  function on(event, fn, times) {
    if (typeof fn !== "function") throw new TypeError("Hull.on needs a function");
    listeners.push({ pattern: event, fn: fn, left: times || Infinity });
    return Hull;
  }

  function off(event, fn) {
    listeners = listeners.filter(function (l) {
      return !(l.pattern === event && (!fn || l.fn === fn));
    });
    return Hull;
  }

  function emit(event) {
    var args = Array.prototype.slice.call(arguments, 1);
    listeners.slice().forEach(function (l) {
      if (!matches(l.pattern, event)) return;
      l.left -= 1;
      if (l.left <= 0) listeners.splice(listeners.indexOf(l), 1);
      try {
        l.fn.apply({ event: event, emitter: Hull }, args);
      } catch (error) {
        console.error("[Hull] listener for " + event + " failed", error);
      }
    });
    return Hull;
  }

  // ---- state ----
  var config = null;
  var me = null;
  var app = null;
  var org = null;
  var isReady = false;
  var pool = [];
  var resolveReady;
  var rejectReady;
  var readyPromise = new Promise(function (resolve, reject) {
    resolveReady = resolve;
    rejectReady = reject;
  });
  readyPromise.catch(function () {});

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = (Math.random() * 16) | 0;
      return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);
    });
  }

  function storedAnonymousId() {
    try {
      var existing = localStorage.getItem(STORAGE_KEY);
      if (existing) return existing;
      var fresh = uuid();
      localStorage.setItem(STORAGE_KEY, fresh);
      return fresh;
    } catch {
      return uuid();
    }
  }

  function newAnonymousId() {
    var fresh = uuid();
    try {
      localStorage.setItem(STORAGE_KEY, fresh);
    } catch {
      /* storage may be blocked; the id still lives in memory */
    }
    config.anonymousId = fresh;
    return fresh;
  }

  /** One call to the org; the visitor is named by headers, built synchronously at call time. */
  function request(method, path, params) {
    var url =
      config.orgUrl +
      "/api/v1/" +
      String(path)
        .replace(/^\/+/, "")
        .replace(/^api\/v1\//, "");
    var headers = { "Hull-App-Id": config.appId, "Hull-Anonymous-Id": config.anonymousId };
    if (me && me.id) headers["Hull-User-Id"] = me.id;
    var init = { method: method.toUpperCase(), headers: headers };
    if (init.method === "GET" || init.method === "DELETE") {
      var query = new URLSearchParams(params || {}).toString();
      if (query) url += (url.indexOf("?") < 0 ? "?" : "&") + query;
    } else {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(params || {});
    }
    return fetch(url, init).then(function (response) {
      return response.text().then(function (text) {
        var body = text ? JSON.parse(text) : null;
        if (!response.ok) {
          var error = new Error((body && body.message) || "Hull API error " + response.status);
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  /** Before init, calls wait in the pool and are replayed in order once ready (src/utils/pool). */
  function whenReady(fn) {
    return function () {
      var args = arguments;
      if (isReady) return fn.apply(null, args);
      return new Promise(function (resolve, reject) {
        pool.push(function () {
          Promise.resolve(fn.apply(null, args)).then(resolve, reject);
        });
      });
    };
  }

  // ---- API methods ----
  var track = whenReady(function (event, properties) {
    var params = properties || {};
    var sent = request("post", "t", {
      event: event,
      properties: params,
      url: location.href,
      referer: document.referrer,
    });
    return sent.then(function (body) {
      // Hull.js emits hull.track only once the remote has dispatched the event, with {event, params}.
      emit("hull.track", { event: event, params: params });
      return body;
    });
  });

  function traitWrite(name, raw) {
    var isOperation =
      raw !== null && typeof raw === "object" && !Array.isArray(raw) && "value" in raw;
    var operation = isOperation ? raw.operation || "set" : "set";
    if (operation === "increment") operation = "inc";
    if (operation === "decrement") operation = "dec";
    return { name: name, operation: operation, value: isOperation ? raw.value : raw };
  }

  var traits = whenReady(function (nameOrHash, value) {
    var isHash = nameOrHash !== null && typeof nameOrHash === "object";
    var hash = isHash ? nameOrHash : {};
    if (!isHash) hash[nameOrHash] = value;
    emit("hull.traits", hash);
    if (isHash) emit("hull.identify", hash);
    return Object.keys(hash).map(function (name) {
      var write = traitWrite(name, hash[name]);
      write.sent = request("put", "me/traits", write);
      write.sent.catch(function (error) {
        console.error("[Hull] traits(" + name + ") failed", error);
      });
      return write;
    });
  });

  var alias = whenReady(function (anonymousId) {
    return request("post", "me/alias", { anonymous_id: anonymousId });
  });

  var api = whenReady(function (pathOrDesc, method, params) {
    var path = typeof pathOrDesc === "string" ? pathOrDesc : pathOrDesc && pathOrDesc.path;
    if (typeof method === "object" && method !== null) {
      params = method;
      method = "get";
    }
    return request(method || "get", path, params);
  });

  var login = whenReady(function (person) {
    return request("post", "me/login", person || {}).then(function (user) {
      me = user;
      emit("hull.user.login", me, "sandbox");
      return me;
    });
  });

  var logout = whenReady(function () {
    var previous = me;
    emit("hull.user.logout", previous);
    var tracked = autoTrack("hull.user.logout", {});
    me = null;
    newAnonymousId();
    return tracked.then(function () {
      return previous;
    });
  });

  function autoTrack(event, properties) {
    return track(event, properties).catch(function (error) {
      console.error("[Hull] auto-track of " + event + " failed", error);
    });
  }

  // Hull.js tracks its own user lifecycle events, so each of them also fires hull.track.
  on("hull.user.login", function (_user, provider) {
    autoTrack("hull.user.login", { provider: provider || "sandbox" });
  });

  function readConfig(key) {
    if (!config) return undefined;
    var all = Object.assign({}, config, { services: (remote && remote.services) || {} });
    if (!key) return all;
    return key.split(".").reduce(function (value, part) {
      return value == null ? undefined : value[part];
    }, all);
  }

  // ---- embedding (src/client/embeds) ----
  var embedCallbacks = {}; // ship id → [callback]
  var embedded = {}; // ship id → [{root, deployment}]
  var loadedScripts = {};

  function onEmbed() {
    var callback = Array.prototype.slice.call(arguments).filter(function (arg) {
      return typeof arg === "function";
    })[0];
    var current = document.currentScript;
    var shipId = current && current.getAttribute("data-hull-ship-script");
    if (!callback) return;
    if (!shipId) {
      console.warn("[Hull] onEmbed must be called while the ship's script first runs");
      return;
    }
    (embedCallbacks[shipId] = embedCallbacks[shipId] || []).push(callback);
  }

  function targetsOf(deployment) {
    var selector = deployment.settings && deployment.settings._selector;
    if (!selector) return []; // no _selector → no target → the script is never loaded
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  }

  function insertRoot(target, deployment) {
    var root = document.createElement("div");
    root.className = "ship-" + deployment.ship.id + " ship-deployment-" + deployment.id;
    root.setAttribute("data-hull-deployment", deployment.id);
    root.setAttribute("data-hull-ship", deployment.ship.id);
    var placement = (deployment.settings && deployment.settings._placement) || "append";
    if (placement === "before") target.parentNode.insertBefore(root, target);
    else if (placement === "after") target.parentNode.insertBefore(root, target.nextSibling);
    else if (placement === "top") target.insertBefore(root, target.firstChild);
    else if (placement === "replace") {
      target.innerHTML = "";
      target.appendChild(root);
    } else target.appendChild(root);
    return root;
  }

  function publicDeployment(deployment) {
    var copy = JSON.parse(
      JSON.stringify({
        id: deployment.id,
        ship: deployment.ship,
        organization: org,
        platform: deployment.platform,
        settings: deployment.settings,
      }),
    );
    copy.onUpdate = function () {};
    return copy;
  }

  function sandboxFor(ship) {
    var copy = Object.assign({}, Hull);
    copy.track = function (event, properties) {
      return Hull.track(event, Object.assign({}, properties, { ship_id: ship.id }));
    };
    copy.getDocument = function () {
      return document;
    };
    copy.getShipClassName = function () {
      return "ship-" + ship.id;
    };
    return copy;
  }

  function runCallbacks(shipId) {
    (embedded[shipId] || []).forEach(function (entry) {
      (embedCallbacks[shipId] || []).forEach(function (callback) {
        try {
          callback(
            entry.root,
            publicDeployment(entry.deployment),
            sandboxFor(entry.deployment.ship),
          );
        } catch (error) {
          console.error("[Hull] onEmbed callback of ship " + shipId + " failed", error);
        }
      });
    });
  }

  function embed(deployments) {
    var loads = deployments.map(function (deployment) {
      var shipId = deployment.ship.id;
      var targets = targetsOf(deployment);
      if (targets.length === 0) return Promise.resolve();
      targets.forEach(function (target) {
        (embedded[shipId] = embedded[shipId] || []).push({
          root: insertRoot(target, deployment),
          deployment: deployment,
        });
      });
      if (loadedScripts[shipId]) return loadedScripts[shipId];
      loadedScripts[shipId] = new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = deployment.ship.index;
        script.setAttribute("data-hull-deployment", deployment.id);
        script.setAttribute("data-hull-ship-script", shipId);
        script.onload = function () {
          runCallbacks(shipId);
          resolve();
        };
        script.onerror = function () {
          console.error("[Hull] could not load " + deployment.ship.index);
          resolve();
        };
        document.head.appendChild(script);
      });
      return loadedScripts[shipId];
    });
    return Promise.all(loads).then(function () {
      emit("hull.ships.ready");
    });
  }

  // ---- init ----
  var remote = null;

  function init(options, callback, errback) {
    if (config) return readyPromise;
    var appId = options && (options.platformId || options.appId || options.shipId);
    if (!appId || !OBJECT_ID.test(appId)) throw new Error("Hull.init needs a 24-hex platformId");
    if (!options.orgUrl) throw new Error("Hull.init needs an orgUrl");
    config = {
      appId: appId,
      platformId: appId,
      orgUrl: String(options.orgUrl).replace(/\/+$/, ""),
      embed: options.embed !== false,
      debug: !!options.debug,
      anonymousId: options.anonymousId || storedAnonymousId(),
      sessionId: uuid(),
    };
    config.browserId = config.anonymousId;
    request("get", appId + "/remote.json")
      .then(function (data) {
        remote = data;
        me = data.me;
        app = data.app;
        org = data.org;
        isReady = true;
        pool.splice(0).forEach(function (call) {
          call();
        });
        var result = { hull: Hull, me: me, app: app, org: org };
        resolveReady(result);
        emit("hull.ready", Hull, me, app, org);
        emit("hull.init", Hull, me, app, org);
        if (typeof callback === "function") callback(Hull, me, app, org);
        if (config.embed && app && Array.isArray(app.deployments) && app.deployments.length > 0) {
          embed(app.deployments);
        }
      })
      .catch(function (error) {
        console.error("[Hull] init failed", error);
        rejectReady(error);
        if (typeof errback === "function") errback(error);
      });
    return readyPromise;
  }

  function ready(callback, errback) {
    return readyPromise.then(
      function (result) {
        if (typeof callback === "function")
          callback(result.hull, result.me, result.app, result.org);
        return result;
      },
      function (error) {
        if (typeof errback === "function") errback(error);
        throw error;
      },
    );
  }

  var Hull = {
    __sandbox: true,
    version: "0.10.0-sandbox",
    init: init,
    ready: ready,
    on: on,
    once: function (event, fn) {
      return on(event, fn, 1);
    },
    many: on,
    off: off,
    emit: emit,
    track: track,
    traits: traits,
    trait: traits,
    identify: traits,
    alias: alias,
    api: api,
    login: login,
    logout: logout,
    onEmbed: onEmbed,
    currentUser: function () {
      return me || null;
    },
    config: readConfig,
  };
  window.Hull = Hull;

  // Auto-init from <script data-platform-id=… data-org-url=…> (src/client/script-tag-config).
  if (tag) {
    var platformId =
      tag.getAttribute("data-platform-id") ||
      tag.getAttribute("data-app-id") ||
      tag.getAttribute("data-ship-id");
    var orgUrl = tag.getAttribute("data-org-url");
    if (platformId && orgUrl) {
      init({
        platformId: platformId,
        orgUrl: orgUrl,
        embed: tag.getAttribute("data-embed") !== "false",
        debug: tag.getAttribute("data-debug") === "true",
      });
    }
  }
})();
