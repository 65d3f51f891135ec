// The live connection's notice, and the text people type while the connection is down.
//
// Blazor reports the connection's state to the #components-reconnect-modal element. While the connection is down,
// what people type into text fields does not reach the server, although the page still shows it. So:
// - every edit to a text field is remembered in memory, and, while the connection is down, in this tab's session
//   storage under the field's context (the closest [data-keep-typed] container) and id;
// - when the same connection comes back, each field edited is sent again (input and change events), so the server
//   has what the page shows;
// - when the page has to reload (the server no longer knows this page), the text kept in session storage is put back
//   into the same fields, in the same context, as soon as they appear, and the notice says so.
(() => {
    "use strict";
    const notice = document.getElementById("components-reconnect-modal");
    if (!notice) return;
    const storageKey = "valuestreams.unsent";
    const keepFor = 60 * 60 * 1000;
    const edited = new Map(); // field element -> the value last typed
    let down = false;

    const isTextField = el =>
        el instanceof HTMLTextAreaElement ||
        (el instanceof HTMLInputElement && ["text", "search", "email", "url", "tel", "number"].includes(el.type));

    const contextOf = el => el.closest("[data-keep-typed]")?.getAttribute("data-keep-typed") ?? null;
    const nameOf = el => el.id || el.name || el.getAttribute("data-testid") || el.getAttribute("aria-label") || null;

    const readKept = () => {
        try {
            const kept = JSON.parse(sessionStorage.getItem(storageKey) || "{}");
            const now = Date.now();
            for (const [key, entry] of Object.entries(kept))
                if (!entry || entry.path !== location.pathname || now - entry.at > keepFor) delete kept[key];
            return kept;
        } catch {
            return {};
        }
    };
    const writeKept = kept => {
        try {
            if (Object.keys(kept).length > 0) sessionStorage.setItem(storageKey, JSON.stringify(kept));
            else sessionStorage.removeItem(storageKey);
        } catch {
            // Storage full or refused: the text is still on the page, and is sent again on reconnection.
        }
    };
    const keep = field => {
        const context = contextOf(field), name = nameOf(field);
        if (context === null || name === null) return;
        const kept = readKept();
        kept[`${context}|${name}`] = { path: location.pathname, value: field.value, at: Date.now() };
        writeKept(kept);
    };

    const send = (field, value) => {
        field.value = value;
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
    };

    document.addEventListener("input", event => {
        const field = event.target;
        if (!event.isTrusted || !isTextField(field)) return;
        edited.set(field, field.value);
        if (down) keep(field);
    }, true);

    const show = which => {
        notice.hidden = which === null;
        notice.setAttribute("data-state", which ?? "");
    };

    const connectionDown = () => {
        down = true;
        for (const field of edited.keys()) if (field.isConnected) keep(field);
    };
    const connectionBack = () => {
        down = false;
        for (const [field, value] of edited)
            if (field.isConnected) send(field, value);
        edited.clear();
        writeKept({});
    };

    notice.addEventListener("components-reconnect-state-changed", event => {
        switch (event.detail.state) {
            case "show":
            case "retrying":
                connectionDown();
                show("down");
                break;
            case "failed":
            case "paused":
            case "resume-failed":
                connectionDown();
                show("failed");
                break;
            case "rejected":
                // The server no longer knows this page: reload it; the text kept is restored into the new page.
                connectionDown();
                location.reload();
                break;
            case "hide":
                connectionBack();
                show(null);
                break;
        }
    });

    document.getElementById("components-reconnect-button")?.addEventListener("click", async () => {
        try {
            if (!(await Blazor.reconnect())) location.reload();
        } catch {
            show("failed");
        }
    });

    // After a reload: give back what was kept as soon as its field appears and the page is live.
    let restoring = readKept();
    if (Object.keys(restoring).length === 0) return;
    const live = () => document.querySelector("[data-interactive='true']") !== null;
    const restore = () => {
        if (!live()) return false;
        let restored = false;
        for (const container of document.querySelectorAll("[data-keep-typed]")) {
            const context = container.getAttribute("data-keep-typed");
            for (const field of container.querySelectorAll("input, textarea")) {
                const key = `${context}|${nameOf(field)}`;
                const entry = restoring[key];
                if (!entry || !isTextField(field) || contextOf(field) !== context) continue;
                if (field.value !== entry.value) {
                    send(field, entry.value);
                    restored = true;
                }
                delete restoring[key];
            }
        }
        writeKept(restoring);
        if (restored) {
            show("restored");
            setTimeout(() => { if (notice.getAttribute("data-state") === "restored") show(null); }, 20_000);
        }
        return Object.keys(restoring).length === 0;
    };
    const watcher = new MutationObserver(() => { if (restore()) watcher.disconnect(); });
    watcher.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-interactive"] });
    setTimeout(() => watcher.disconnect(), 10 * 60 * 1000);
})();
