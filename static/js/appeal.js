/* Appeals, improved where JavaScript runs: copy buttons, a print button, and the protests this
   browser has counted marked on the (cached, shared) page. Everything works without it. */
(function () {
    "use strict";

    function announce(button, text) {
        var status = button.parentNode.querySelector(".copy-status");
        if (status) { status.textContent = text; }
    }

    function copyText(source) {
        if (source.matches("input, textarea")) { return source.value; }
        var items = source.querySelectorAll("li");
        if (!items.length) { return source.textContent.trim(); }
        return Array.prototype.map.call(items, function (item) { return item.textContent.trim(); }).join(", ");
    }

    function fallbackCopy(text) {
        var area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "absolute";
        area.style.left = "-9999px";
        document.body.appendChild(area);
        area.select();
        var copied = document.execCommand("copy");
        document.body.removeChild(area);
        return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
    }

    document.querySelectorAll("[data-copy]").forEach(function (button) {
        var source = document.querySelector(button.getAttribute("data-copy"));
        if (!source) { return; }
        button.hidden = false;
        button.addEventListener("click", function () {
            var text = copyText(source);
            var copying = navigator.clipboard && window.isSecureContext
                ? navigator.clipboard.writeText(text) : fallbackCopy(text);
            copying.then(function () {
                announce(button, "Copied.");
            }, function () {
                announce(button, "Your browser would not copy: select the text and copy it yourself.");
            });
        });
    });

    document.querySelectorAll("[data-print]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () { window.print(); });
    });

    // The cookie holds the ids of the targets this browser has counted a protest to.
    function markCounted() {
        var match = document.cookie.match(/(?:^|;\s*)protests_sent=([0-9.]*)/);
        var counted = match ? match[1].split(".") : [];
        document.querySelectorAll("[data-target-id]").forEach(function (target) {
            var mine = target.querySelector(".tally__mine");
            if (mine) { mine.hidden = counted.indexOf(target.getAttribute("data-target-id")) === -1; }
        });
    }
    markCounted();
    // Back from the thank-you page, the browser may show this page from memory: look again.
    window.addEventListener("pageshow", markCounted);
}());
