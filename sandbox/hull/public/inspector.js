/*
 * The inspector renders the sandbox's state. Everything shown comes from connectors and visitors,
 * so it is written with textContent only: nothing is ever parsed as HTML.
 */
(function () {
  "use strict";
  var segmentNames = {};

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function json(value) {
    return el("pre", JSON.stringify(value, null, 1));
  }

  function row(cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (cell) {
      var td = document.createElement("td");
      if (cell instanceof Node) td.appendChild(cell);
      else td.textContent = cell === undefined || cell === null ? "" : String(cell);
      tr.appendChild(td);
    });
    return tr;
  }

  function fill(id, rows, emptyText, columns) {
    var body = document.getElementById(id);
    body.replaceChildren();
    if (rows.length === 0) {
      var td = el("td", emptyText, "muted");
      td.colSpan = columns;
      var tr = document.createElement("tr");
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (r) {
      body.appendChild(r);
    });
  }

  function pills(values) {
    var span = document.createElement("span");
    values.forEach(function (value) {
      span.appendChild(el("span", value, "pill"));
    });
    return span;
  }

  function claims(user) {
    var box = document.createElement("div");
    box.appendChild(el("code", user.id));
    [
      ["email", user.email],
      ["external_id", user.external_id],
    ].forEach(function (pair) {
      if (pair[1]) box.appendChild(el("div", pair[0] + ": " + pair[1]));
    });
    if (user.anonymous_ids.length) box.appendChild(pills(user.anonymous_ids));
    return box;
  }

  function events(user) {
    var list = document.createElement("div");
    user.events
      .slice(-8)
      .reverse()
      .forEach(function (event) {
        var line = el("div");
        line.appendChild(el("b", event.event));
        line.appendChild(el("span", " " + JSON.stringify(event.properties), "muted"));
        line.appendChild(el("div", (event.context && event.context.source) || "", "muted"));
        list.appendChild(line);
      });
    if (user.events.length > 8)
      list.appendChild(el("div", "… " + (user.events.length - 8) + " older", "muted"));
    return list;
  }

  function get(path) {
    return fetch(path, { cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error(path + " answered " + response.status);
      return response.json();
    });
  }

  function render(data) {
    segmentNames = {};
    data.segments.forEach(function (segment) {
      segmentNames[segment.id] = segment.name;
    });
    document.getElementById("user-count").textContent = "(" + data.users.length + ")";
    fill(
      "users",
      data.users
        .slice(-200)
        .reverse()
        .map(function (user) {
          return row([
            claims(user),
            json(user.attributes),
            pills(
              user.segment_ids.map(function (id) {
                return segmentNames[id] || id;
              }),
            ),
            events(user),
          ]);
        }),
      "No users yet: use the demo website, the connector, or POST /_sandbox/users.",
      4,
    );
    fill(
      "segments",
      data.segments.map(function (segment) {
        return row([segment.name, el("code", segment.id), json(segment.query)]);
      }),
      "No segments: POST /_sandbox/segments {name, query}.",
      3,
    );
    var accountSegmentNames = {};
    data.accountSegments.forEach(function (segment) {
      accountSegmentNames[segment.id] = segment.name;
    });
    document.getElementById("account-count").textContent = "(" + data.accounts.length + ")";
    fill(
      "accounts",
      data.accounts
        .slice(-200)
        .reverse()
        .map(function (account) {
          var ids = document.createElement("div");
          ids.appendChild(el("code", account.id));
          [
            ["domain", account.domain],
            ["external_id", account.external_id],
            ["anonymous_ids", (account.anonymous_ids || []).join(", ")],
          ].forEach(function (pair) {
            if (pair[1]) ids.appendChild(el("div", pair[0] + ": " + pair[1], "muted"));
          });
          var attributes = {};
          Object.keys(account).forEach(function (key) {
            var reserved = ["id", "domain", "external_id", "anonymous_ids", "segment_ids", "users"];
            if (reserved.indexOf(key) < 0 && key !== "indexed_at") attributes[key] = account[key];
          });
          return row([
            ids,
            json(attributes),
            pills(
              account.segment_ids.map(function (id) {
                return accountSegmentNames[id] || id;
              }),
            ),
            pills(
              account.users.map(function (user) {
                return user.email || user.id;
              }),
            ),
          ]);
        }),
      "No accounts yet: the connector writes them, or POST /_sandbox/accounts.",
      4,
    );
    fill(
      "account-segments",
      data.accountSegments.map(function (segment) {
        return row([
          segment.name,
          el("code", segment.id),
          segment.stats.accounts,
          json(segment.query),
        ]);
      }),
      "No account segments: POST /_sandbox/accounts_segments {name, query}.",
      4,
    );
    fill(
      "notifications",
      data.notifications
        .slice(-100)
        .reverse()
        .map(function (item) {
          var answer = item.error
            ? el("span", item.error, "bad")
            : el(
                "span",
                String(item.status) + " " + JSON.stringify(item.flow_control || {}),
                item.status < 400 ? "good" : "bad",
              );
          return row([
            item.sent_at,
            item.channel,
            item.message_count,
            item.attempt + " (" + item.outcome + ")",
            answer,
            pills(item.user_ids.slice(0, 5)),
          ]);
        }),
      "Nothing sent yet.",
      6,
    );
    fill(
      "firehose",
      data.firehose
        .slice(-100)
        .reverse()
        .map(function (item) {
          var asUser = item.claims && item.claims["io.hull.asUser"];
          var asAccount = item.claims && item.claims["io.hull.asAccount"];
          if (asAccount) asUser = { account: asAccount, user: asUser || null };
          var result = item.accepted
            ? el("span", item.note || "applied", "good")
            : el("span", item.error || "refused with its batch", "bad");
          return row([item.received_at, item.type, json(asUser || null), json(item.body), result]);
        }),
      "Nothing received yet.",
      5,
    );
  }

  function refresh() {
    return Promise.all([
      get("/_sandbox/users"),
      get("/_sandbox/segments"),
      get("/_sandbox/notifications"),
      get("/_sandbox/firehose"),
      get("/_sandbox/accounts"),
      get("/_sandbox/accounts_segments"),
    ])
      .then(function (results) {
        render({
          users: results[0],
          segments: results[1],
          notifications: results[2],
          firehose: results[3],
          accounts: results[4],
          accountSegments: results[5],
        });
        document.getElementById("status").textContent =
          "updated " + new Date().toLocaleTimeString();
      })
      .catch(function (error) {
        document.getElementById("status").textContent = "could not refresh: " + error.message;
      });
  }

  refresh();
  setInterval(function () {
    if (document.getElementById("auto").checked) refresh();
  }, 2000);
})();
