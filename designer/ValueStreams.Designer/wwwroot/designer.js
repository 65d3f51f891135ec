// Small browser helpers for the value stream designer (loaded as a module by the designer pages).

/** Saves text as a file through the browser's download. */
export function downloadText(fileName, text) {
    const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
}


/** A setting this browser keeps for the designer (null when none is stored or storage is unavailable). */
export function readSetting(key) {
    try {
        return localStorage.getItem(key);
    } catch {
        return null;
    }
}

export function writeSetting(key, value) {
    try {
        localStorage.setItem(key, value);
    } catch {
        // Storage refused (private mode, quota): the choice lasts for this page only.
    }
}

/**
 * Lets the overview map move the view: pressing on the map centres the view on that point, dragging moves it along.
 * The map's SVG is drawn in canvas coordinates (its viewBox), so its screen matrix turns a pointer into a canvas point.
 * While the server answers one move, further moves only replace the point to send next. Returns { detach() }.
 */
export function attachMinimap(element, owner) {
    let drag = null;
    let next = null;
    let sending = false;

    async function send(x, y) {
        next = { x, y };
        if (sending) {
            return;
        }
        sending = true;
        try {
            while (next) {
                const point = next;
                next = null;
                await owner.invokeMethodAsync("CenterOn", point.x, point.y);
            }
        } catch {
            next = null; // the circuit is gone; nothing more to move
        } finally {
            sending = false;
        }
    }

    function canvasPoint(event) {
        const matrix = element.querySelector("svg")?.getScreenCTM();
        if (!matrix || matrix.a === 0) {
            return null;
        }
        const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
        return { x: point.x, y: point.y, unitsPerPixel: 1 / matrix.a };
    }

    function down(event) {
        const point = event.button === 0 ? canvasPoint(event) : null;
        if (!point) {
            return;
        }
        event.preventDefault();
        element.setPointerCapture(event.pointerId);
        // The map rescales as the view moves (it always shows the view), so a drag keeps the scale it started with.
        drag = { clientX: event.clientX, clientY: event.clientY, x: point.x, y: point.y, unitsPerPixel: point.unitsPerPixel };
        send(point.x, point.y);
    }

    function move(event) {
        if (drag) {
            send(drag.x + (event.clientX - drag.clientX) * drag.unitsPerPixel, drag.y + (event.clientY - drag.clientY) * drag.unitsPerPixel);
        }
    }

    function end() {
        drag = null;
    }

    element.addEventListener("pointerdown", down);
    element.addEventListener("pointermove", move);
    element.addEventListener("pointerup", end);
    element.addEventListener("pointercancel", end);
    element.addEventListener("lostpointercapture", end);
    return {
        detach() {
            element.removeEventListener("pointerdown", down);
            element.removeEventListener("pointermove", move);
            element.removeEventListener("pointerup", end);
            element.removeEventListener("pointercancel", end);
            element.removeEventListener("lostpointercapture", end);
        },
    };
}
