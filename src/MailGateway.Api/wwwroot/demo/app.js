// MailGateway live inbox demo. Plain JS; mail data only ever reaches the page through textContent.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const tokenBox = $("token");
  const statusLine = $("status");
  const accountsSelect = $("accounts");
  const rows = $("message-rows");
  const table = $("messages");
  const eventsList = $("events");
  let connection = null;
  let subscribedAccount = null;
  let inboxPath = "INBOX";

  tokenBox.value = sessionStorage.getItem("mailgateway.token") || "";

  function setStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", Boolean(isError));
  }

  function token() {
    return tokenBox.value.trim();
  }

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: "Bearer " + token(), Accept: "application/json" } });
    if (!response.ok) {
      let detail = response.status + " " + response.statusText;
      try {
        const problem = await response.json();
        if (problem && problem.title) detail = response.status + " " + problem.title;
      } catch { /* not JSON */ }
      throw new Error(detail);
    }
    return response.json();
  }

  function formatAddress(list) {
    if (!Array.isArray(list) || list.length === 0) return "";
    const first = list[0];
    return first.name ? first.name + " <" + first.address + ">" : first.address;
  }

  function formatDate(value) {
    if (!value) return "";
    const date = new Date(value);
    return isNaN(date.getTime()) ? "" : date.toLocaleString();
  }

  function flagText(message) {
    return (message.flagged ? "\u2605" : "") + (message.answered ? "\u21A9" : "");
  }

  function cell(text, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function renderRow(message, isNew) {
    const tr = document.createElement("tr");
    tr.dataset.id = message.id;
    tr.classList.toggle("unseen", !message.seen);
    if (isNew) tr.classList.add("new");
    tr.appendChild(cell(flagText(message), "flags"));
    tr.appendChild(cell(formatAddress(message.from), "from"));
    const subject = cell(message.subject || "(no subject)", "subject");
    if (message.preview) {
      const preview = document.createElement("span");
      preview.className = "preview";
      preview.textContent = message.preview;
      subject.appendChild(preview);
    }
    tr.appendChild(subject);
    tr.appendChild(cell(formatDate(message.date || message.receivedAt), "date"));
    return tr;
  }

  function findRow(messageId) {
    for (const tr of rows.children) if (tr.dataset.id === messageId) return tr;
    return null;
  }

  function logEvent(event) {
    const li = document.createElement("li");
    const data = event.data || {};
    li.textContent = new Date().toLocaleTimeString() + "  " + event.type + (data.mailboxPath ? "  " + data.mailboxPath : "") +
      (data.uid ? "  uid " + data.uid : "");
    eventsList.insertBefore(li, eventsList.firstChild);
    while (eventsList.children.length > 100) eventsList.removeChild(eventsList.lastChild);
  }

  function onMailEvent(event) {
    logEvent(event);
    if (event.accountId !== subscribedAccount) return;
    const data = event.data || {};
    switch (event.type) {
      case "message.created":
        if (data.mailboxPath === inboxPath && data.summary && !findRow(data.messageId)) {
          table.hidden = false;
          rows.insertBefore(renderRow(data.summary, true), rows.firstChild);
        }
        break;
      case "message.updated": {
        const tr = findRow(data.messageId);
        if (tr) {
          tr.classList.toggle("unseen", !data.seen);
          tr.querySelector("td.flags").textContent = flagText(data);
        }
        break;
      }
      case "message.deleted": {
        const tr = findRow(data.messageId);
        if (tr) tr.remove();
        break;
      }
      case "mailbox.reset":
        if (data.mailboxPath === inboxPath) loadInbox(subscribedAccount).catch((e) => setStatus(e.message, true));
        break;
      case "account.connected":
        if (!statusLine.classList.contains("error")) setStatus("Live: watching the mailbox.");
        break;
      case "account.disconnected":
      case "account.authFailed":
        setStatus("The gateway lost the mail server: " + (data.reason || event.type), true);
        break;
    }
  }

  async function loadAccounts() {
    sessionStorage.setItem("mailgateway.token", token());
    setStatus("Loading accounts\u2026");
    const accounts = await api("/api/v1/accounts");
    const list = Array.isArray(accounts) ? accounts : (accounts.items || []);
    accountsSelect.replaceChildren();
    for (const account of list) {
      const option = document.createElement("option");
      option.value = account.id;
      option.textContent = (account.displayName || account.email || account.id) + (account.email ? " (" + account.email + ")" : "");
      accountsSelect.appendChild(option);
    }
    $("account-picker").hidden = list.length === 0;
    setStatus(list.length === 0 ? "This token has no accounts." : list.length + " account(s). Pick one.");
  }

  async function loadInbox(accountId) {
    rows.replaceChildren();
    const mailboxes = await api("/api/v1/accounts/" + encodeURIComponent(accountId) + "/mailboxes");
    const list = Array.isArray(mailboxes) ? mailboxes : (mailboxes.items || []);
    const inbox = list.find((m) => m.specialUse === "inbox" || (m.path || "").toUpperCase() === "INBOX");
    if (!inbox) throw new Error("No INBOX found.");
    inboxPath = inbox.path;
    const page = await api("/api/v1/accounts/" + encodeURIComponent(accountId) + "/mailboxes/" + encodeURIComponent(inbox.id) + "/messages?limit=50");
    for (const message of page.items || []) rows.appendChild(renderRow(message, false));
    table.hidden = false;
  }

  async function connect(accountId) {
    if (!connection) {
      connection = new signalR.HubConnectionBuilder()
        .withUrl("/hubs/mail", { accessTokenFactory: () => token() })
        .withAutomaticReconnect()
        .build();
      connection.on("mailEvent", onMailEvent);
      connection.onreconnected(() => subscribedAccount && connection.invoke("Subscribe", subscribedAccount));
      await connection.start();
    }
    if (subscribedAccount && subscribedAccount !== accountId) await connection.invoke("Unsubscribe", subscribedAccount);
    await connection.invoke("Subscribe", accountId);
    subscribedAccount = accountId;
  }

  async function open() {
    const accountId = accountsSelect.value;
    if (!accountId) return;
    table.hidden = false;
    setStatus("Connecting\u2026");
    await connect(accountId);
    setStatus("Subscribed. Waiting for the mailbox\u2026");
    try {
      await loadInbox(accountId);
    } catch (e) {
      setStatus("Live events are on, but the INBOX list failed: " + e.message, true);
      return;
    }
    setStatus("Live: showing INBOX; new mail appears at the top.");
  }

  $("load-accounts").addEventListener("click", () => loadAccounts().catch((e) => setStatus(e.message, true)));
  $("open").addEventListener("click", () => open().catch((e) => setStatus(e.message || String(e), true)));
})();
