// Improves the donate form; it works without this. Preset buttons fill in the amount without
// a reload, follow the chosen currency and frequency, and patron tiers show for regular gifts.
(function () {
    "use strict";
    var form = document.querySelector(".donate-form");
    if (!form) { return; }
    var presets = JSON.parse(form.dataset.presets || "{}");
    var amount = form.querySelector("#id_amount");
    var currency = form.querySelector("#id_currency");
    var list = form.querySelector(".presets");
    var tiers = form.querySelector(".tiers");

    function frequency() {
        var checked = form.querySelector("input[name=frequency]:checked");
        return checked ? checked.value : "one_off";
    }

    function showPresets() {
        if (!list) { return; }
        var amounts = (presets[currency.value] || {})[frequency()] || [];
        list.replaceChildren.apply(list, amounts.map(function (value) {
            var item = document.createElement("li");
            var button = document.createElement("a");
            button.className = "button button--quiet";
            button.href = "#id_amount";
            button.dataset.amount = value;
            button.textContent = value + " " + currency.value;
            item.appendChild(button);
            return item;
        }));
        if (tiers) { tiers.hidden = frequency() === "one_off"; }
    }

    form.addEventListener("click", function (event) {
        var button = event.target.closest("[data-amount]");
        if (!button) { return; }
        event.preventDefault();
        amount.value = button.dataset.amount;
        list.querySelectorAll("[data-amount]").forEach(function (other) {
            other.setAttribute("aria-pressed", String(other === button));
        });
        amount.focus();
    });
    form.addEventListener("change", function (event) {
        if (event.target === currency || event.target.name === "frequency") { showPresets(); }
    });
    if (tiers) { tiers.hidden = frequency() === "one_off"; }
})();
